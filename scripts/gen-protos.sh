#!/usr/bin/env bash
# Regenerates the committed Swift code for Protocols/*.proto. Needs `protoc` (Debian: protobuf-compiler) and
# protoc-gen-swift, which this script builds from the swift-protobuf checkout once (several minutes) unless
# PROTOC_GEN_SWIFT points at one. CI never runs this: the generated code is committed.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v protoc >/dev/null || { echo "protoc is missing: apt-get install -y protobuf-compiler" >&2; exit 1; }

plugin="${PROTOC_GEN_SWIFT:-}"
if [ -z "$plugin" ]; then
    swift package resolve >/dev/null
    src=.build/checkouts/swift-protobuf
    swift build -c release --package-path "$src" --scratch-path .build-protoc --product protoc-gen-swift >&2
    plugin="$PWD/.build-protoc/release/protoc-gen-swift"
fi

# proto file -> module that owns its generated code
gen() {
    local proto="$1" module="$2"
    mkdir -p "Sources/$module/Generated"
    protoc --plugin=protoc-gen-swift="$plugin" \
        --swift_opt=Visibility=Internal --swift_opt=UseAccessLevelOnImports=true \
        --swift_out="Sources/$module/Generated" -I Protocols "Protocols/$proto"
}

# One line per .proto file: which module owns its generated code.
gen keys.proto ShoalCore
gen envelope.proto ShoalCore
gen identify.proto ShoalHost
gen noise.proto ShoalSecurity
gen dht.proto ShoalKademlia
echo "generated Swift code for Protocols/*.proto" >&2
