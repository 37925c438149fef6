#!/usr/bin/env python3
"""pyarrow's half of bench/arrow_ipc_bench: reads the stream the benchmark
wrote (so both sides use the same table), then times pyarrow's own IPC
encode (write to an in-memory stream) and decode (read back, plus full
validation, which rapidbyte's reader always does) over the same bytes.
Prints one line: encode_seconds decode_seconds decode_validate_seconds bytes."""
import sys
import time

import pyarrow as pa


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    path, repeat = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as f:
        data = pa.py_buffer(f.read())
    table = pa.ipc.open_stream(data).read_all()

    def encode():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        return sink.getvalue()

    encoded = encode()

    def decode():
        return pa.ipc.open_stream(encoded).read_all()

    def decode_validate():
        decode().validate(full=True)

    print(best(encode, repeat), best(decode, repeat), best(decode_validate, repeat), encoded.size)


if __name__ == "__main__":
    main()
