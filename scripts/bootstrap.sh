#!/usr/bin/env bash
# Installs every tool the build and the tests need, only where it is missing or at the wrong
# version, so a second run installs nothing. Everything comes from the package registries
# (crates.io, npm, PyPI, Debian); nothing is downloaded from anywhere else.
#
# Usage: scripts/bootstrap.sh [rust|wasm|browser|python|node|sdk|all]...
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
PLAYWRIGHT_VERSION=1.65.1

say() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*" >&2; }

need_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

need_cargo_tool() { # binary, crate, version, version-probe-substring, extra install flags
  local bin=$1 crate=$2 version=$3 extra=${4:-}
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  say "installing $crate $version (cargo install; a few minutes)"
  # shellcheck disable=SC2086
  # A tool is not the product: a thin release profile (no fat LTO, parallel codegen) halves
  # Trunk's 13-minute install here and builds the same version.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install "$crate" --version "$version" $extra
}

need_apt() { # package...
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return
  say "apt-get install ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

need_node_modules() { # tools/node: binaryen (wasm-opt), esbuild and playwright-core, pinned by package-lock
  if [ -x tools/node/node_modules/.bin/wasm-opt ] && [ -x tools/node/node_modules/.bin/esbuild ] \
    && [ -d tools/node/node_modules/playwright-core ]; then
    return
  fi
  say "npm install in tools/node (binaryen $BINARYEN_VERSION, playwright-core $PLAYWRIGHT_VERSION)"
  (cd tools/node && npm install --no-audit --no-fund --loglevel=error)
}

need_sdk_modules() { # tests/sdk: the AWS SDK for JavaScript v3 and esbuild, pinned by package-lock
  local installed=tests/sdk/node_modules/.package-lock.json
  if [ -f "$installed" ] && [ ! tests/sdk/package-lock.json -nt "$installed" ]; then return; fi
  say "npm ci in tests/sdk (the AWS SDK for JavaScript v3 and esbuild)"
  (cd tests/sdk && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}

need_python_venv() {
  if [ -x .venv/bin/python ] && .venv/bin/python -c 'import boto3' 2>/dev/null; then return; fi
  say "creating .venv with boto3"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r tools/python/requirements.txt
}

for part in "${@:-all}"; do
  case "$part" in
    rust) ;;  # cargo and rustc come with the machine
    wasm)
      need_wasm_target
      need_cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
      need_cargo_tool trunk trunk "$TRUNK_VERSION" --locked
      need_node_modules ;;
    browser) need_apt chromium chromium-driver; need_node_modules ;;
    python) need_python_venv ;;
    node) need_node_modules ;;
    sdk) need_sdk_modules ;;
    all)
      "$0" wasm browser python sdk ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
  esac
done
