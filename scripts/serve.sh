#!/usr/bin/env bash
# Builds the browser app (trunk build --release, see Trunk.toml) and serves dist/ at
# http://127.0.0.1:8080 until interrupted. DYNOSCOPE_PORT overrides the port.
# Needs the tools from `scripts/bootstrap.sh wasm` (trunk, wasm-bindgen, tools/node's wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${DYNOSCOPE_PORT:-8080}
export PATH="$PWD/tools/node/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

if [ ! -x tools/node/node_modules/.bin/wasm-opt ]; then
  echo "tools/node/node_modules/.bin/wasm-opt is missing: run scripts/bootstrap.sh wasm" >&2
  exit 1
fi

trunk build --release
echo "Dynoscope is running at http://127.0.0.1:$PORT"
exec python3 scripts/serve.py "$PORT" dist
