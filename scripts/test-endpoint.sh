#!/usr/bin/env bash
# Builds dynoscope-server and runs the boto3 tests of the native endpoint against it
# (tests/endpoint). Needs the Python venv: scripts/bootstrap.sh python.
#
# Usage: scripts/test-endpoint.sh [--release] [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
if [ "${1:-}" = "--release" ]; then
  profile=release
  shift
fi

if [ ! -x .venv/bin/python ]; then
  echo "no .venv: run scripts/bootstrap.sh python first" >&2
  exit 2
fi

if [ "$profile" = release ]; then
  cargo build --release -p dynoscope-server
else
  cargo build -p dynoscope-server
fi

# Cargo builds into CARGO_TARGET_DIR when it is set (relative to here, as cargo takes it).
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
export DYNOSCOPE_SERVER_BIN="$target_dir/$profile/dynoscope-server"
exec .venv/bin/python -m pytest -q tests/endpoint "$@"
