#!/usr/bin/env python3
"""Cross-checks ShoalParquet against pyarrow and fastparquet.

  parquet_crosscheck.py check-swift DIR    read Swift-written DIR/*.parquet with pyarrow and fastparquet and compare
                                           with the expected DIR/*.json that Swift wrote next to each file
  parquet_crosscheck.py write-python DIR   write pandas/pyarrow/fastparquet files plus the values pyarrow reads back
                                           (or the error Swift must raise) as DIR/*.json, for the Swift reader

One line per case (PASS/FAIL ...). The JSON form is exact: 64-bit integers as decimal strings, floats as IEEE bit
patterns (decimal strings), bytes as hex.
"""
import json
import math
import os
import struct
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import fastparquet

# ---------------------------------------------------------------------------------------------------------------
# JSON form


def f32_bits(x):
    return str(struct.unpack("<I", struct.pack("<f", x))[0])


def f64_bits(x):
    return str(struct.unpack("<Q", struct.pack("<d", x))[0])


def type_name(t):
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_int32(t) or pa.types.is_uint8(t) or pa.types.is_uint16(t):
        return "int32"
    if pa.types.is_int64(t):
        return "int64"
    if pa.types.is_float32(t):
        return "float"
    if pa.types.is_float64(t):
        return "double"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return "binary"
    if pa.types.is_fixed_size_binary(t):
        return "fixed_len_byte_array(%d)" % t.byte_width
    if (pa.types.is_list(t) or pa.types.is_large_list(t)) and pa.types.is_float32(t.value_type):
        return "list<float>"
    return "unsupported:" + str(t)


def encode_value(kind, v):
    if v is None:
        return None
    if kind == "int32":
        return int(v)
    if kind == "int64":
        return str(int(v))
    if kind == "float":
        return f32_bits(v)
    if kind == "double":
        return f64_bits(v)
    if kind == "boolean":
        return bool(v)
    if kind == "string":
        return v
    if kind == "binary" or kind.startswith("fixed_len"):
        return bytes(v).hex()
    if kind == "list<float>":
        return [f32_bits(x) for x in v]
    raise ValueError(kind)


def table_json(table):
    columns = []
    for field, column in zip(table.schema, table.columns):
        kind = type_name(field.type)
        columns.append({
            "name": field.name,
            "type": kind,
            "nullable": field.nullable,
            "values": [encode_value(kind, v) for v in column.to_pylist()],
        })
    return {"rows": table.num_rows, "columns": columns}


# ---------------------------------------------------------------------------------------------------------------
# Swift -> Python


def fastparquet_values(series, kind):
    """Normalises a fastparquet column to the JSON form; nulls become None."""
    out = []
    for v in series.tolist():
        if v is None or v is pd.NA or v is pd.NaT:
            out.append(None)
            continue
        if isinstance(v, float) and math.isnan(v):
            # fastparquet uses NaN for nulls of object (string, list) columns and for float nulls.
            out.append("nan" if kind in ("float", "double") else None)
            continue
        if kind == "list<float>":
            out.append([f32_bits(float(x)) for x in v])
            continue
        if kind.startswith("fixed_len"):
            # numpy's fixed-width bytes dtype drops trailing NUL bytes; pad back to the declared width.
            width = int(kind[kind.index("(") + 1:-1])
            out.append(bytes(v).ljust(width, b"\0").hex())
            continue
        out.append(encode_value(kind, v))
    return out


def is_nan_bits(kind, bits):
    if bits is None:
        return False
    value = struct.unpack("<f" if kind == "float" else "<d",
                          struct.pack("<I" if kind == "float" else "<Q", int(bits)))[0]
    return math.isnan(value)


def compare_fastparquet(path, expected):
    pf = fastparquet.ParquetFile(path)
    df = pf.to_pandas()
    if len(df) != expected["rows"]:
        return "rows %d != %d" % (len(df), expected["rows"])
    for column in expected["columns"]:
        name, kind = column["name"], column["type"]
        if name not in df.columns:
            return "missing column " + name
        got = fastparquet_values(df[name], kind)
        for i, (e, g) in enumerate(zip(column["values"], got)):
            if kind in ("float", "double"):
                # fastparquet turns nulls of float columns into NaN: a null and a NaN compare equal here.
                e_nan = e is None or is_nan_bits(kind, e)
                g_nan = g is None or g == "nan"
                if e_nan or g_nan:
                    if e_nan != g_nan:
                        return "column %s row %d: expected %r got %r" % (name, i, e, g)
                    continue
            if kind == "list<float>" and e == [] and g is None:
                return "column %s row %d: empty list read as null" % (name, i)
            if e != g:
                return "column %s row %d: expected %r got %r" % (name, i, e, g)
    return None


