"""What other engines see in a directory of Parquet files that rapidbyte's
dest-file wrote, and files they write for rapidbyte's source-file to read.
Run by tests/connectors/file_connectors_test.cpp; every command prints
plain lines the test compares exactly.

  types DIR             pyarrow's dataset of DIR (hive partitions): one line
                        "name: type" per column, then "rows: N"; then
                        "duckdb rows: N" from DuckDB's read_parquet.
  text DIR COLUMN...    DuckDB's text of each column, row by row in id order
                        ("id|col1|col2"; NULL for a null).
  write-dataset DIR     writes, with pyarrow, a dataset of 1000 rows
                        partitioned by region (hive), zstd, dictionaries and
                        data pages v2, then prints its sums.
  s3-write-dataset BUCKET/PREFIX
                        the same dataset written by pyarrow's S3 file system
                        to the server of S3_ENDPOINT (http://host:port) with
                        AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
  s3-types BUCKET/PREFIX
                        pyarrow's dataset of the stream at BUCKET/PREFIX on
                        that server (the generation its _manifest.json names,
                        when it has one): "name: type" per column, then
                        "rows: N".
  s3-write-file BUCKET/KEY FIRST COUNT
                        one Parquet object of ids FIRST.. (COUNT rows, a
                        label each), written the same way.
"""
import os
import sys

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq


def files_of(directory):
    return ds.dataset(directory, format="parquet", partitioning="hive")


def types(directory):
    table = files_of(directory).to_table()
    for field in table.schema:
        print(f"{field.name}: {field.type}")
    print(f"rows: {table.num_rows}")
    import duckdb
    count = duckdb.connect().execute(
        "SELECT count(*) FROM read_parquet(?)", [directory + "/**/*.parquet"]).fetchone()[0]
    print(f"duckdb rows: {count}")


def text(directory, columns):
    import duckdb
    casts = ", ".join(f"coalesce(\"{c}\"::VARCHAR, 'NULL')" for c in columns)
    rows = duckdb.connect().execute(
        f"SELECT id, {casts} FROM read_parquet(?) ORDER BY id",
        [directory + "/**/*.parquet"]).fetchall()
    for row in rows:
        print("|".join(str(v) for v in row))


def measures(n):
    return pa.table({
        "id": pa.array(range(n), pa.int64()),
        "amount": pa.array([None if i % 7 == 0 else i * 1.5 for i in range(n)], pa.float64()),
        "label": pa.array([f"label-{i % 13}" for i in range(n)], pa.string()),
        "region": pa.array([["eu", "us", "ap"][i % 3] for i in range(n)], pa.string()),
    })


def s3_file_system():
    # The AWS SDK's default request checksums (trailers on chunked uploads)
    # are refused now and then by the test server (versitygw 1.8.0); the
    # SDK sends them only where S3 requires them with this.
    os.environ.setdefault("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED")
    from pyarrow import fs
    scheme, address = os.environ["S3_ENDPOINT"].split("://")
    return fs.S3FileSystem(access_key=os.environ["AWS_ACCESS_KEY_ID"],
                           secret_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                           endpoint_override=address, scheme=scheme, region="us-east-1")


def write_dataset(directory, filesystem=None):
    n = 1000
    ds.write_dataset(measures(n), directory, format="parquet", partitioning=["region"],
                     partitioning_flavor="hive", filesystem=filesystem,
                     file_options=ds.ParquetFileFormat().make_write_options(
                         compression="zstd", data_page_version="2.0", use_dictionary=True))
    print(f"rows: {n}")
    print(f"sum(id): {sum(range(n))}")
    print(f"sum(amount): {sum(i * 1.5 for i in range(n) if i % 7 != 0)}")


def main():
    command, directory = sys.argv[1], sys.argv[2]
    if command == "types":
        types(directory)
    elif command == "text":
        text(directory, sys.argv[3:])
    elif command == "write-dataset":
        write_dataset(directory)
    elif command == "s3-write-dataset":
        write_dataset(directory, s3_file_system())
    elif command == "s3-types":
        import json
        filesystem = s3_file_system()
        manifest = directory + "/_manifest.json"
        if filesystem.get_file_info(manifest).type.name == "File":
            with filesystem.open_input_stream(manifest) as stream:
                directory += "/" + json.loads(stream.read())["generation"]
        table = ds.dataset(directory, format="parquet", partitioning="hive",
                           filesystem=filesystem).to_table()
        for field in table.schema:
            print(f"{field.name}: {field.type}")
        print(f"rows: {table.num_rows}")
    elif command == "s3-write-file":
        first, count = int(sys.argv[3]), int(sys.argv[4])
        table = pa.table({
            "id": pa.array(range(first, first + count), pa.int64()),
            "label": pa.array([f"label-{i}" for i in range(first, first + count)], pa.string()),
        })
        pq.write_table(table, directory, filesystem=s3_file_system())
        print(f"rows: {count}")
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
