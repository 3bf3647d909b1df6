#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need on a fresh Debian/Ubuntu machine,
# then type-checks, lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything below (npm ci, typecheck, lint, vitest) runs on the pinned Node.js: scripts/with-node.sh.
source scripts/with-node.sh

# System tools the tests drive for real: "<command>:<Debian package>".
APT_TOOLS=(
  "promtool:prometheus"
  "amtool:prometheus-alertmanager"
  # The end-to-end observability suite (test/monitoring/e2e/) runs the servers and exporters themselves.
  # Debian names the Alertmanager binary prometheus-alertmanager (there is no `alertmanager` command).
  "prometheus:prometheus"
  "prometheus-alertmanager:prometheus-alertmanager"
  "prometheus-redis-exporter:prometheus-redis-exporter"
  "prometheus-postgres-exporter:prometheus-postgres-exporter"
  "redis-server:redis-server"
  # Postgres + PgBouncer (test/helpers/postgres-server.ts): Debian keeps the server binaries off PATH
  # (/usr/lib/postgresql/<major>/bin), so the check uses a command the package does put on PATH.
  "pgbouncer:pgbouncer"
  "pg_ctlcluster:postgresql"
  # The dashboard's browser tests (test/app/ui/) drive Debian's Chromium through playwright-core, which
  # never downloads a browser of its own (test/helpers/chromium.ts).
  "chromium:chromium"
)

missing=()
for entry in "${APT_TOOLS[@]}"; do
  cmd="${entry%%:*}"; pkg="${entry#*:}"
  # /usr/sbin (pgbouncer) is not on a non-root user's PATH on Debian.
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
    echo "Missing system packages: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "==> apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian packages start their daemons; the tests start their own on free ports.
  for svc in prometheus prometheus-alertmanager prometheus-redis-exporter prometheus-postgres-exporter redis-server postgresql pgbouncer; do $sudo service "$svc" stop >/dev/null 2>&1 || true; done
fi

echo "==> npm ci"
npm ci --no-audit --no-fund --loglevel=error

# --- pglite-tools (restore drill, test/helpers/pglite-dump.ts) -------------------------------------
# @electric-sql/pglite-tools pins an exact peer @electric-sql/pglite version older than the app's, so
# it cannot join the workspace lockfile (ERESOLVE; --legacy-peer-deps lockfiles break npm ci). Its
# pg_dump has no runtime import of pglite, so it lives outside the lockfile under .tools/ (gitignored).
PGLITE_TOOLS_VERSION=0.4.8
if [ "$(node -p 'require("./.tools/pglite-tools/node_modules/@electric-sql/pglite-tools/package.json").version' 2>/dev/null)" != "$PGLITE_TOOLS_VERSION" ]; then
  echo "==> npm install @electric-sql/pglite-tools@$PGLITE_TOOLS_VERSION (into .tools/pglite-tools)"
  npm install --prefix .tools/pglite-tools --no-save --no-package-lock --legacy-peer-deps --no-audit --no-fund \
    --loglevel=error "@electric-sql/pglite-tools@$PGLITE_TOOLS_VERSION"
fi
# --- end pglite-tools --------------------------------------------------------------------------------

# --- the real engines (engines/README.md) ---------------------------------------------------------
# The deploy tests (test/deploy/, test/engines/) run the real Pulumi CLI, provider and a local Kubernetes
# control plane, built from the Go module proxy into ~/.cache/mcp-stack/engines: 25 to 45 minutes on a
# new 2-core machine, seconds once cached. Built here, before vitest, so no test waits on a build.
echo "==> engines"
npm run -s engines -- build
# --- end engines -------------------------------------------------------------------------------------

echo "==> typecheck"
npm run -s typecheck
echo "==> lint"
npm run -s lint
echo "==> vitest"
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.vitest-report.json || status=$?
node -e '
  const r = require("./.vitest-report.json");
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
