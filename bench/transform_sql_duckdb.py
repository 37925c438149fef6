#!/usr/bin/env python3
"""DuckDB's half of bench/transform_sql_bench: reads the Arrow IPC stream the
benchmark wrote (the same batches transform-sql gets) with pyarrow, exposes
it to DuckDB as table `input` and runs the same query, the result
materialized as an Arrow table. Timed on one thread and on all cores, best
of `repeat`. Prints: seconds_1_thread rows seconds_all_cores rows."""
import os
import sys
import time

import duckdb
import pyarrow as pa


def best(con, query, repeat):
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = con.sql(query).arrow()
        if hasattr(result, "read_all"):  # a RecordBatchReader in newer releases
            result = result.read_all()
        times.append(time.perf_counter() - start)
        rows = result.num_rows
    return min(times), rows


def main():
    path, repeat, query = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, "rb") as f:
        data = pa.py_buffer(f.read())
    table = pa.ipc.open_stream(data).read_all()
    con = duckdb.connect()
    con.register("input", table)
    con.execute("SET threads = 1")
    one = best(con, query, repeat)
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    all_cores = best(con, query, repeat)
    print(one[0], one[1], all_cores[0], all_cores[1])


if __name__ == "__main__":
    main()
