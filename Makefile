# Shoal: `make run` runs the demo, `make test` runs everything CI runs.
SHELL := /bin/bash
SWIFT ?= swift
BUILD_FLAGS ?=
# Where `swift build` puts binaries. `make test` builds every target once (with the tests) and runs the binaries
# from here, so that no later step triggers another build.
BIN = $(shell $(SWIFT) build --show-bin-path $(BUILD_FLAGS))

.PHONY: all deps build test unit-test examples demo-test config-check cli-check interop crosscheck vector-crosscheck mdns-test swim-test lint format run protos clean

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
# Suites that run real sockets against deadlines (hosts, DHT, SWIM, health, mDNS, the Node). They run in a second
# `swift test` after the compute-heavy suites (fuzzers, simulations, query and vector engines): Swift Testing runs
# suites in parallel on a cooperative pool of one thread per core, and a CPU-bound test holding those threads for
# seconds starves the protocol timers of the network suites (SWIM then declares healthy members dead).
NETWORK_TESTS = ^(ShoalHostTests|ShoalDHTTests|ShoalMembershipTests|ShoalHealthTests|ShoalMDNSTests|ShoalTests\.NodeTests)\.

unit-test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS) --skip '$(NETWORK_TESTS)'
	$(SWIFT) test --skip-build $(BUILD_FLAGS) --filter '$(NETWORK_TESTS)'

examples: deps
	@test -x $(BIN)/CustomProtocol || $(SWIFT) build --product CustomProtocol $(BUILD_FLAGS)
	$(BIN)/CustomProtocol
	@test -x $(BIN)/NodeExample || $(SWIFT) build --product NodeExample $(BUILD_FLAGS)
	$(BIN)/NodeExample

# `make run`'s demo: node processes on 127.0.0.1; checks the exit status, the key report lines, and that every
# node process it started is gone; as root, also `shoal demo --netns` (mDNS inside a namespace it creates).
demo-test: deps
	@test -x $(BIN)/shoal || $(SWIFT) build --product shoal $(BUILD_FLAGS)
	@bin=$(BIN); set -e; mkdir -p .build; \
	  if ! timeout 120 $$bin/shoal demo > .build/demo.out 2>&1; then cat .build/demo.out; echo "demo-test: exit status"; exit 1; fi; \
	  for line in 'has identified and described all' 'the client found the providers' 'came back intact' \
	      'SWIM declared worker-3 dead after' 'unreachable' 'cleanup: stopped 5 node processes' 'demo finished in'; do \
	    grep -qF "$$line" .build/demo.out || { cat .build/demo.out; echo "demo-test: missing '$$line'"; exit 1; }; \
	  done; \
	  for pid in $$(grep -o 'pid [0-9]*' .build/demo.out | awk '{print $$2}'); do \
	    if kill -0 $$pid 2>/dev/null; then echo "demo-test: node process $$pid still runs"; exit 1; fi; \
	  done; \
	  if [ "$$(id -u)" = 0 ] && ip netns list >/dev/null 2>&1; then \
	    if ! timeout 120 $$bin/shoal demo --netns > .build/demo-netns.out 2>&1; then cat .build/demo-netns.out; echo "demo-test: --netns exit status"; exit 1; fi; \
	    grep -qF 'mDNS (in network namespace' .build/demo-netns.out || { cat .build/demo-netns.out; echo "demo-test: no mDNS line"; exit 1; }; \
	    ns=$$(grep -o 'shoal-demo-[0-9]*' .build/demo-netns.out | head -n 1); \
	    if ip netns list | grep -qw "$$ns"; then echo "demo-test: network namespace $$ns was left"; exit 1; fi; \
	    echo "demo-test: --netns ok"; \
	  fi; \
	  echo "demo-test: ok"

# `shoal config example | shoal config check -` passes, and a bad value exits 2 naming file, line and key.
config-check: deps
	@test -x $(BIN)/shoal || $(SWIFT) build --product shoal $(BUILD_FLAGS)
	@bin=$(BIN); set -e; mkdir -p .build; \
	  $$bin/shoal config example | $$bin/shoal config check - | grep -qx ok; \
	  printf '[distributed]\nmax_retries = 500\n' > .build/bad-config.toml; \
	  if $$bin/shoal config check .build/bad-config.toml 2> .build/bad-config.err; then exit 1; else test $$? -eq 2; fi; \
	  grep -q 'bad-config.toml:2: distributed.max_retries: 500 is out of range' .build/bad-config.err; \
	  printf '[distributed]\nrole = "client"\n\n[dht]\nmode = "server"\n' > .build/bad-node.toml; \
	  if $$bin/shoal node --config .build/bad-node.toml 2> .build/bad-node.err; then exit 1; else test $$? -eq 2; fi; \
	  grep -q 'bad-node.toml:5: dht.mode: ' .build/bad-node.err; \
	  echo "config-check: ok"

# The README's `shoal query`, `shoal search` and `shoal graph` commands on the sample data, checked against answers
# computed independently from the source files (Python standard library only).
cli-check: deps
	@test -x $(BIN)/shoal || $(SWIFT) build --product shoal $(BUILD_FLAGS)
	python3 scripts/cli-check.py $(BIN)/shoal

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

# SWIM under real faults: SIGKILL one of 8 `shoal node --swim-port` processes (all others must see it dead within
# 15 s; detection times printed), and, as root, a partition and heal in throw-away network namespaces.
swim-test: deps
	SHOAL_BIN=$(BIN)/shoal interop/swim-faults.sh

test: deps lint unit-test examples demo-test config-check cli-check interop crosscheck vector-crosscheck mdns-test swim-test

run: deps
	$(SWIFT) build --product shoal $(BUILD_FLAGS)
	$(BIN)/shoal demo

# Regenerates Sources/*/Generated/*.pb.swift from Protocols/*.proto (not part of CI: the output is committed).
protos:
	scripts/gen-protos.sh

clean:
	rm -rf .build
