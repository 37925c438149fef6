#!/usr/bin/env python3
"""Parquet files written by pyarrow, DuckDB and rapidbyte, read by rapidbyte.

pyarrow writes one table of every type the reader takes (nulls in every
nullable column, lists with null and empty entries, small pages and row
groups) in each of its forms: dictionaries on and off, data pages v1 and
v2, every codec, the delta encodings and BYTE_STREAM_SPLIT; DuckDB writes
a table of its types as it does by default and with PARQUET_VERSION v2.
parquet_interop_tool reads each file into an Arrow IPC stream; its table
must equal pyarrow's own reading of the file, type for type and value for
value. The same for the file rapidbyte writes.
Exits 77 (skipped) when pyarrow is not installed.
"""
import datetime
import decimal
import os
import struct
import subprocess
import sys
import tempfile
import uuid

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:
    print("pyarrow not installed; skipping")
    sys.exit(77)

ROWS = 5000


def table(rows=ROWS):
    def col(f, null_every=7):
        return [None if null_every and i % null_every == 0 else f(i) for i in range(rows)]

    epoch = datetime.datetime(1970, 1, 1)
    return pa.table({
        "b": pa.array(col(lambda i: i % 3 == 0), pa.bool_()),
        "i8": pa.array(col(lambda i: i % 256 - 128), pa.int8()),
        "i16": pa.array(col(lambda i: i * 7 % 65536 - 32768), pa.int16()),
        "i32": pa.array(col(lambda i: i * 1000 - 5000), pa.int32()),
        "i64": pa.array(col(lambda i: i * (1 << 40)), pa.int64()),
        "u8": pa.array(col(lambda i: i % 256), pa.uint8()),
        "u16": pa.array(col(lambda i: i % 65536), pa.uint16()),
        "u32": pa.array(col(lambda i: i * 2654435761 % (1 << 32)), pa.uint32()),
        "u64": pa.array(col(lambda i: i * 11400714819323198485 % (1 << 64)), pa.uint64()),
        "f32": pa.array(col(lambda i: i * 0.25), pa.float32()),
        "f64": pa.array(col(lambda i: i / 7.0), pa.float64()),
        "s": pa.array(col(lambda i: f"name-{i % 40}-\u00fc"), pa.string()),
        "ls": pa.array(col(lambda i: "y" * (i % 30)), pa.large_string()),
        "bin": pa.array(col(lambda i: bytes([i % 256]) * (i % 5)), pa.binary()),
        "fsb": pa.array(col(lambda i: i.to_bytes(4, "little")), pa.binary(4)),
        "u": pa.array(col(lambda i: uuid.UUID(int=i * 7919).bytes), pa.uuid()),
        "d": pa.array(col(lambda i: datetime.date(2000, 1, 1) + datetime.timedelta(days=i)),
                      pa.date32()),
        "ts_ms": pa.array(col(lambda i: epoch + datetime.timedelta(milliseconds=i * 997)),
                          pa.timestamp("ms")),
        "ts_us": pa.array(col(lambda i: epoch + datetime.timedelta(microseconds=i * 12345)),
                          pa.timestamp("us", tz="UTC")),
        "ts_ns": pa.array(col(lambda i: i * 1234567891), pa.timestamp("ns", tz="Europe/Berlin")),
        "tm": pa.array(col(lambda i: (i * 1000003) % 86400000000), pa.time64("us")),
        "du": pa.array(col(lambda i: i * 1000 - 3), pa.duration("us")),
        "dec": pa.array(col(lambda i: decimal.Decimal(i * 12345 - 500000).scaleb(-2)),
                        pa.decimal128(12, 2)),
        "dec38": pa.array(col(lambda i: decimal.Decimal((i - 2500) * 10**28 + i).scaleb(-6)),
                          pa.decimal128(38, 6)),
        "li": pa.array(col(lambda i: None if i % 11 == 0 else
                           [None if (i + k) % 3 == 0 else i + k for k in range(i % 4)], 13),
                       pa.list_(pa.int32())),
        "lt": pa.array(col(lambda i: [f"t{k}" for k in range(i % 3)], 0), pa.list_(pa.string())),
    })


# (name, write_table arguments)
FORMS = [
    ("default", {}),
    ("plain", {"use_dictionary": False}),
    ("v2", {"data_page_version": "2.0"}),
    ("v2-plain-zstd", {"data_page_version": "2.0", "use_dictionary": False, "compression": "zstd"}),
    ("gzip", {"compression": "gzip"}),
    ("none", {"compression": "none"}),
    ("zstd-v2", {"compression": "zstd", "data_page_version": "2.0"}),
    ("delta", {"data_page_version": "2.0", "use_dictionary": False, "column_encoding": {
        **{c: "DELTA_BINARY_PACKED" for c in ("i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64",
                                             "d", "ts_ms", "ts_us", "ts_ns", "tm", "du", "li")},
        "s": "DELTA_LENGTH_BYTE_ARRAY", "bin": "DELTA_LENGTH_BYTE_ARRAY",
        "ls": "DELTA_BYTE_ARRAY", "lt": "DELTA_BYTE_ARRAY", "fsb": "DELTA_BYTE_ARRAY",
        "dec": "DELTA_BYTE_ARRAY", "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT",
        "dec38": "BYTE_STREAM_SPLIT", "u": "BYTE_STREAM_SPLIT"}}),
    ("int96", {"use_deprecated_int96_timestamps": True}),
    ("delta-v1-gzip", {"use_dictionary": False, "compression": "gzip", "column_encoding": {
        "i64": "DELTA_BINARY_PACKED", "s": "DELTA_BYTE_ARRAY", "f64": "BYTE_STREAM_SPLIT"}}),
]

