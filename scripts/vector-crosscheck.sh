#!/usr/bin/env bash
# Cross-checks ShoalVector and ShoalGraph against Python references (datasets.md §7 V1-V4, G1):
#   V1 exact search over 8 shards equals numpy brute force (1,000 queries; l2, cosine, dot), distance-aware;
#   V3 similarity_threshold applied exactly across shards;
#   V2 HNSW recall@10 >= 0.95 and within 0.01 of hnswlib at the same M / efConstruction / ef (10k x 64);
#   G1 k-hop vertex sets for max_hops 1-3 equal networkx ego_graph (karate, les_miserables, 10k power-law).
# With --bench (not part of `make test`): single-threaded QPS at recall >= 0.95 on 100k x 128, Shoal vs hnswlib in
# the same run (build ShoalVectorCrossCheck with -c release and pass SHOAL_BIN_DIR for a meaningful figure).
# Prints PASS/FAIL lines and "N passed, M failed"; exits non-zero on any failure. The benchmark never fails.
# Uses (and creates if missing) the venv at .build-vcheck/venv (numpy, networkx, hnswlib from PyPI).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="${SHOAL_VECTOR_VENV:-$root/.build-vcheck/venv}"
requirements="$root/Tests/crosscheck/requirements-vector.txt"

if ! "$venv/bin/python" -c "import numpy, networkx, hnswlib" 2>/dev/null; then
    echo "creating $venv (pinned: $(grep -v '^#' "$requirements" | tr '\n' ' '))" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$requirements"
fi

bin="${SHOAL_BIN_DIR:-}"
if [ -z "$bin" ] || [ ! -x "$bin/ShoalVectorCrossCheck" ]; then
    swift build --product ShoalVectorCrossCheck >&2
    bin="$(swift build --show-bin-path)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" Tests/crosscheck/vector_crosscheck.py "$bin/ShoalVectorCrossCheck" "$work" "$@"
