"""The peers of bench/parquet_bench.sh, each one command:

  pg-to-parquet URI TABLE FILE   ConnectorX reads the table into Arrow,
                                 pyarrow writes it as Parquet (zstd).
  duckdb-pg-to-parquet DSN TABLE FILE
                                 DuckDB's COPY (SELECT * FROM
                                 postgres_scan(DSN, 'public', TABLE)) TO
                                 FILE (Parquet, zstd); run with the Python
                                 of DuckDB's extensions (DUCKDB_EXTENSIONS_PREFIX).
  parquet-to-csv GLOB            DuckDB reads the Parquet files and writes
                                 them to stdout as CSV with a header, for
                                 psql's COPY FROM STDIN.
  s3-bucket NAME                 creates bucket NAME on the S3 server of
                                 S3_ENDPOINT (AWS_ACCESS_KEY_ID and
                                 AWS_SECRET_ACCESS_KEY sign).
  pg-to-s3 URI TABLE BUCKET/KEY  ConnectorX reads the table, pyarrow's S3
                                 file system writes it as Parquet (zstd) to
                                 that server.
"""
import os
import sys


def s3_file_system():
    # The AWS SDK's default request checksums (trailers on chunked uploads)
    # are refused now and then by the test server (versitygw 1.8.0); the
    # SDK sends them only where S3 requires them with this.
    os.environ.setdefault("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED")
    from pyarrow import fs
    scheme, address = os.environ["S3_ENDPOINT"].split("://")
    return fs.S3FileSystem(access_key=os.environ["AWS_ACCESS_KEY_ID"],
                           secret_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                           endpoint_override=address, scheme=scheme, region="us-east-1",
                           allow_bucket_creation=True)


def pg_to_parquet(uri, table, path, filesystem=None):
    import connectorx
    import pyarrow.parquet as pq
    data = connectorx.read_sql(uri, f"SELECT * FROM {table}", return_type="arrow")
    pq.write_table(data, path, compression="zstd", filesystem=filesystem)


def duckdb_pg_to_parquet(dsn, table, path):
    import duckdb
    import duckdb_extension_postgres_scanner
    # The extension the PyPI package carries; DuckDB checks its signature.
    extension = os.path.join(os.path.dirname(duckdb_extension_postgres_scanner.__file__),
                             "extensions", f"v{duckdb.__version__}",
                             "postgres_scanner.duckdb_extension")
    con = duckdb.connect()
    con.execute(f"LOAD '{extension}'")
    def quoted(text):
        return "'" + text.replace("'", "''") + "'"
    con.execute(f"COPY (SELECT * FROM postgres_scan({quoted(dsn)}, 'public', {quoted(table)})) "
                f"TO {quoted(path)} (FORMAT parquet, COMPRESSION zstd)")


def parquet_to_csv(pattern):
    import duckdb
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_parquet('{pattern}')) TO '/dev/stdout' (FORMAT csv, HEADER)")


def main():
    if sys.argv[1] == "pg-to-parquet":
        pg_to_parquet(*sys.argv[2:5])
    elif sys.argv[1] == "duckdb-pg-to-parquet":
        duckdb_pg_to_parquet(*sys.argv[2:5])
    elif sys.argv[1] == "s3-bucket":
        s3_file_system().create_dir(sys.argv[2])
    elif sys.argv[1] == "pg-to-s3":
        pg_to_parquet(*sys.argv[2:5], filesystem=s3_file_system())
    elif sys.argv[1] == "parquet-to-csv":
        parquet_to_csv(sys.argv[2])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")


if __name__ == "__main__":
    main()