# DuckDB's COPY ... TO (FORMAT parquet), as it writes by default and with
# PARQUET_VERSION v2 (delta encodings, BYTE_STREAM_SPLIT).
DUCKDB_QUERY = """
SELECT i::INT AS i, CASE WHEN i % 5 = 0 THEN NULL ELSE i::BIGINT * 1000 END AS big,
       'name-' || (i % 50) AS s, 'unique-' || i AS us, (i / 3.0)::DOUBLE AS f,
       (i / 7.0)::FLOAT AS f4, DATE '2000-01-01' + i::INT AS d,
       TIMESTAMP '2020-01-01' + to_microseconds(i * 1000) AS ts,
       TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_microseconds(i) AS tstz,
       (i * 1.5)::DECIMAL(12, 2) AS dec, (i * 3.25)::DECIMAL(30, 4) AS dec30,
       (i % 100)::TINYINT AS t8, (i % 30000)::SMALLINT AS t16, i::UBIGINT AS u64,
       CASE WHEN i % 7 = 0 THEN NULL ELSE [i, NULL, i + 1] END AS l,
       i % 2 = 0 AS b, TIME '00:00:00' + to_microseconds(i * 999) AS tm
FROM range(5000) t(i)
"""



def compare(tool, path, failures, label, intervals=()):
    """`intervals`: columns pyarrow reads as their 16 bytes, and rapidbyte
    as month_day_nano (ARROW:schema)."""
    out = path + ".arrows"
    result = subprocess.run([tool, "read", path, out], capture_output=True, text=True)
    if result.returncode != 0:
        failures.append(f"{label}: {result.stderr.strip()}")
        return
    with pa.ipc.open_stream(out) as stream:
        ours = stream.read_all()
    theirs = pq.read_table(path)
    for name in intervals:
        got = [None if v is None else tuple(v) for v in ours.column(name).to_pylist()]
        want = [None if v is None else struct.unpack("<iiq", v)
                for v in theirs.column(name).to_pylist()]
        if str(ours.schema.field(name).type) != "month_day_nano_interval" or got != want:
            failures.append(f"{label}: interval column {name} differs")
        ours, theirs = ours.drop_columns([name]), theirs.drop_columns([name])
    if ours.schema.remove_metadata() != theirs.schema.remove_metadata():
        for a, b in zip(ours.schema, theirs.schema):
            if a != b:
                failures.append(f"{label}: field {a} is {b} to pyarrow")
        return
    if ours.num_rows != theirs.num_rows:
        failures.append(f"{label}: {ours.num_rows} rows, pyarrow {theirs.num_rows}")
        return
    for name in theirs.column_names:
        a = ours.column(name).combine_chunks()
        b = theirs.column(name).combine_chunks()
        if not a.equals(b):
            first = next(i for i in range(len(a)) if a[i] != b[i])
            failures.append(f"{label}: {name} row {first} is {a[first]}, pyarrow {b[first]}")


def write_seeds(directory):
    """Small files of every form, the file fuzzer's seeds."""
    data = table(60)
    for name, options in FORMS:
        pq.write_table(data, os.path.join(directory, f"pyarrow-{name}.parquet"),
                       row_group_size=25, data_page_size=256, **options)


def main():
    if sys.argv[1] == "--write-seeds":
        write_seeds(sys.argv[2])
        return
    tool = sys.argv[1]
    failures = []
    data = table()
    with tempfile.TemporaryDirectory() as tmp:
        for name, options in FORMS:
            path = os.path.join(tmp, f"{name}.parquet")
            pq.write_table(data, path, row_group_size=1500, data_page_size=2048, **options)
            compare(tool, path, failures, f"pyarrow {name}")
        try:
            import duckdb
            con = duckdb.connect()
            for version in ("v1", "v2"):
                path = os.path.join(tmp, f"duckdb-{version}.parquet")
                con.execute(f"COPY ({DUCKDB_QUERY}) TO '{path}' "
                            f"(FORMAT parquet, PARQUET_VERSION {version}, ROW_GROUP_SIZE 2048)")
                compare(tool, path, failures, f"duckdb {version}")
        except ImportError:
            failures.append("duckdb is not installed")
        ours = os.path.join(tmp, "ours.parquet")
        subprocess.run([tool, "write", ours, "20000", "zstd", str(1 << 20), "v2"], check=True)
        compare(tool, ours, failures, "rapidbyte's own file", intervals=("iv",))
    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print(f"read {len(FORMS)} forms of pyarrow's files, DuckDB's (v1, v2) and our own exactly "
          "as pyarrow does")


if __name__ == "__main__":
    main()
