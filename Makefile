# Shoal: `make run` runs the demo, `make test` runs everything CI runs.
SHELL := /bin/bash
SWIFT ?= swift
BUILD_FLAGS ?=

.PHONY: all deps build test unit-test examples interop crosscheck mdns-test lint format run protos clean

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

interop: deps
	interop/run.sh

crosscheck: deps
	scripts/parquet-crosscheck.sh

# mDNS between shoal nodes (and py-libp2p) inside throw-away network namespaces; skipped unless root.
mdns-test: deps
	interop/mdns-netns.sh

test: deps lint unit-test examples interop crosscheck mdns-test

run: deps
	$(SWIFT) build --product shoal $(BUILD_FLAGS)
	$$($(SWIFT) build --show-bin-path)/shoal demo

clean:
	rm -rf .build

# Regenerates Sources/*/Generated/*.pb.swift from Protocols/*.proto (not part of CI: the output is committed).
protos:
	scripts/gen-protos.sh