def compare_exact(expected, actual):
    if expected["rows"] != actual["rows"]:
        return "rows %d != %d" % (actual["rows"], expected["rows"])
    if len(expected["columns"]) != len(actual["columns"]):
        return "column count differs"
    for e, a in zip(expected["columns"], actual["columns"]):
        for key in ("name", "type", "nullable"):
            if e[key] != a[key]:
                return "column %s: %s expected %r got %r" % (e["name"], key, e[key], a[key])
        for i, (x, y) in enumerate(zip(e["values"], a["values"])):
            if x != y:
                return "column %s row %d: expected %r got %r" % (e["name"], i, x, y)
    return None


def decode_bits(kind, bits):
    if kind == "float":
        return struct.unpack("<f", struct.pack("<I", int(bits)))[0]
    return struct.unpack("<d", struct.pack("<Q", int(bits)))[0]


def compare_statistics(path, expected):
    """Checks the min/max/null_count statistics pyarrow reports against the expected values."""
    metadata = pq.ParquetFile(path).metadata
    if metadata.num_row_groups == 0:
        return None
    group = metadata.row_group(0)
    for index, column in enumerate(expected["columns"]):
        kind = column["type"]
        stats = group.column(index).statistics
        if stats is None:
            return "column %s: no statistics" % column["name"]
        present = [v for v in column["values"] if v is not None]
        if kind != "list<float>" and stats.null_count != len(column["values"]) - len(present):
            return "column %s: null_count %d" % (column["name"], stats.null_count)
        if kind in ("int32", "int64"):
            values = [int(v) for v in present]
        elif kind in ("float", "double"):
            values = [decode_bits(kind, v) for v in present if not math.isnan(decode_bits(kind, v))]
        elif kind == "list<float>":
            values = [decode_bits("float", x) for v in present for x in v if not math.isnan(decode_bits("float", x))]
        elif kind == "string":
            values = present
        elif kind == "boolean":
            values = present
        else:
            continue
        if not values:
            if stats.has_min_max:
                return "column %s: min/max without values" % column["name"]
            continue
        if not stats.has_min_max:
            return "column %s: no min/max" % column["name"]
        low, high = min(values), max(values)
        if kind == "string":
            low = min(values, key=lambda x: x.encode())
            high = max(values, key=lambda x: x.encode())
        if stats.min != low or stats.max != high:
            return "column %s: min/max %r/%r, expected %r/%r" % (column["name"], stats.min, stats.max, low, high)
    return None


def check_swift(directory):
    failed = 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".parquet"):
            continue
        path = os.path.join(directory, name)
        with open(path[:-len(".parquet")] + ".json") as f:
            expected = json.load(f)
        for reader in ("pyarrow", "pyarrow-statistics", "fastparquet"):
            try:
                if reader == "pyarrow":
                    verdict = compare_exact(expected, table_json(pq.read_table(path)))
                elif reader == "pyarrow-statistics":
                    verdict = compare_statistics(path, expected)
                else:
                    verdict = compare_fastparquet(path, expected)
            except Exception as error:  # noqa: BLE001 - any reader failure is a failed case
                verdict = "%s: %s" % (type(error).__name__, error)
            if verdict:
                failed += 1
                print("FAIL swift->%s %s: %s" % (reader, name, verdict))
            else:
                print("PASS swift->%s %s" % (reader, name))
    return failed


# ---------------------------------------------------------------------------------------------------------------
# Python -> Swift


def base_frame(rows=500, seed=7):
    rng = np.random.default_rng(seed)
    ints = rng.integers(-2**62, 2**62, rows)
    nullable_ints = pd.array([None if i % 7 == 0 else int(x) for i, x in enumerate(ints)], dtype="Int64")
    floats = rng.normal(size=rows)
    floats[::11] = np.nan
    words = ["", "a", "shoal", "ünïcødé", "日本語", "🐟"]
    strings = [None if i % 9 == 0 else words[i % len(words)] + str(i % 50) for i in range(rows)]
    vectors = [None if i % 13 == 0 else (np.zeros(0, np.float32) if i % 17 == 0 else rng.normal(size=8).astype(np.float32))
               for i in range(rows)]
    return pd.DataFrame({
        "i64": ints,
        "i64_nullable": nullable_ints,
        "i32": rng.integers(-2**31, 2**31 - 1, rows).astype(np.int32),
        "i8": rng.integers(-128, 127, rows).astype(np.int8),
        "f64": floats,
        "f32": rng.normal(size=rows).astype(np.float32),
        "flag": rng.integers(0, 2, rows).astype(bool),
        "flag_nullable": pd.array([None if i % 5 == 0 else bool(i % 3) for i in range(rows)], dtype="boolean"),
        "text": pd.Series(strings, dtype=object),
        "vec": pd.Series(vectors, dtype=object),
    })


