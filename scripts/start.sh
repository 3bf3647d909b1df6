#!/usr/bin/env bash
# The README's first command: install the dependencies and start the app on embedded defaults (PGlite +
# pgvector, memory cache, offline models, no services), on the project's pinned Node.js (.node-version,
# installed into .tools/node when the machine's node is another major). `npm ci && npm start` does the
# same on whatever node is on PATH. npm ci runs only when node_modules is missing or older than
# package-lock.json (npm records each install in node_modules/.package-lock.json), so a restart is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/with-node.sh

installed=node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ package-lock.json -nt "$installed" ]; then
  echo "==> npm ci (node_modules is missing or older than package-lock.json)" >&2
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "==> node_modules matches package-lock.json; skipping npm ci" >&2
fi
exec npm start
