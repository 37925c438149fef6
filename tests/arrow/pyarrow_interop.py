#!/usr/bin/env python3
"""Interop between rapidbyte's Arrow library and pyarrow, both directions.

(a) interop_tool writes a stream; pyarrow must read it, and its rendering of
    every value must equal the tool's own dump of the same file.
(b) pyarrow writes a stream (nulls, slices, several batches, unicode); the
    tool must read it and dump exactly pyarrow's values.
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
    "binary": "binary", "date32[day]": "date32",
}


def type_name(t):
    s = str(t)
    if s in TYPE_NAMES:
        return TYPE_NAMES[s]
    if pa.types.is_timestamp(t):
        return f"timestamp[{t.unit}, tz={t.tz}]" if t.tz else f"timestamp[{t.unit}]"
    return s  # fixed_size_binary[16], decimal128(20, 3)


def render(t, v):
    if v is None:
        return "null"
    if pa.types.is_boolean(t):
        return "true" if v else "false"
    if pa.types.is_string(t):
        return "x" + v.encode("utf-8").hex()
    if pa.types.is_binary(t) or pa.types.is_fixed_size_binary(t):
        return "x" + bytes(v).hex()
    if pa.types.is_floating(t):
        return "x" + struct.pack("<f" if t.bit_width == 32 else "<d", v).hex()
    if pa.types.is_decimal(t):
        unscaled = int(v.scaleb(t.scale))
        return "x" + unscaled.to_bytes(16, "little", signed=True).hex()
    if pa.types.is_integer(t):
        return "x" + v.to_bytes(t.bit_width // 8, "little", signed=pa.types.is_signed_integer(t)).hex()
    raise AssertionError(f"unhandled type {t}")


def as_python(col):
    if isinstance(col.type, pa.BaseExtensionType):
        col = col.storage
    t = col.type
    if pa.types.is_date32(t):
        return col.cast(pa.int32()).to_pylist(), pa.int32()
    if pa.types.is_timestamp(t):
        return col.cast(pa.int64()).to_pylist(), pa.int64()
    return col.to_pylist(), t


def pyarrow_dump(path):
    with pa.memory_map(path) as source:
        reader = pa.ipc.open_stream(source)
        schema = reader.schema
        batches = list(reader)
    lines = []
    for f in schema:
        t = f.type
        metadata = [(k.decode(), v.decode()) for k, v in (f.metadata or {}).items()]
        if isinstance(t, pa.BaseExtensionType):
            # pyarrow turns the extension keys into the type; put them back.
            t = t.storage_type
            metadata.insert(0, ("ARROW:extension:name", f.type.extension_name))
        line = f"field {f.name} {type_name(t)} {'nullable' if f.nullable else 'required'}"
        for k, v in metadata:
            line += f" {k}={v}"
        lines.append(line)
    for k, v in (schema.metadata or {}).items():
        lines.append(f"schema_metadata {k.decode()}={v.decode()}")
    for b, batch in enumerate(batches):
        batch.validate(full=True)
        lines.append(f"batch {b} rows {batch.num_rows}")
        for f, col in zip(schema, batch.columns):
            values, t = as_python(col)
            if pa.types.is_null(f.type):
                values, t = [None] * len(col), f.type
            lines.extend(f"{f.name} {r} {render(t, v)}" for r, v in enumerate(values))
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


def pyarrow_stream(path):
    words = ["", "héllo", "日本語", "😀 emoji", None, "plain"]
    n = 40
    cols = {
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
        "uuid": pa.array([None if i % 9 == 0 else bytes([i] * 16) for i in range(n)], pa.binary(16)),
        "dec": pa.array([None if i % 10 == 0 else decimal.Decimal(i * 12345 - 99999).scaleb(-3)
                         for i in range(n)], pa.decimal128(20, 3)),
    }
    schema = pa.schema(
        [pa.field(k, v.type, nullable=(k != "i64"),
                  metadata={"ARROW:extension:name": "arrow.uuid"} if k == "uuid" else None)
         for k, v in cols.items()],
        metadata={"origin": "pyarrow"})
    batch = pa.RecordBatch.from_arrays(list(cols.values()), schema=schema)
    with pa.OSFile(path, "wb") as sink:
        with pa.ipc.new_stream(sink, schema) as writer:
            writer.write_batch(batch)
            writer.write_batch(batch.slice(0, 0))
            writer.write_batch(batch.slice(3, 21))  # non-zero offsets in every buffer
            writer.write_batch(batch.slice(13))


def main():
    tool = sys.argv[1]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ours = os.path.join(tmp, "rapidbyte.arrows")
        subprocess.run([tool, "write", ours], check=True)
        ok &= compare("rapidbyte -> pyarrow", pyarrow_dump(ours), tool_dump(tool, ours))
        theirs = os.path.join(tmp, "pyarrow.arrows")
        pyarrow_stream(theirs)
        ok &= compare("pyarrow -> rapidbyte", pyarrow_dump(theirs), tool_dump(tool, theirs))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
