#!/usr/bin/env bash
# Checks the playground's infrastructure exports with the real tools. For every model under
# tests/exports/models it writes each export (crates/model/examples/export_all.rs), then:
#   CloudFormation YAML and JSON  cfn-lint
#   CDK (TableV2)                 tsc against aws-cdk-lib; the app is synthesized with the
#                                 real CDK and its template imported back and compared
#   SST v2 (sst/constructs)       tsc against sst 2 and its aws-cdk-lib
#   SST v3+ (sst.aws.Dynamo)      tsc against the SST platform, extracted from the sst binary
#                                 (`sst install` needs the internet), with @pulumi/aws
#   Terraform                     parsed with python-hcl2, every table compared to the model
#   AWS CLI script and JSON       run against dynoscope-server through boto3, DescribeTable
#                                 compared with the model and with the model's own CreateTable
# Each TypeScript check also type-checks a deliberately broken copy and insists on its errors,
# so types that failed to resolve cannot pass for a clean check.
#
# Installs what it needs where missing (tests/exports/node_modules from package-lock.json with
# `npm ci`; cfn-lint and python-hcl2 into .venv); a second run installs nothing.
#
# Usage: scripts/test-exports.sh [--release]   (--release checks against a release server)
set -euo pipefail
cd "$(dirname "$0")/.."

EXPORTS=tests/exports
OUT=target/exports/out
# Where cargo builds: CARGO_TARGET_DIR when set (made absolute), else target/.
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$PWD/$TARGET_DIR ;; esac
profile=debug
[ "${1:-}" = "--release" ] && profile=release
passed=0

say() { printf '\033[1;34m[test-exports]\033[0m %s\n' "$*" >&2; }
last=$SECONDS
pass() { passed=$((passed + 1)); say "ok ($((SECONDS - last)) s): $*"; last=$SECONDS; }
fail() { printf '\033[1;31m[test-exports] FAILED:\033[0m %s\n' "$*" >&2; echo "test-exports: $passed passed, 1 failed"; exit 1; }

