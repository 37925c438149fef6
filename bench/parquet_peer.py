"""The peers of bench/parquet_bench.sh, each one command:

  pg-to-parquet URI TABLE FILE   ConnectorX reads the table into Arrow,
                                 pyarrow writes it as Parquet (zstd).
  parquet-to-csv GLOB            DuckDB reads the Parquet files and writes
                                 them to stdout as CSV with a header, for
                                 psql's COPY FROM STDIN.
"""
import sys


def pg_to_parquet(uri, table, path):
    import connectorx
    import pyarrow.parquet as pq
    data = connectorx.read_sql(uri, f"SELECT * FROM {table}", return_type="arrow")
    pq.write_table(data, path, compression="zstd")


def parquet_to_csv(pattern):
    import duckdb
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_parquet('{pattern}')) TO '/dev/stdout' (FORMAT csv, HEADER)")


def main():
    if sys.argv[1] == "pg-to-parquet":
        pg_to_parquet(*sys.argv[2:5])
    elif sys.argv[1] == "parquet-to-csv":
        parquet_to_csv(sys.argv[2])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")


if __name__ == "__main__":
    main()
