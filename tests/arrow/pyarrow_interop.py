#!/usr/bin/env python3
"""Interop between rapidbyte's Arrow library and pyarrow, both directions.

(a) interop_tool writes a stream; pyarrow must read it, and its rendering of
    every value must equal the tool's own dump of the same file.
(b) pyarrow writes a stream (every type, nulls, slices, several batches,
    unicode, extension types); the tool must read it and dump exactly
    pyarrow's values.
Both directions run uncompressed, with LZ4 frame and with ZSTD bodies, and
once more with large values (MiB-sized strings and binaries, a long list).
Exits 77 (skipped) when pyarrow is not installed.
"""
import decimal
import os
import struct
import subprocess
import sys
import tempfile

try:
    import pyarrow as pa
except ImportError:
    print("pyarrow not installed; skipping")
    sys.exit(77)

TYPE_NAMES = {
    "null": "null", "bool": "bool", "int8": "int8", "int16": "int16", "int32": "int32",
    "int64": "int64", "uint8": "uint8", "uint16": "uint16", "uint32": "uint32",
    "uint64": "uint64", "float": "float32", "double": "float64", "string": "utf8",
    "binary": "binary", "date32[day]": "date32", "large_string": "large_utf8",
    "large_binary": "large_binary",
}
EXTENSION_KEYS = ("ARROW:extension:name", "ARROW:extension:metadata")


def storage(t):
    return t.storage_type if isinstance(t, pa.BaseExtensionType) else t


def type_name(t):
    """The rapidbyte spelling of a pyarrow type (extension types as storage)."""
    t = storage(t)
    s = str(t)
    if s in TYPE_NAMES:
        return TYPE_NAMES[s]
    if pa.types.is_timestamp(t):
        return f"timestamp[{t.unit}, tz={t.tz}]" if t.tz else f"timestamp[{t.unit}]"
    if pa.types.is_list(t):
        f = t.value_field
        return f"list<{f.name}: {type_name(f.type)}{'' if f.nullable else ' not null'}>"
    return s  # fixed_size_binary[16], decimal128(20, 3), time64[us], duration[s], ...