def arrow_table(df):
    schema = pa.schema([
        ("i64", pa.int64()), ("i64_nullable", pa.int64()), ("i32", pa.int32()), ("i8", pa.int8()),
        ("f64", pa.float64()), ("f32", pa.float32()), ("flag", pa.bool_()), ("flag_nullable", pa.bool_()),
        ("text", pa.string()), ("vec", pa.list_(pa.float32())),
    ])
    return pa.Table.from_pandas(df, schema=schema, preserve_index=False)


def write_python(directory):
    os.makedirs(directory, exist_ok=True)
    written = []

    def emit(name, writer, error_column=None):
        path = os.path.join(directory, name + ".parquet")
        writer(path)
        if error_column:
            expected = {"error": "unsupported", "column": error_column}
        else:
            expected = table_json(pq.read_table(path))
        with open(os.path.join(directory, name + ".json"), "w") as f:
            json.dump(expected, f)
        written.append(name)

    df = base_frame()
    table = arrow_table(df)
    emit("pandas_default", lambda p: df.to_parquet(p))
    emit("pandas_default_with_index", lambda p: df.set_index(pd.Index(range(1000, 1000 + len(df)))).to_parquet(p))
    emit("pandas_named_index", lambda p: df.set_index("text").to_parquet(p))
    for codec in ("none", "snappy", "gzip", "zstd"):
        emit("pyarrow_%s" % codec, lambda p, c=codec: pq.write_table(table, p, compression=c))
        emit("pyarrow_%s_v2" % codec, lambda p, c=codec: pq.write_table(table, p, compression=c,
                                                                        data_page_version="2.0"))
    emit("pyarrow_no_dictionary", lambda p: pq.write_table(table, p, use_dictionary=False))
    emit("pyarrow_no_dictionary_v2", lambda p: pq.write_table(table, p, use_dictionary=False,
                                                              data_page_version="2.0", compression="zstd"))
    emit("pyarrow_row_groups", lambda p: pq.write_table(table, p, row_group_size=64))
    emit("pyarrow_small_pages", lambda p: pq.write_table(table, p, data_page_size=512))
    emit("pyarrow_small_pages_v2", lambda p: pq.write_table(table, p, data_page_size=512, data_page_version="2.0"))
    emit("pyarrow_format_1_0", lambda p: pq.write_table(table, p, version="1.0"))
    # Dictionary fallback: more than 1 MiB of distinct strings makes pyarrow switch to PLAIN mid-chunk.
    big = pa.table({"s": pa.array(["distinct-string-%08d-%s" % (i, "x" * (i % 17)) for i in range(120_000)]),
                    "n": pa.array(np.arange(120_000, dtype=np.int64))})
    emit("dictionary_fallback", lambda p: pq.write_table(big, p))
    emit("dictionary_fallback_v2_gzip", lambda p: pq.write_table(big, p, data_page_version="2.0", compression="gzip"))
    emit("fastparquet_writer", lambda p: fastparquet.write(p, df.drop(columns=["vec"])))
    emit("fastparquet_writer_gzip", lambda p: fastparquet.write(p, df.drop(columns=["vec", "i64_nullable"]),
                                                                compression="GZIP"))
    emit("empty_table", lambda p: pq.write_table(table.slice(0, 0), p))
    # Unsupported features: Swift must raise `unsupported` naming the column.
    ts = pa.table({"id": pa.array([1, 2], pa.int64()),
                   "ts": pa.array([0, 1_000_000], pa.timestamp("ns"))})
    emit("unsupported_int96", lambda p: pq.write_table(ts, p, use_deprecated_int96_timestamps=True),
         error_column="ts")
    emit("unsupported_struct", lambda p: pq.write_table(pa.table({"s": pa.array([{"a": 1, "b": "x"}])}), p),
         error_column="s")
    emit("unsupported_map", lambda p: pq.write_table(
        pa.table({"m": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64()))}), p), error_column="m")
    emit("unsupported_decimal", lambda p: pq.write_table(
        pa.table({"d": pa.array([1], pa.decimal128(10, 2))}), p), error_column="d")
    emit("unsupported_list_double", lambda p: pq.write_table(
        pa.table({"v": pa.array([[1.0, 2.0]], pa.list_(pa.float64()))}), p), error_column="v")
    emit("unsupported_delta_encoding", lambda p: pq.write_table(
        pa.table({"x": pa.array([1, 2, 3], pa.int64())}), p, use_dictionary=False,
        column_encoding={"x": "DELTA_BINARY_PACKED"}), error_column="x")
    print("wrote %d python files to %s" % (len(written), directory))
    return 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("check-swift", "write-python"):
        print(__doc__)
        return 2
    if sys.argv[1] == "check-swift":
        return 1 if check_swift(sys.argv[2]) else 0
    return write_python(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
