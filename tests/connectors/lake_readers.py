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
"""
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


def write_dataset(directory):
    n = 1000
    table = pa.table({
        "id": pa.array(range(n), pa.int64()),
        "amount": pa.array([None if i % 7 == 0 else i * 1.5 for i in range(n)], pa.float64()),
        "label": pa.array([f"label-{i % 13}" for i in range(n)], pa.string()),
        "region": pa.array([["eu", "us", "ap"][i % 3] for i in range(n)], pa.string()),
    })
    ds.write_dataset(table, directory, format="parquet", partitioning=["region"],
                     partitioning_flavor="hive",
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
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
