# Dynoscope: the two commands of the README's Quick start are `make run` and `make test`.
# Each installs what is missing first (scripts/bootstrap.sh; a second run installs nothing).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/tools/node/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CARGO_TERM_COLOR := never

PORT ?= 8000
DATA_DIR ?=

.PHONY: run test server bench tools lint test-native test-wasm test-e2e test-endpoint test-exports test-codegen test-cli clean

## make run: build the browser app and serve it at http://127.0.0.1:8080
run:
	scripts/bootstrap.sh wasm
	scripts/serve.sh

## make test: rustfmt and clippy, then every test layer: native, wasm in Chromium, end-to-end,
## the endpoint over boto3, the exports, generated code and the CLI against the real ones
test:
	scripts/bootstrap.sh all
	$(MAKE) --no-print-directory lint test-native test-wasm test-e2e test-endpoint test-exports test-codegen test-cli
	@echo "make test: every layer passed"

## rustfmt and clippy (warnings are errors), natively and for the browser app's wasm32
lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p dynoscope --target wasm32-unknown-unknown --all-targets -- -D warnings

test-native:
	cargo test --workspace

test-wasm:
	scripts/test-wasm.sh

test-e2e:
	scripts/test-e2e.sh

test-endpoint:
	scripts/test-endpoint.sh

## the model exports checked by the real tools: cfn-lint, tsc (CDK, SST), python-hcl2, boto3
test-exports:
	scripts/test-exports.sh

## the code crates/codegen writes, run with boto3 and the AWS SDK for JavaScript v3 against the endpoint
test-codegen:
	scripts/test-codegen.sh

## crates/cli against the real AWS CLI: the same lines, the same output (installs .venv-awscli)
test-cli:
	scripts/test-cli.sh

## make server: the DynamoDB-compatible endpoint on 127.0.0.1:$(PORT); DATA_DIR=dir keeps its data there
server:
	cargo run --release -p dynoscope-server -- --port $(PORT) $(if $(DATA_DIR),--data-dir $(DATA_DIR))

## make bench: throughput figures, native, WebAssembly, then the browser with IndexedDB (printed, never asserted)
bench:
	scripts/bootstrap.sh wasm browser
	cargo bench -p dynoscope-engine
	cargo bench -p dynoscope-server --bench durable_put
	scripts/bench-wasm.sh
	scripts/bench-browser.sh

## make tools: install everything without building
tools:
	scripts/bootstrap.sh all

clean:
	cargo clean
	rm -rf dist .venv .venv-awscli tools/node/node_modules
