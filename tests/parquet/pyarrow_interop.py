#!/usr/bin/env python3
"""Parquet files written by rapidbyte, read by pyarrow and DuckDB.

parquet_interop_tool writes a file of every flat type (values computed from
the row number, nulls in every nullable column, small pages and row groups),
once per codec (none, snappy, gzip, zstd).
pyarrow must read it back to the expected Arrow types and exactly the values
this script computes, and every column chunk's statistics (null count,
minimum, maximum) must be those of its rows; DuckDB must read the same values (checked through
aggregates of every column, which cover every row).
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

ROWS = 20000
CODECS = {"none": "UNCOMPRESSED", "snappy": "SNAPPY", "gzip": "GZIP", "zstd": "ZSTD"}
# Files written: each codec with dictionaries (up to 1 MiB, the default), in
# data pages of version 1 and 2; PLAIN pages only; and dictionaries of 2 KiB,
# which columns of many distinct values outgrow mid-chunk (their later pages
# PLAIN).
VARIANTS = ([(codec, 1 << 20, version) for codec in CODECS for version in ("v1", "v2")]
            + [("none", 0, "v1"), ("zstd", 0, "v2"), ("zstd", 2048, "v1"), ("snappy", 2048, "v2")])


def expected_columns(rows):
    def col(f, null_every=None):
        return [None if null_every and i % null_every == 0 else f(i) for i in range(rows)]

    epoch = datetime.datetime(1970, 1, 1)
    utc = datetime.timezone.utc
    decimal.getcontext().prec = 50
    return {
        "b": col(lambda i: i % 2 == 0, 7),
        "i8": col(lambda i: i % 256 - 128),
        "i16": col(lambda i: (i * 7) % 65536 - 32768),
        "i32": col(lambda i: i * 1000 - 5000000, 11),
        "i64": col(lambda i: i * (1 << 40) - (1 << 50)),
        "u8": col(lambda i: i % 256),
        "u16": col(lambda i: i % 65536),
        "u32": col(lambda i: (i * 2654435761) % (1 << 32)),
        "u64": col(lambda i: (i * 11400714819323198485) % (1 << 64)),
        "f32": col(lambda i: i * 0.5),
        "f64": col(lambda i: i / 3.0, 13),
        "s": col(lambda i: f"row-{i}-\u00e9", 5),
        "ls": col(lambda i: "x" * (i % 50)),
        "bin": col(lambda i: bytes([i % 256]) * (i % 4)),
        "u": col(lambda i: uuid.UUID(int=i), 3),
        "js": col(lambda i: '{"n": %d}' % i),
        "d": col(lambda i: datetime.date(1970, 1, 1) + datetime.timedelta(days=i - 5000), 17),
        "ts": col(lambda i: (epoch + datetime.timedelta(microseconds=i * 1000003 - 10**9)).replace(tzinfo=utc)),
        "tsn": col(lambda i: i * 123456789),
        "tsm": col(lambda i: (epoch + datetime.timedelta(milliseconds=i * 1001 - 77)).replace(tzinfo=utc)),
        "tm": col(lambda i: (datetime.datetime.min + datetime.timedelta(microseconds=(i * 1000007) % 86400000000)).time()),
        "dec": col(lambda i: decimal.Decimal(i * 12345 - 50000000).scaleb(-2), 19),
        "dec38": col(lambda i: decimal.Decimal((i - 5000) * 10**30 + i).scaleb(-10)),
        "li": col(lambda i: [] if i % 9 == 1 else
                  [None if (i + k) % 4 == 0 else i + k for k in range(i % 5)], 9),
        "lt": col(lambda i: ["a" * (k + 1) for k in range(i % 3)]),
        "du": col(lambda i: datetime.timedelta(microseconds=i * 1000 - 7)),
        "tz": col(lambda i: (epoch + datetime.timedelta(microseconds=i * 3600000000 + 17)).replace(tzinfo=utc)),
        "iv": col(lambda i: (i % 13 - 6, i % 31 - 15, i * 1000 - 10000000), 23),
        "nul": col(lambda i: None),
    }


EXPECTED_TYPES = {
    "b": "bool", "i8": "int8", "i16": "int16", "i32": "int32", "i64": "int64",
    "u8": "uint8", "u16": "uint16", "u32": "uint32", "u64": "uint64",
    "f32": "float", "f64": "double", "s": "string", "ls": "large_string", "bin": "binary",
    "u": "extension<arrow.uuid>", "js": "extension<arrow.json>", "d": "date32[day]",
    "ts": "timestamp[us, tz=UTC]", "tsn": "timestamp[ns]", "tsm": "timestamp[ms, tz=UTC]",
    "tm": "time64[us]", "dec": "decimal128(12, 2)", "dec38": "decimal128(38, 10)",
    "li": "list<element: int32>", "lt": "list<element: string not null>",
    "du": "duration[us]", "tz": "timestamp[us, tz=America/New_York]",
    # pyarrow has no Parquet form of month_day_nano: it reads the documented
    # 16 bytes (rapidbyte's reader restores the type from ARROW:schema).
    "iv": "fixed_size_binary[16]",
    "nul": "string",
}
NOT_NULL = {"i8", "i16", "i64", "u8", "u16", "u32", "u64", "f32", "ls", "bin", "tsn",
            "tsm", "tm", "dec38", "lt", "du"}


def python_value(name, v):
    if v is None:
        return None
    if name == "tsn":
        return v.value if hasattr(v, "value") else v
    if name == "u" and isinstance(v, bytes):
        return uuid.UUID(bytes=v)
    return v


def check_encodings(path, codec, dictionary):
    """The codec, and a dictionary page in each chunk when dictionaries are on
    (booleans are always PLAIN; a chunk of only NULLs has none).
    tests/parquet/file_writer_test.cpp checks the
    page sequence of a chunk that outgrows its dictionary."""
    meta = pq.ParquetFile(path).metadata
    failures = []
    for g in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            column = meta.row_group(g).column(c)
            if column.compression != CODECS[codec]:
                failures.append(f"{column.path_in_schema}: compression {column.compression}")
            # No dictionary for booleans, nor for a chunk of only NULLs.
            wanted = dictionary > 0 and column.path_in_schema not in ("b", "nul")
            if column.has_dictionary_page != wanted:
                failures.append(f"row group {g} {column.path_in_schema}: dictionary page "
                                f"{column.has_dictionary_page}")
    return failures


def check_pyarrow(path, expected):
    table = pq.read_table(path)
    meta = pq.ParquetFile(path).metadata
    failures = []
    if meta.num_row_groups < 2:
        failures.append(f"expected several row groups, got {meta.num_row_groups}")
    if table.num_rows != ROWS:
        failures.append(f"rows: {table.num_rows}")
    for name, want_type in EXPECTED_TYPES.items():
        field = table.schema.field(name)
        got_type = str(field.type)
        if got_type != want_type:
            failures.append(f"{name}: type {got_type}, expected {want_type}")
        if field.nullable == (name in NOT_NULL):
            failures.append(f"{name}: nullable is {field.nullable}")
        column = table.column(name)
        if name == "tsn":
            got = [None if v is None else v for v in column.cast(pa.int64()).to_pylist()]
        elif name == "u":
            storage = column.combine_chunks()
            storage = storage.storage if hasattr(storage, "storage") else storage
            got = [None if v is None else uuid.UUID(bytes=v) for v in storage.to_pylist()]
        elif name == "tz":
            got = [None if v is None else v.astimezone(datetime.timezone.utc)
                   for v in column.to_pylist()]
        elif name == "iv":
            got = [None if v is None else struct.unpack("<iiq", v) for v in column.to_pylist()]
        elif name == "js":
            storage = column.combine_chunks()
            storage = storage.storage if hasattr(storage, "storage") else storage
            got = storage.to_pylist()
        else:
            got = column.to_pylist()
        want = expected[name]
        if got != want:
            first = next(i for i in range(len(want)) if got[i] != want[i])
            failures.append(f"{name}: row {first} is {got[first]!r}, expected {want[first]!r}")
    return failures


def statistic(name, value):
    """A bound as pyarrow gives it, in the form expected_columns uses."""
    if name == "u":
        return uuid.UUID(bytes=value)
    if name == "js":
        return value.decode()
    return value


def raw(name, value):
    """A value as its column stores it."""
    if name == "du":
        return value // datetime.timedelta(microseconds=1)
    if name == "iv":
        return struct.pack("<iiq", *value)
    return value


def check_statistics(path, expected):
    """Every column chunk's null count, minimum and maximum are its rows'."""
    meta = pq.ParquetFile(path).metadata
    failures = []
    first = 0
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        rows = range(first, first + group.num_rows)
        first += group.num_rows
        for c in range(group.num_columns):
            column = group.column(c)
            name = column.path_in_schema.split(".")[0]
            stats = column.statistics
            values = [expected[name][i] for i in rows]
            if name in ("li", "lt"):
                # A list's leaf: its elements, and one null for each null or
                # empty list.
                values = [e for v in values for e in (v if v else [None])]
            present = [v for v in values if v is not None]
            if stats.null_count != len(values) - len(present):
                failures.append(f"row group {g} {name}: null count {stats.null_count}")
            if stats.has_min_max != bool(present):
                failures.append(f"row group {g} {name}: has_min_max is {stats.has_min_max}")
                continue
            if not present:
                continue
            if name in ("tsn", "du", "iv"):
                # No logical type Python maps: the bounds as stored.
                low, high = stats.min_raw, stats.max_raw
                present = [raw(name, v) for v in present]
            else:
                low, high = statistic(name, stats.min), statistic(name, stats.max)
            if (low, high) != (min(present), max(present)):
                failures.append(f"row group {g} {name}: bounds {low!r}..{high!r}, expected "
                                f"{min(present)!r}..{max(present)!r}")
    return failures


def check_duckdb(path, expected):
    try:
        import duckdb
    except ImportError:
        return ["duckdb is not installed"]
    con = duckdb.connect()
    failures = []
    query = ("SELECT count(*), count(b), sum(b::INT), sum(i8), sum(i16), sum(i32), sum(i64), "
             "sum(u8), sum(u16), sum(u32), sum(u64::HUGEINT), sum(f32), sum(f64), count(s), "
             "sum(length(s)), sum(length(ls)), sum(octet_length(bin)), count(u), "
             "max(u)::VARCHAR, count(d), min(d), max(d), min(epoch_us(ts)), max(epoch_us(ts)), sum(epoch_ns(tsn)), "
             "max(tm), sum(dec), sum(dec38), count(li), sum(len(li)), sum(list_sum(li)), "
             "sum(len(lt)), sum(epoch_us(tz)), count(iv), count(nul) FROM read_parquet(?)")
    got = con.execute(query, [path]).fetchone()

    def some(name):
        return [v for v in expected[name] if v is not None]

    want = (
        ROWS, len(some("b")), sum(1 for v in some("b") if v), sum(some("i8")), sum(some("i16")),
        sum(some("i32")), sum(some("i64")), sum(some("u8")), sum(some("u16")), sum(some("u32")),
        sum(some("u64")), sum(some("f32")), sum(some("f64")), len(some("s")),
        sum(len(v) for v in some("s")), sum(len(v) for v in some("ls")),
        sum(len(v) for v in some("bin")), len(some("u")), str(max(some("u"))), len(some("d")),
        min(some("d")), max(some("d")), min(i * 1000003 - 10**9 for i in range(ROWS)),
        max(i * 1000003 - 10**9 for i in range(ROWS)), sum(some("tsn")),
        max(some("tm")), sum(some("dec")), sum(some("dec38")), len(some("li")),
        sum(len(v) for v in some("li")), sum(e for v in some("li") for e in v if e is not None),
        sum(len(v) for v in expected["lt"]), sum(i * 3600000000 + 17 for i in range(ROWS)),
        len(some("iv")), 0,
    )
    names = query[len("SELECT "):query.index(" FROM")].split(", ")
    for name, g, w in zip(names, got, want):
        if isinstance(w, float):
            ok = abs(g - w) <= 1e-6 * max(1.0, abs(w))
        else:
            ok = g == w
        if not ok:
            failures.append(f"duckdb {name}: {g!r}, expected {w!r}")
    return failures


def main():
    tool = sys.argv[1]
    expected = expected_columns(ROWS)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for codec, dictionary, version in VARIANTS:
            variant = f"{codec}, dictionary {dictionary}, pages {version}"
            path = os.path.join(tmp, f"all_types_{codec}_{dictionary}_{version}.parquet")
            subprocess.run([tool, "write", path, str(ROWS), codec, str(dictionary), version],
                           check=True)
            failures += [f"{variant}: {f}" for f in check_encodings(path, codec, dictionary)
                         + check_pyarrow(path, expected) + check_statistics(path, expected)
                         + check_duckdb(path, expected)]
    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print(f"pyarrow and DuckDB read all {len(EXPECTED_TYPES)} columns of {ROWS} rows exactly, "
          f"with each of {', '.join(CODECS)}, dictionaries, PLAIN pages and the fallback between, in data pages v1 and v2")


if __name__ == "__main__":
    main()
