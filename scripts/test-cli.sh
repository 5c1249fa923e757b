#!/usr/bin/env bash
# crates/cli against the real AWS CLI (tests/cli/test_awscli.py): builds dynoscope-server and
# the console example (debug), makes .venv-awscli with the pinned AWS CLI v1 and pytest
# (tools/python/awscli-requirements.txt) when it is missing or the pins changed, and runs the
# test: the same `aws ...` lines through the AWS CLI against the server and through the
# console, output compared line by line.
#
# Usage: scripts/test-cli.sh [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-awscli
requirements=tools/python/awscli-requirements.txt
if [ ! -x "$venv/bin/aws" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
  echo "test-cli: creating $venv from $requirements" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" 2>&1 | tail -n 20
  cp "$requirements" "$venv/requirements.txt"
fi

cargo build -p dynoscope-server
cargo build -p dynoscope-cli --example console

# Where cargo builds: CARGO_TARGET_DIR when set (made absolute), else target/.
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$PWD/$TARGET_DIR ;; esac
export DYNOSCOPE_SERVER_BIN="$TARGET_DIR/debug/dynoscope-server"
export DYNOSCOPE_CONSOLE_BIN="$TARGET_DIR/debug/examples/console"
exec "$venv/bin/python" -m pytest -q tests/cli "$@"
