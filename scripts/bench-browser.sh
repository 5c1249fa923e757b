#!/usr/bin/env bash
# Browser figures (printed, never asserted): builds the app unless SKIP_BUILD=1, serves dist/
# on a free port and runs tests/e2e/bench.cjs in headless Chromium. Needs
# `scripts/bootstrap.sh wasm browser`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  trunk build --release
fi
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 scripts/serve.py "$PORT" dist >/dev/null 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$PORT/" 2>/dev/null && break
  sleep 0.1
done
scripts/app_size.py dist
DYNOSCOPE_URL="http://127.0.0.1:$PORT" node tests/e2e/bench.cjs
