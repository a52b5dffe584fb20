# Shoal: `make run` runs the demo, `make test` runs everything CI runs.
SHELL := /bin/bash
SWIFT ?= swift
BUILD_FLAGS ?=

.PHONY: all deps build test unit-test examples config-check interop crosscheck lint format run protos clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Examples Package.swift

format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Examples Package.swift

unit-test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

examples: deps
	$(SWIFT) build --product CustomProtocol $(BUILD_FLAGS)
	$$($(SWIFT) build --show-bin-path $(BUILD_FLAGS))/CustomProtocol

# The example configuration passes the checker; a bad value exits 2 with one line naming file:line: key: reason.
config-check: deps
	$(SWIFT) build --product shoal $(BUILD_FLAGS)
	@bin=$$($(SWIFT) build --show-bin-path $(BUILD_FLAGS)); set -e; \
	  $$bin/shoal config example | $$bin/shoal config check - | grep -qx ok; \
	  printf '[distributed]\nmax_retries = 500\n' > .build/bad-config.toml; \
	  if $$bin/shoal config check .build/bad-config.toml 2> .build/bad-config.err; then exit 1; else test $$? -eq 2; fi; \
	  grep -q 'bad-config.toml:2: distributed.max_retries: 500 is out of range' .build/bad-config.err; \
	  echo "config-check: ok"

interop: deps
	interop/run.sh

crosscheck: deps
	scripts/parquet-crosscheck.sh

test: deps lint unit-test examples config-check interop crosscheck

run: deps
	$(SWIFT) build --product shoal $(BUILD_FLAGS)
	$$($(SWIFT) build --show-bin-path)/shoal demo

clean:
	rm -rf .build

# Regenerates Sources/*/Generated/*.pb.swift from Protocols/*.proto (not part of CI: the output is committed).
protos:
	scripts/gen-protos.sh
