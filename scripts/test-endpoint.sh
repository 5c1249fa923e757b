#!/usr/bin/env bash
# Builds dynoscope-server and runs the tests of the native endpoint against it: the boto3
# tests (tests/endpoint, pytest), then the AWS SDK for JavaScript v3 tests of the wire
# protocol (tests/endpoint/js, node's test runner). Needs the Python venv
# (scripts/bootstrap.sh python) and node on PATH; installs tests/sdk/node_modules from
# package-lock.json with `npm ci` where missing or stale, as scripts/test-codegen.sh does.
# The server is built into $CARGO_TARGET_DIR when set, else target/.
#
# Usage: scripts/test-endpoint.sh [--release] [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

SDK=tests/sdk

say() { printf '\033[1;34m[test-endpoint]\033[0m %s\n' "$*" >&2; }

need_node_modules() {
  local lock=$SDK/package-lock.json installed=$SDK/node_modules/.package-lock.json
  if [ -f "$installed" ] && [ ! "$lock" -nt "$installed" ]; then return; fi
  # A node_modules linked from another checkout is used as it is: npm ci would empty the
  # other checkout's copy through the link.
  if [ -L "$SDK/node_modules" ] && [ -f "$installed" ]; then return; fi
  say "npm ci in $SDK (the AWS SDK for JavaScript v3)"
  # esbuild's is the only install script, and these tests do not use esbuild.
  (cd "$SDK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}

profile=debug
if [ "${1:-}" = "--release" ]; then
  profile=release
  shift
fi

if [ ! -x .venv/bin/python ]; then
  echo "no .venv: run scripts/bootstrap.sh python first" >&2
  exit 2
fi
if ! command -v node >/dev/null; then
  echo "node is not on PATH" >&2
  exit 2
fi
need_node_modules

if [ "$profile" = release ]; then
  cargo build --release -p dynoscope-server
else
  cargo build -p dynoscope-server
fi

# Where cargo put it: CARGO_TARGET_DIR if set (relative to here, as cargo reads it).
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
export DYNOSCOPE_SERVER_BIN="$target_dir/$profile/dynoscope-server"
.venv/bin/python -m pytest -q tests/endpoint "$@"
say "AWS SDK for JavaScript v3 against the endpoint (tests/endpoint/js)"
node --test tests/endpoint/js/
