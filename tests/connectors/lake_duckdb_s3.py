"""What DuckDB's httpfs extension sees of a stream that rapidbyte's dest-file
wrote to a bucket. Runs in the Python environment setup.sh prepares for it
(DuckDB with the httpfs extension from PyPI: DUCKDB_EXTENSIONS_VERSION), against
the server of S3_ENDPOINT (http[s]://host:port) with AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY.

  text BUCKET/PREFIX COLUMN...
        the stream's rows (the generation its _manifest.json names, when it
        has one), one line per row in id order: "id|col1|col2", NULL for a
        null, each value as DuckDB casts it to VARCHAR.
"""
import json
import os
import sys

import duckdb
import duckdb_extension_httpfs


def connect():
    # The extension the PyPI package carries; DuckDB checks its signature.
    extension = os.path.join(os.path.dirname(duckdb_extension_httpfs.__file__), "extensions",
                             f"v{duckdb.__version__}", "httpfs.duckdb_extension")
    con = duckdb.connect()
    con.execute(f"LOAD '{extension}'")
    scheme, address = os.environ["S3_ENDPOINT"].split("://")
    con.execute(
        "CREATE SECRET lake (TYPE s3, KEY_ID ?, SECRET ?, ENDPOINT ?, URL_STYLE 'path', "
        "USE_SSL ?, REGION 'us-east-1')",
        [os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], address,
         scheme == "https"])
    return con


def stream_url(con, prefix):
    url = f"s3://{prefix}"
    manifest = url + "/_manifest.json"
    # A glob lists the bucket (a plain path would be taken as existing).
    if con.execute("SELECT count(*) FROM glob(?)", [url + "/_manifest.jso[n]"]).fetchone()[0]:
        content = con.execute("SELECT content FROM read_text(?)", [manifest]).fetchone()[0]
        url += "/" + json.loads(content)["generation"]
    return url


def text(prefix, columns):
    con = connect()
    casts = ", ".join(f"coalesce(\"{c}\"::VARCHAR, 'NULL')" for c in columns)
    rows = con.execute(
        f"SELECT id, {casts} FROM read_parquet(?, hive_partitioning = true) ORDER BY id",
        [stream_url(con, prefix) + "/**/*.parquet"]).fetchall()
    for row in rows:
        print("|".join(str(v) for v in row))


def main():
    command, prefix = sys.argv[1], sys.argv[2]
    if command == "text":
        text(prefix, sys.argv[3:])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
