#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): in release builds, minifies the app's JS glue (the
# wasm-bindgen module the page loads first) with esbuild from tools/node. Trunk's own
# minifier cannot read that module, and the glue is part of the first load: about 70 KB raw,
# 31 KB minified. The rust asset is built without an integrity hash (www/index.html) so the
# rewritten file still loads.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
cd "$(dirname "$0")/.."
esbuild=tools/node/node_modules/.bin/esbuild
[ -x "$esbuild" ] || { echo "esbuild is missing: run scripts/bootstrap.sh node" >&2; exit 1; }
for glue in "$TRUNK_STAGING_DIR"/dynoscope-app-*.js; do
  "$esbuild" "$glue" --minify --format=esm --log-level=warning --allow-overwrite --outfile="$glue"
done