def render_scalar(t, v):
    if pa.types.is_boolean(t):
        return "true" if v else "false"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "x" + v.encode("utf-8").hex()
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "x" + bytes(v).hex()
    if pa.types.is_floating(t):
        return "x" + struct.pack("<f" if t.bit_width == 32 else "<d", v).hex()
    if pa.types.is_decimal(t):
        unscaled = int(v.scaleb(t.scale))
        return "x" + unscaled.to_bytes(16, "little", signed=True).hex()
    if t == pa.month_day_nano_interval():
        return "x" + struct.pack("<iiq", v.months, v.days, v.nanoseconds).hex()
    if pa.types.is_integer(t):
        return "x" + v.to_bytes(t.bit_width // 8, "little", signed=pa.types.is_signed_integer(t)).hex()
    raise AssertionError(f"unhandled type {t}")


def render_array(arr):
    """One canonical string per slot of a pyarrow Array (see interop_tool.cpp)."""
    if isinstance(arr.type, pa.BaseExtensionType):
        arr = arr.storage
    t = arr.type
    valid = arr.is_valid().to_pylist()
    if pa.types.is_null(t):
        return ["null"] * len(arr)
    if pa.types.is_list(t):
        elements = render_array(arr.values)
        offsets = arr.offsets.to_pylist()
        return [("[" + ",".join(elements[offsets[i]:offsets[i + 1]]) + "]") if valid[i] else "null"
                for i in range(len(arr))]
    if pa.types.is_date32(t):
        arr, t = arr.cast(pa.int32()), pa.int32()
    elif pa.types.is_timestamp(t) or pa.types.is_time64(t) or pa.types.is_duration(t):
        arr, t = arr.view(pa.int64()), pa.int64()
    return ["null" if v is None else render_scalar(t, v) for v in arr.to_pylist()]


def pyarrow_dump(path):
    with pa.memory_map(path) as source:
        reader = pa.ipc.open_stream(source)
        schema = reader.schema
        batches = list(reader)
    lines = []
    for f in schema:
        metadata = [(k.decode(), v.decode()) for k, v in (f.metadata or {}).items()]
        if isinstance(f.type, pa.BaseExtensionType):
            # pyarrow turns the extension keys into the type; put them back.
            metadata[0:0] = zip(EXTENSION_KEYS, (f.type.extension_name, ""))
        line = f"field {f.name} {type_name(f.type)} {'nullable' if f.nullable else 'required'}"
        for k, v in sorted(metadata):  # sorted: writers order the extension keys differently
            line += f" {k}={v}"
        lines.append(line)
    for k, v in (schema.metadata or {}).items():
        lines.append(f"schema_metadata {k.decode()}={v.decode()}")
    for b, batch in enumerate(batches):
        batch.validate(full=True)
        lines.append(f"batch {b} rows {batch.num_rows}")
        for f, col in zip(schema, batch.columns):
            lines.extend(f"{f.name} {r} {v}" for r, v in enumerate(render_array(col)))
    return lines


def tool_dump(tool, path):
    out = subprocess.run([tool, "dump", path], check=True, capture_output=True, text=True)
    return out.stdout.splitlines()


def compare(what, expected, got):
    if expected == got:
        print(f"{what}: {len(got)} lines match")
        return True
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            print(f"{what}: first difference at line {i}:\n  pyarrow: {e}\n  rapidbyte: {g}")
            break
    else:
        print(f"{what}: line counts differ: {len(expected)} vs {len(got)}")
    return False


def pyarrow_columns(n):
    words = ["", "héllo", "日本語", "😀 emoji", None, "plain"]
    MDN = pa.MonthDayNano
    return {
        "n": pa.nulls(n),
        "b": pa.array([None if i % 5 == 0 else i % 2 == 0 for i in range(n)]),
        "i8": pa.array([None if i % 3 == 0 else i - 20 for i in range(n)], pa.int8()),
        "i16": pa.array([i * -300 for i in range(n)], pa.int16()),
        "i32": pa.array([None if i == 7 else i * 100000 for i in range(n)], pa.int32()),
        "i64": pa.array([i * 10**15 for i in range(n)], pa.int64()),
        "u8": pa.array([i for i in range(n)], pa.uint8()),
        "u16": pa.array([i * 1000 for i in range(n)], pa.uint16()),
        "u32": pa.array([None if i % 4 == 0 else i * 100000000 for i in range(n)], pa.uint32()),
        "u64": pa.array([2**64 - 1 - i for i in range(n)], pa.uint64()),
        "f32": pa.array([None if i % 6 == 0 else i / 4 for i in range(n)], pa.float32()),
        "f64": pa.array([float("nan") if i == 3 else float("-inf") if i == 4 else i / 3
                         for i in range(n)], pa.float64()),
        "s": pa.array([words[i % len(words)] for i in range(n)], pa.string()),
        "bin": pa.array([None if i % 7 == 0 else bytes(range(i % 9)) for i in range(n)], pa.binary()),
        "d": pa.array([None if i % 8 == 0 else 18000 + i for i in range(n)], pa.int32()).cast(pa.date32()),
        "ts": pa.array([1_700_000_000_000_000 + i for i in range(n)], pa.timestamp("us")),
        "tstz": pa.array([None if i % 2 else i * 10**9 for i in range(n)], pa.timestamp("ns", tz="UTC")),
        "fsb": pa.array([None if i % 9 == 0 else bytes([i] * 16) for i in range(n)], pa.binary(16)),
        "uuid": pa.ExtensionArray.from_storage(
            pa.uuid(), pa.array([None if i % 5 == 1 else bytes([255 - i] * 16) for i in range(n)],
                                pa.binary(16))),
        "js": pa.ExtensionArray.from_storage(
            pa.json_(), pa.array([None if i % 3 == 0 else f'{{"k": {i}, "s": "é"}}'
                                  for i in range(n)], pa.string())),
        "dec": pa.array([None if i % 10 == 0 else decimal.Decimal(i * 12345 - 99999).scaleb(-3)
                         for i in range(n)], pa.decimal128(20, 3)),
        "t_us": pa.array([None if i % 6 == 1 else (i % 24) * 3_600_000_001 for i in range(n)], pa.time64("us")),
        "t_ns": pa.array([86_399_999_999_999 - i for i in range(n)], pa.time64("ns")),
        "dur_s": pa.array([i - 20 for i in range(n)], pa.duration("s")),
        "dur_ms": pa.array([None if i % 2 else i * 1001 for i in range(n)], pa.duration("ms")),
        "dur_us": pa.array([-(2**63) + 1 + i for i in range(n)], pa.duration("us")),
        "dur_ns": pa.array([2**62 + i for i in range(n)], pa.duration("ns")),
        "iv": pa.array([None if i % 7 == 3 else MDN([i, -i, i * 10**12 + 5]) for i in range(n)],
                       pa.month_day_nano_interval()),
        "ls": pa.array([None if i % 4 == 2 else words[i % len(words)] for i in range(n)],
                       pa.large_string()),
        "lbin": pa.array([bytes([i] * (i % 5)) for i in range(n)], pa.large_binary()),
        "li": pa.array([None if i % 5 == 4 else [j if j % 3 else None for j in range(i % 6)]
                        for i in range(n)], pa.list_(pa.int32())),
        "lls": pa.array([[[words[(i + j + k) % len(words)] for k in range(j)] for j in range(i % 3)]
                         for i in range(n)],
                        pa.list_(pa.field("rows", pa.list_(pa.string()), nullable=False))),
        "lts": pa.array([[1_700_000_000_000_000 + i] * (i % 3) for i in range(n)],
                        pa.list_(pa.timestamp("us", tz="UTC"))),
    }


def pyarrow_stream(path, compression=None):
    cols = pyarrow_columns(40)
    schema = pa.schema(
        [pa.field(k, v.type, nullable=(k != "i64"),
                  metadata=dict(zip(EXTENSION_KEYS, ("arrow.uuid", ""))) if k == "fsb" else None)
         for k, v in cols.items()],
        metadata={"origin": "pyarrow"})
    batch = pa.RecordBatch.from_arrays(list(cols.values()), schema=schema)
    options = pa.ipc.IpcWriteOptions(compression=compression)
    with pa.OSFile(path, "wb") as sink:
        with pa.ipc.new_stream(sink, schema, options=options) as writer:
            writer.write_batch(batch)
            writer.write_batch(batch.slice(0, 0))
            writer.write_batch(batch.slice(3, 21))  # non-zero offsets in every buffer
            writer.write_batch(batch.slice(13))


def main():
    tool = sys.argv[1]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for codec, pa_codec in (("none", None), ("lz4_frame", "lz4"), ("zstd", "zstd")):
            ours = os.path.join(tmp, f"rapidbyte-{codec}.arrows")
            subprocess.run([tool, "write", ours, codec], check=True)
            ok &= compare(f"rapidbyte -> pyarrow ({codec})", pyarrow_dump(ours),
                          tool_dump(tool, ours))
            theirs = os.path.join(tmp, f"pyarrow-{codec}.arrows")
            pyarrow_stream(theirs, pa_codec)
            ok &= compare(f"pyarrow -> rapidbyte ({codec})", pyarrow_dump(theirs),
                          tool_dump(tool, theirs))
        big = os.path.join(tmp, "rapidbyte-big.arrows")
        subprocess.run([tool, "write-big", big], check=True)
        ok &= compare("rapidbyte -> pyarrow (large values)", pyarrow_dump(big), tool_dump(tool, big))
        theirs = os.path.join(tmp, "pyarrow-big.arrows")
        with pa.memory_map(big) as source:
            table = pa.ipc.open_stream(source).read_all()
        with pa.OSFile(theirs, "wb") as sink:
            with pa.ipc.new_stream(sink, table.schema,
                                   options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
                writer.write_table(table, max_chunksize=60000)
        ok &= compare("pyarrow -> rapidbyte (large values, zstd)", pyarrow_dump(theirs),
                      tool_dump(tool, theirs))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
