#!/usr/bin/env bash
# Cross-checks ShoalParquet against pyarrow and fastparquet, in both directions.
#   Swift writes 12 schemas x 4 codecs; pyarrow and fastparquet read them back and compare every value.
#   pandas/pyarrow/fastparquet write default and variant files; the Swift reader reads them value for value,
#   and rejects unsupported features with an error naming the column.
#   ShoalDatasets: the 12 tables cut into shards (with manifests) are read back by pyarrow and fastparquet; every
#   CID (shards, manifests, 1,000 random files) equals the Python `multiformats` package's; `shoal dataset pack`
#   on Examples/data/sample.csv gives shards that pandas opens with the CSV's values.
# Prints one line per case and "N passed, M failed"; exits non-zero on any failure.
# Uses (and creates if missing) the venv at .venv with the pinned versions in Tests/crosscheck/requirements-parquet.txt.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="${SHOAL_PARQUET_VENV:-$root/.build-crosscheck/venv}"
requirements="$root/Tests/crosscheck/requirements-parquet.txt"

if ! "$venv/bin/python" -c "import pyarrow, pandas, fastparquet, multiformats" 2>/dev/null; then
    echo "creating $venv (pinned: $(grep -v '^#' "$requirements" | tr '\n' ' '))" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$requirements"
fi

bin="${SHOAL_BIN_DIR:-}"
if [ -z "$bin" ] || [ ! -x "$bin/ShoalParquetCrossCheck" ] || [ ! -x "$bin/shoal" ]; then
    swift build --product ShoalParquetCrossCheck >&2
    swift build --product shoal >&2
    bin="$(swift build --show-bin-path)"
fi
driver="$bin/ShoalParquetCrossCheck"
shoal="$bin/shoal"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log="$work/log"

set +e
"$driver" write "$work/swift" >&2
"$venv/bin/python" Tests/crosscheck/parquet_crosscheck.py check-swift "$work/swift" | tee -a "$log"
"$venv/bin/python" Tests/crosscheck/parquet_crosscheck.py write-python "$work/python" >&2
"$driver" read "$work/python" | grep -E '^(PASS|FAIL)' | tee -a "$log"
"$driver" shards "$work/shards" >&2
"$venv/bin/python" Tests/crosscheck/dataset_crosscheck.py check-shards "$work/shards" | tee -a "$log"
if ! "$shoal" dataset pack Examples/data/sample.csv --csv --schema 'id:integer,text:string,score:float,vector:float[8]' \
    --shard-size 300 --compression snappy --out "$work/store" --json > "$work/pack.json"; then
    echo "FAIL shoal dataset pack Examples/data/sample.csv" | tee -a "$log"
fi
"$venv/bin/python" Tests/crosscheck/dataset_crosscheck.py check-pack "$work/pack.json" Examples/data/sample.csv \
    "$work/store" | tee -a "$log"
# The same rows as a pyarrow file with 128-row groups: packing it (one row group at a time) gives the same manifest.
if "$venv/bin/python" Tests/crosscheck/dataset_crosscheck.py write-grouped Examples/data/sample.csv "$work/grouped.parquet" \
    && "$shoal" dataset pack "$work/grouped.parquet" --parquet --name sample.csv \
        --schema 'id:integer,text:string,score:float,vector:float[8]' --shard-size 300 --compression snappy \
        --out "$work/store-grouped" --json > "$work/pack-grouped.json"; then
    "$venv/bin/python" Tests/crosscheck/dataset_crosscheck.py check-pack "$work/pack-grouped.json" \
        Examples/data/sample.csv "$work/store-grouped" | sed 's/^\(PASS\|FAIL\) /\1 grouped parquet: /' | tee -a "$log"
    if [ "$(grep -o '"manifest" *: *"[^"]*"' "$work/pack.json")" = "$(grep -o '"manifest" *: *"[^"]*"' "$work/pack-grouped.json")" ]; then
        echo "PASS pack of a 128-row-group pyarrow file has the CSV pack's manifest CID" | tee -a "$log"
    else
        echo "FAIL pack of a 128-row-group pyarrow file: manifest CID differs from the CSV pack's" | tee -a "$log"
    fi
else
    echo "FAIL shoal dataset pack of a 128-row-group pyarrow file" | tee -a "$log"
fi
set -e

passed=$(grep -c '^PASS' "$log" || true)
failed=$(grep -c '^FAIL' "$log" || true)
expected_min=200
if [ "$passed" -lt "$expected_min" ]; then
    echo "FAIL crosscheck: only $passed cases ran (expected at least $expected_min)"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
