#!/usr/bin/env bash
# End-to-end tests of the browser app: builds it with trunk (release), serves dist/ with
# python's http.server on a free local port, and runs `node --test tests/e2e/` against it
# (playwright-core from tools/node driving /usr/bin/chromium). The server is stopped on
# exit; the exit status is the tests'. SKIP_BUILD=1 reuses an existing dist/;
# E2E_PORT picks the port. Needs `scripts/bootstrap.sh wasm browser`.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/tools/node/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

if [ ! -d tools/node/node_modules/playwright-core ] || [ ! -x tools/node/node_modules/.bin/wasm-opt ]; then
  echo "tools/node/node_modules is incomplete: run scripts/bootstrap.sh node" >&2
  exit 1
fi

# The SDK test bundles the AWS SDK for JavaScript v3 from tests/sdk with esbuild.
scripts/bootstrap.sh sdk

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  trunk build --release
fi
[ -f dist/index.html ] || { echo "dist/index.html is missing: build first" >&2; exit 1; }
# The first load stays under 1 MB gzipped (issue 8).
python3 scripts/app_size.py dist --budget 1000000

PORT=${E2E_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
mkdir -p target/e2e
python3 scripts/serve.py "$PORT" dist >target/e2e/server.log 2>&1 &
SERVER_PID=$!
# Chromium's own temporary files go to a directory of ours, removed with the server on exit.
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/dynoscope-e2e-tmp.XXXXXX")
export TMPDIR
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$TMPDIR"' EXIT

URL="http://127.0.0.1:$PORT"
for _ in $(seq 100); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$URL/" 2>/dev/null; then
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "the http server exited:" >&2; cat target/e2e/server.log >&2; exit 1; }
  sleep 0.1
done

echo "testing $URL"
DYNOSCOPE_URL="$URL" node --test tests/e2e/
