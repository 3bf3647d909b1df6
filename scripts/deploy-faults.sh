#!/usr/bin/env bash
# `npm run test:faults`: issue 26's fault runs over staging and prod under the real engines
# (test/deploy/faults/faults.run.ts), then their section of docs/reliability.md, written even when a
# run fails (its figures say how). FAULTS_POINTS, FAULTS_RESTARTS, FAULTS_STACKS, FAULTS_SEED and
# FAULTS_BUDGET_MINUTES are read by the run (see its header).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/with-node.sh
npm run -s engines >&2 || exit 1
# Each run appends its figure as it ends (test/deploy/faults/figures.ts); a new suite starts empty.
rm -f "${FAULTS_FIGURES:-${TMPDIR:-/tmp}/mcp-deploy-faults/figures.jsonl}"
npx vitest run --config vitest.faults.config.ts
status=$?
FAULTS_STATUS=$status node --import ./scripts/loader/register.ts test/deploy/faults/write-doc.ts
exit $status
