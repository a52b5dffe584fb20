#!/usr/bin/env python3
"""Single-core pyarrow reference for the ShoalParquet benchmark (same shape as `ShoalParquetCrossCheck bench`).

  parquet_bench.py MB [SWIFT_FILE]

Writes and reads ~MB megabytes of uncompressed, dictionary-free int64/double/string columns with one thread and
prints MB/s (MB = file bytes / 1e6). With SWIFT_FILE, also times pyarrow reading the file Swift wrote.
"""
import os
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def main():
    megabytes = int(sys.argv[1])
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    rows = megabytes * 1_000_000 // 36
    rng = np.random.default_rng(42)
    ints = rng.integers(-2**63, 2**63 - 1, rows, dtype=np.int64)
    doubles = rng.random(rows)
    suffix = rng.integers(0, 100_000, rows)
    strings = ["value-%d-%d" % (i % 1000, s) for i, s in zip(range(rows), suffix)]
    table = pa.table({"i": ints, "d": doubles, "s": pa.array(strings, pa.string())})
    path = os.path.join(tempfile.mkdtemp(), "bench.parquet")
    # Best of three runs of each direction (the machine is shared, so single runs are noisy).
    write = read = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        pq.write_table(table, path, compression="none", use_dictionary=False, write_statistics=True,
                       store_schema=False)
        write = min(write, time.perf_counter() - start)
        start = time.perf_counter()
        back = pq.read_table(path, use_threads=False)
        read = min(read, time.perf_counter() - start)
        assert back.num_rows == rows
    size = os.path.getsize(path) / 1e6
    print("rows %d, file %.1f MB" % (rows, size))
    print("pyarrow write (best of 3): %.3f s, %.1f MB/s" % (write, size / write))
    print("pyarrow read (best of 3):  %.3f s, %.1f MB/s" % (read, size / read))
    if len(sys.argv) > 2:
        swift_file = sys.argv[2]
        size = os.path.getsize(swift_file) / 1e6
        read = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            pq.read_table(swift_file, use_threads=False)
            read = min(read, time.perf_counter() - start)
        print("pyarrow read of the Swift file (best of 3): %.3f s, %.1f MB/s" % (read, size / read))

if __name__ == "__main__":
    main()
