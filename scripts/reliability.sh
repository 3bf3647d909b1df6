#!/usr/bin/env bash
# `npm run test:reliability`: load, faults, nothing-lost and fuzz runs on loopback (test/reliability/),
# then docs/reliability.md from their figures, written even when a run fails (its figure says how).
# RELIABILITY_DURATION: seconds per load run (default 20); RELIABILITY_IMPORT_RUNS / RELIABILITY_IMPORT_MINUTES:
# the import + kill -9 runs (200, bounded by 30 minutes). About 7 minutes on 2 cores plus that bound.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/with-node.sh
rm -rf "${TMPDIR:-/tmp}/mcp-reliability-figures"
start_load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
npx vitest run --config vitest.reliability.config.ts
status=$?
RELIABILITY_STATUS=$status RELIABILITY_START_LOAD="$start_load" \
  node --conditions=@mcp-stack/source --import tsx test/reliability/write-doc.ts
exit $status
