#!/usr/bin/env python3
"""Cross-checks ShoalDatasets shards, manifests and CIDs against pyarrow, fastparquet, pandas and multiformats.

  dataset_crosscheck.py check-shards DIR           DIR from `ShoalParquetCrossCheck shards DIR`: pyarrow and
                                                   fastparquet read every shard equal to its expected values (P1
                                                   through the shard path); every CID Swift computed (shards,
                                                   manifests, 1,000 random files of 0 B-8 MiB) equals the one the
                                                   `multiformats` package computes (C1); manifests are canonical JSON,
                                                   list their shards in order with contiguous row ranges and sizes
  dataset_crosscheck.py check-pack SUMMARY CSV STORE
                                                   SUMMARY is `shoal dataset pack --json` output for CSV packed into
                                                   the block store STORE: pandas opens every shard and the rows equal
                                                   pandas.read_csv(CSV); CIDs match multiformats
  dataset_crosscheck.py write-grouped CSV OUT      writes CSV as a pyarrow Parquet file with 128-row groups (for
                                                   checking that packing it gives the CSV pack's manifest)

One line per case (PASS/FAIL ...).
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from multiformats import CID, multihash

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parquet_crosscheck import check_swift  # noqa: E402


def raw_cid(data):
    """CIDv1, codec raw, sha2-256 multihash, base32: computed by the multiformats package."""
    return str(CID("base32", 1, "raw", multihash.digest(data, "sha2-256")))


def report(ok, name, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ((": " + detail) if detail and not ok else ""))
    return 0 if ok else 1


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def check_manifest(directory, name, case, cids):
    with open(os.path.join(directory, name), "rb") as f:
        data = f.read()
    problems = []
    if raw_cid(data) != cids[name]:
        problems.append("manifest CID %s != %s" % (cids[name], raw_cid(data)))
    manifest = json.loads(data)
    if canonical(manifest) != data:
        problems.append("not canonical JSON (sorted keys, no whitespace)")
    shard_files = sorted((n for n in cids if n.startswith(case + ".s") and n.endswith(".parquet")),
                         key=lambda n: int(n[len(case) + 2:-len(".parquet")]))
    listed = [s["cid"] for s in manifest["shards"]]
    if listed != [cids[n] for n in shard_files]:
        problems.append("shard CIDs differ from the shard files")
    row = 0
    for shard, file in zip(manifest["shards"], shard_files):
        path = os.path.join(directory, file)
        if shard["firstRow"] != row:
            problems.append("shard %s starts at %d, expected %d" % (file, shard["firstRow"], row))
        row += shard["rowCount"]
        if shard["byteSize"] != os.path.getsize(path):
            problems.append("shard %s byteSize %d != %d" % (file, shard["byteSize"], os.path.getsize(path)))
        table = pq.read_table(path)
        if table.num_rows != shard["rowCount"]:
            problems.append("shard %s has %d rows, manifest says %d" % (file, table.num_rows, shard["rowCount"]))
        for column in shard["columns"]:
            values = table.column(column["name"]).to_pylist()
            nulls = sum(v is None for v in values)
            if nulls != column["nulls"]:
                problems.append("%s.%s nulls %d != %d" % (file, column["name"], column["nulls"], nulls))
            present = [v for v in values if v is not None and not (isinstance(v, float) and v != v)]
            if "min" in column and present and not isinstance(present[0], list):
                lo, hi = min(present), max(present)
                if isinstance(lo, float):
                    ok = float(column["min"]) == lo and float(column["max"]) == hi
                elif isinstance(lo, str):
                    ok = column["min"] == min(present, key=str.encode) and column["max"] == max(present, key=str.encode)
                else:
                    ok = column["min"] == lo and column["max"] == hi
                if not ok:
                    problems.append("%s.%s min/max %r/%r != %r/%r" % (file, column["name"], column["min"],
                                                                       column["max"], lo, hi))
    if row != manifest["rowCount"]:
        problems.append("rowCount %d != sum %d" % (manifest["rowCount"], row))
    return report(not problems, "manifest %s" % name, "; ".join(problems[:3]))


def check_shards(directory):
    failed = check_swift(directory)
    with open(os.path.join(directory, "cids.json")) as f:
        index = json.load(f)
    cids = index["cids"]
    random_total = random_bad = 0
    for name in sorted(cids):
        with open(os.path.join(directory, name), "rb") as f:
            expected = raw_cid(f.read())
        if name.startswith("random/"):
            random_total += 1
            if expected != cids[name]:
                random_bad += 1
                print("FAIL cid %s: swift %s, multiformats %s" % (name, cids[name], expected))
            continue
        failed += report(expected == cids[name], "cid %s" % name, "swift %s, multiformats %s" % (cids[name], expected))
    failed += report(random_total == 1000 and random_bad == 0,
                     "cid random files: %d/%d equal" % (random_total - random_bad, random_total))
    vectors = {b"": "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
               b"Hello world": "bafkreide5semuafsnds3ugrvm6fbwuyw2ijpj43gwjdxemstjkfozi37hq"}
    for data, cid in vectors.items():
        failed += report(raw_cid(data) == cid, "cid vector %r" % data)
    for name, case in sorted(index["manifests"].items()):
        failed += check_manifest(directory, name, case, cids)
    return failed


def block_path(store, cid):
    return os.path.join(store, "blocks", cid[-3:-1], cid)


def check_pack(summary_path, csv_path, store):
    with open(summary_path) as f:
        summary = json.load(f)
    failed = 0
    frames = []
    for shard in summary["shards"]:
        path = block_path(store, shard["cid"])
        with open(path, "rb") as f:
            failed += report(raw_cid(f.read()) == shard["cid"], "pack cid %s" % shard["cid"])
        frame = pd.read_parquet(path)
        failed += report(len(frame) == shard["rowCount"], "pandas opens shard %s (%d rows)" % (shard["cid"], len(frame)))
        frames.append(frame)
    with open(block_path(store, summary["manifest"]), "rb") as f:
        manifest_bytes = f.read()
    failed += report(raw_cid(manifest_bytes) == summary["manifest"], "pack manifest cid")
    manifest = json.loads(manifest_bytes)
    failed += report([s["cid"] for s in manifest["shards"]] == [s["cid"] for s in summary["shards"]],
                     "pack manifest lists the shards")
    got = pd.concat(frames, ignore_index=True)
    want = pd.read_csv(csv_path)
    problems = []
    if list(got.columns) != list(want.columns):
        problems.append("columns %r != %r" % (list(got.columns), list(want.columns)))
    else:
        if not (got["id"].to_numpy() == want["id"].to_numpy()).all():
            problems.append("id differs")
        if list(got["text"]) != list(want["text"]):
            problems.append("text differs")
        if not (got["score"].to_numpy() == want["score"].to_numpy()).all():
            problems.append("score differs")
        want_vectors = np.array([json.loads(v) for v in want["vector"]], dtype=np.float32)
        got_vectors = np.stack(got["vector"].to_numpy()).astype(np.float32)
        if want_vectors.shape != got_vectors.shape or not (want_vectors == got_vectors).all():
            problems.append("vector differs")
    failed += report(not problems, "pandas rows equal read_csv (%d rows)" % len(want), "; ".join(problems))
    return failed


def write_grouped(csv_path, out_path):
    """Writes the sample CSV as a pyarrow Parquet file with row groups of 128 rows (vector as list<float>)."""
    frame = pd.read_csv(csv_path)
    vectors = [np.array(json.loads(v), dtype=np.float32) for v in frame["vector"]]
    table = pa.table({
        "id": pa.array(frame["id"], type=pa.int64()),
        "text": pa.array(frame["text"], type=pa.string()),
        "score": pa.array(frame["score"], type=pa.float64()),
        "vector": pa.array(vectors, type=pa.list_(pa.float32())),
    })
    pq.write_table(table, out_path, row_group_size=128, compression="snappy")
    groups = pq.ParquetFile(out_path).metadata.num_row_groups
    return 0 if groups > 1 else 1


def main():
    try:
        if len(sys.argv) == 4 and sys.argv[1] == "write-grouped":
            return write_grouped(sys.argv[2], sys.argv[3])
        if len(sys.argv) == 3 and sys.argv[1] == "check-shards":
            return 1 if check_shards(sys.argv[2]) else 0
        if len(sys.argv) == 5 and sys.argv[1] == "check-pack":
            return 1 if check_pack(sys.argv[2], sys.argv[3], sys.argv[4]) else 0
    except Exception as error:  # noqa: BLE001 - any failure is a failed case
        print("FAIL %s: %s: %s" % (sys.argv[1], type(error).__name__, error))
        return 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
