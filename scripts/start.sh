#!/usr/bin/env bash
# The README's first command: install the dependencies and start the app on embedded defaults (PGlite +
# pgvector, memory cache, offline models, no services), on the project's pinned Node.js (.node-version,
# installed into .tools/node when the machine's node is another major). `npm ci && npm start` does the
# same on whatever node is on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/with-node.sh

echo "==> npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
exec npm start
