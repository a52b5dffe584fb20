# Shoal: `make run` runs the demo, `make test` runs everything CI runs.
SHELL := /bin/bash
SWIFT ?= swift
BUILD_FLAGS ?=
# Where `swift build` puts binaries. `make test` builds every target once (with the tests) and runs the binaries
# from here, so that no later step triggers another build.
BIN = $(shell $(SWIFT) build --show-bin-path $(BUILD_FLAGS))

.PHONY: all deps build test unit-test examples config-check interop crosscheck vector-crosscheck mdns-test lint format run protos clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Examples Package.swift

format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Examples Package.swift

# Builds every target (libraries, executables, examples, tests) and runs every Swift test suite.
unit-test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

examples: deps
	@test -x $(BIN)/CustomProtocol || $(SWIFT) build --product CustomProtocol $(BUILD_FLAGS)
	$(BIN)/CustomProtocol

# `shoal config example | shoal config check -` passes, and a bad value exits 2 naming file, line and key.
config-check: deps
	@test -x $(BIN)/shoal || $(SWIFT) build --product shoal $(BUILD_FLAGS)
	@bin=$(BIN); set -e; mkdir -p .build; \
	  $$bin/shoal config example | $$bin/shoal config check - | grep -qx ok; \
	  printf '[distributed]\nmax_retries = 500\n' > .build/bad-config.toml; \
	  if $$bin/shoal config check .build/bad-config.toml 2> .build/bad-config.err; then exit 1; else test $$? -eq 2; fi; \
	  grep -q 'bad-config.toml:2: distributed.max_retries: 500 is out of range' .build/bad-config.err; \
	  echo "config-check: ok"

# The py-libp2p interop suite (both directions).
interop: deps
	SHOAL_BIN=$(BIN)/shoal interop/run.sh

# Parquet files and CIDs checked by pyarrow, fastparquet, pandas and multiformats (both directions).
crosscheck: deps
	SHOAL_BIN_DIR=$(BIN) scripts/parquet-crosscheck.sh

# Vector search and graph expansion checked against numpy, hnswlib and networkx (the QPS benchmark is
# `scripts/vector-crosscheck.sh --bench` with a release build, not part of this target).
vector-crosscheck: deps
	SHOAL_BIN_DIR=$(BIN) scripts/vector-crosscheck.sh

# mDNS between shoal nodes (and py-libp2p) inside throw-away network namespaces; skipped unless root.
mdns-test: deps
	SHOAL_BIN=$(BIN)/shoal interop/mdns-netns.sh

test: deps lint unit-test examples config-check interop crosscheck vector-crosscheck mdns-test

run: deps
	$(SWIFT) build --product shoal $(BUILD_FLAGS)
	$(BIN)/shoal demo

# Regenerates Sources/*/Generated/*.pb.swift from Protocols/*.proto (not part of CI: the output is committed).
protos:
	scripts/gen-protos.sh

clean:
	rm -rf .build
