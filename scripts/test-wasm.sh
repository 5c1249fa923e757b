#!/usr/bin/env bash
# Runs the browser app's wasm tests (tests/*.rs of the root package) in headless Chromium:
# .cargo/config.toml makes wasm-bindgen-test-runner the runner and points it at chromedriver.
# Chromium's profiles (org.chromium.Chromium.scoped_dir.*, ~130 MB each, left behind when the
# runner stops chromedriver) go to a temporary directory of ours, removed on exit.
# Needs `scripts/bootstrap.sh wasm browser`. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/dynoscope-wasm-tests.XXXXXX")
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
cargo test -p dynoscope --target wasm32-unknown-unknown "$@"
