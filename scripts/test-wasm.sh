#!/usr/bin/env bash
# Runs the browser app's wasm tests (tests/*.rs of the root package) in headless Chromium:
# .cargo/config.toml makes wasm-bindgen-test-runner the runner and points it at chromedriver.
# Needs `scripts/bootstrap.sh wasm browser`. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test -p dynoscope --target wasm32-unknown-unknown "$@"
