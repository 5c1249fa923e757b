#!/usr/bin/env bash
# Runs the code crates/codegen writes with the real SDKs (tests/codegen/test_codegen.py):
# every request of a corpus sent raw, through generated boto3 code and through generated
# AWS SDK for JavaScript v3 code, each against a fresh dynoscope-server, with the same
# response all three ways; and every operation of botocore's DynamoDB and Streams models
# generated in both languages and sent to a stand-in endpoint, which must receive the very
# request the code was generated from.
#
# Builds dynoscope-server (debug) and the codegen example; installs tests/sdk/node_modules
# from package-lock.json with `npm ci` where missing or stale; needs .venv with boto3
# (scripts/bootstrap.sh python) and node on PATH.
#
# Usage: scripts/test-codegen.sh [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

SDK=tests/sdk

say() { printf '\033[1;34m[test-codegen]\033[0m %s\n' "$*" >&2; }

need_node_modules() {
  local lock=$SDK/package-lock.json installed=$SDK/node_modules/.package-lock.json
  if [ -f "$installed" ] && [ ! "$lock" -nt "$installed" ]; then return; fi
  say "npm ci in $SDK (the AWS SDK for JavaScript v3 and esbuild)"
  # esbuild's is the only install script, and it only checks the binary that npm already
  # installed from @esbuild/<platform>: check that here instead of running it.
  (cd "$SDK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  "$SDK/node_modules/.bin/esbuild" --version >/dev/null
}

if ! command -v node >/dev/null; then
  echo "node is not on PATH" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import boto3, pytest' 2>/dev/null; then
  scripts/bootstrap.sh python
fi
need_node_modules
say "building dynoscope-server and the codegen example (debug)"
cargo build -q -p dynoscope-server
cargo build -q -p dynoscope-codegen --example codegen

# Where cargo builds: CARGO_TARGET_DIR when set (made absolute), else target/.
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$PWD/$TARGET_DIR ;; esac
export DYNOSCOPE_SERVER_BIN="$TARGET_DIR/debug/dynoscope-server"
export DYNOSCOPE_CODEGEN_BIN="$TARGET_DIR/debug/examples/codegen"
exec .venv/bin/python -m pytest -q tests/codegen "$@"
