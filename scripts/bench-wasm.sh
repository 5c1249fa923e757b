#!/usr/bin/env bash
# The engine's benchmark figures in WebAssembly: builds crates/bench-wasm with the browser
# app's profile (wasm-release), binds it for Node with the pinned wasm-bindgen and runs it
# under Node (V8, as in Chromium). Printed, never asserted. Arguments are words a figure's
# label must contain (none: every figure). Needs `scripts/bootstrap.sh wasm`.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/bench-wasm
cargo build --quiet --profile wasm-release --target wasm32-unknown-unknown -p dynoscope-bench-wasm
wasm-bindgen --target nodejs --out-dir "$OUT" target/wasm32-unknown-unknown/wasm-release/dynoscope_bench_wasm.wasm
echo "WebAssembly (wasm-release profile, Node $(node --version)):"
node -e "require('./$OUT/dynoscope_bench_wasm.js').run(process.argv[1] || '', 1.5)" "$*"