need_node_modules() {
  local lock=$EXPORTS/package-lock.json installed=$EXPORTS/node_modules/.package-lock.json
  if [ -f "$installed" ] && [ ! "$lock" -nt "$installed" ]; then return; fi
  say "npm ci in $EXPORTS (aws-cdk-lib, sst 2, sst 4, @pulumi/aws, typescript; a few minutes)"
  (cd "$EXPORTS" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}

need_python_tools() {
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import boto3' 2>/dev/null; then
    scripts/bootstrap.sh python
  fi
  if ! .venv/bin/python -c 'import cfnlint, hcl2' 2>/dev/null; then
    say "installing cfn-lint and python-hcl2 into .venv"
    .venv/bin/pip install -q --disable-pip-version-check -r "$EXPORTS/requirements.txt"
  fi
}

# The SST platform of the pinned sst version, and the Pulumi packages it was built with.
need_sst_platform() {
  local version platform=$EXPORTS/sst3/.platform
  version=$(node -p "require('./$EXPORTS/sst3/package.json').devDependencies.sst")
  if [ "$(cat "$platform/version" 2>/dev/null)" != "$version" ]; then
    rm -rf "$platform"
    python3 "$EXPORTS/extract_sst_platform.py" "$EXPORTS/node_modules/sst-linux-x64/bin/sst" "$platform" "$version" >&2
  fi
  local package
  for package in @pulumi/aws @pulumi/pulumi; do
    local wanted pinned
    wanted=$(node -p "require('./$platform/package.json').dependencies['$package']")
    pinned=$(node -p "require('./$EXPORTS/sst3/package.json').devDependencies['$package']")
    [ "$wanted" = "$pinned" ] || fail "sst $version's platform uses $package $wanted; pin it in $EXPORTS/sst3/package.json (now $pinned)"
  done
}

build() {
  say "building export_all and dynoscope-server ($profile)"
  cargo build -q -p dynoscope-model --example export_all
  if [ "$profile" = release ]; then cargo build -q --release -p dynoscope-server; else cargo build -q -p dynoscope-server; fi
}

export_models() {
  rm -rf "$OUT" && mkdir -p "$OUT"
  local model
  for model in "$EXPORTS"/models/*.json; do
    "$TARGET_DIR"/debug/examples/export_all "$model" "$OUT"
  done
}

# The installed version of npm package $1 as seen from directory $2 under tests/exports.
npm_version() {
  local dir=$2
  while [ ! -f "$dir/node_modules/$1/package.json" ] && [ "$dir" != "$EXPORTS" ]; do dir=$(dirname "$dir"); done
  node -p "require('./$dir/node_modules/$1/package.json').version"
}

tsc() { (cd "$EXPORTS" && node_modules/.bin/tsc "$@"); }

# Checks that tsc's output has each expected error for the deliberately broken copy.
expect_errors() { # what, tsc output, error text...
  local what=$1 output=$2 text
  shift 2
  for text in "$@"; do
    grep -qF -- "$text" <<<"$output" || fail "$what: no error \"$text\" in:"$'\n'"$output"
  done
}

check_cloudformation() {
  .venv/bin/cfn-lint "$OUT"/*.cfn.yaml "$OUT"/*.cfn.json || fail "cfn-lint"
  pass "cfn-lint on $(ls "$OUT"/*.cfn.* | wc -l) CloudFormation templates"
}

# The CDK exports compile (out/ to target/exports/cdk-js) and a broken copy (control/) does
# not; then every app is synthesized by the real CDK, in one node process (loading aws-cdk-lib
# costs seconds), and each template is imported back and compared with its model.
check_cdk() {
  local dir=$EXPORTS/cdk js=target/exports/cdk-js synth=target/exports/cdk.out output
  rm -rf "$dir/out" "$dir/control" "$js" "$synth" && mkdir -p "$dir/out" "$dir/control"
  cp "$OUT"/*.cdk.ts "$dir/out/"
  tsc -p cdk || fail "tsc on the CDK exports"
  sed 's/AttributeType.STRING/AttributeType.TEXT/; s/Capacity.fixed(\([0-9]*\))/Capacity.fixed("\1")/' \
    "$OUT/shop.cdk.ts" >"$dir/control/shop.cdk.ts"
  if output=$(tsc -p cdk/tsconfig.control.json 2>&1); then fail "the broken CDK copy type-checked"; fi
  expect_errors "the broken CDK copy" "$output" "Property 'TEXT' does not exist" "not assignable to parameter of type 'number'"
  pass "tsc on the CDK exports (aws-cdk-lib $(npm_version aws-cdk-lib "$dir")); a broken copy fails"
  local stems=() model
  for model in "$EXPORTS"/models/*.json; do stems+=("$(basename "$model" .json)"); done
  NODE_PATH=$EXPORTS/node_modules node -e '
    const [js, synth, ...stems] = process.argv.slice(1);
    for (const stem of stems) {
      process.env.CDK_OUTDIR = `${synth}/${stem}`; // each App synthesizes there when node exits
      require(`${process.cwd()}/${js}/${stem}.cdk.js`);
    }' "$js" "$synth" "${stems[@]}" || fail "cdk synth"
  local stem template
  for stem in "${stems[@]}"; do
    template=$(ls "$synth/$stem"/*.template.json)
    "$TARGET_DIR"/debug/examples/export_all --compare "$EXPORTS/models/$stem.json" "$template" >&2 || fail "the synthesized $stem template"
  done
  pass "CDK apps synthesized and their templates import back to the models"
}

# One tsc run per SST target over the exports (out/) and a broken copy (control/): no error
# may name an export, and the copy must have its errors. The SST platform's own sources do not
# all type-check without every provider it supports, so only errors in out/ and control/ count.
check_sst_target() { # workspace, export extension, sed script breaking shop's export, errors...
  local workspace=$1 extension=$2 breaking=$3 dir=$EXPORTS/$1 output
  shift 3
  rm -rf "$dir/out" "$dir/control" && mkdir -p "$dir/out" "$dir/control"
  if [ -d "$dir/.platform" ]; then
    mkdir -p "$dir/out/.sst" "$dir/control/.sst"
    ln -s ../../.platform "$dir/out/.sst/platform"
    ln -s ../../.platform "$dir/control/.sst/platform"
  fi
  cp "$OUT"/*."$extension" "$dir/out/"
  sed "$breaking" "$OUT/shop.$extension" >"$dir/control/shop.$extension"
  output=$(tsc -p "$workspace" 2>&1) || true
  if grep -E "^$workspace/out/[^.]" <<<"$output"; then fail "tsc on the $extension exports"; fi
  expect_errors "the broken $extension copy" "$(grep -E "^$workspace/control/[^.]" <<<"$output")" "$@"
}

check_sst2() {
  check_sst_target sst2 sst2.ts 's/: "string"/: "text"/; s/readCapacity: \([0-9]*\)/readCapacity: "\1"/' \
    "'\"text\"' is not assignable" "'string' is not assignable to type 'number'"
  local dir=$EXPORTS/sst2
  pass "tsc on the SST v2 exports (sst $(npm_version sst "$dir"), aws-cdk-lib $(npm_version aws-cdk-lib "$dir")); a broken copy fails"
}

check_sst() {
  local dir=$EXPORTS/sst3
  grep -q "export class Dynamo" "$dir/.platform/src/components/aws/dynamo.ts" || fail "no Dynamo in the SST platform"
  check_sst_target sst3 sst.config.ts 's/stream: "new-and-old-images"/stream: "new-and-old"/; s/readCapacity: \([0-9]*\)/readCapacity: "\1"/' \
    "'\"new-and-old\"' is not assignable" "'string' is not assignable to type 'Input<number>"
  pass "tsc on the SST exports (sst $(cat "$dir/.platform/version") platform, @pulumi/aws $(npm_version @pulumi/aws "$dir")); a broken copy fails"
}

check_terraform() {
  local model
  for model in "$EXPORTS"/models/*.json; do
    .venv/bin/python "$EXPORTS/check_terraform.py" "$model" "$OUT/$(basename "$model" .json).tf" >&2 || fail "Terraform export of $model"
  done
  pass "Terraform exports parsed by python-hcl2 and compared with the models"
}

check_cli() {
  DYNOSCOPE_SERVER_BIN=$TARGET_DIR/$profile/dynoscope-server \
    .venv/bin/python "$EXPORTS/check_cli.py" "$OUT" "$EXPORTS"/models/*.json >&2 || fail "AWS CLI exports against dynoscope-server"
  pass "AWS CLI scripts and JSON against dynoscope-server"
}

started=$SECONDS
need_node_modules
need_python_tools
need_sst_platform
build
export_models
say "ready in $((SECONDS - started)) s"
last=$SECONDS
check_cloudformation
check_cdk
check_sst2
check_sst
check_terraform
check_cli
say "done in $((SECONDS - started)) s"
echo "test-exports: $passed passed, 0 failed"
