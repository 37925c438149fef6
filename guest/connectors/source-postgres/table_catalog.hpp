// TableCatalog: the tables and views of the configured schemas as the
// server's catalog describes them — columns with their PostgreSQL types
// (domains resolved to their base type, enums registered with the codecs),
// nullability, primary keys and the SELECT privilege of the session user.
//
// Loaded once per call with one query for the columns and one for the
// primary keys; the result is a plain value owned by the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/postgres-common/simple_query.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/sdk/error.hpp"
#include "portable/postgres/codec/value_codec.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::source_postgres {

struct ColumnInfo {
  std::string name;
  std::string type_name;        // format_type(): "character varying(20)", "integer[]"
  postgres::PgColumnType type;  // what COPY binary sends (domains resolved)
  bool not_null = false;
  bool builtin_type = false;     // a pg_catalog type another server has too
  bool needs_text_cast = false;  // no binary codec: read as `col::text`
};

struct TableInfo {
  postgres_common::TableName name;
  char kind = 'r';  // pg_class.relkind: r, p, v, m, f
  bool can_select = false;
  // Has (or had) inheritance children, whose rows a SELECT of it includes.
  bool has_children = false;
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;
  // Its replica identity names the rows of updates and deletes (FULL, or a
  // primary key or identity index): logical replication can stream it.
  bool identifies_rows = false;

  // REQUIRES: nothing; nullptr when there is no such column.
  const ColumnInfo* column(std::string_view name) const;
};

struct TableCatalog {
  std::vector<TableInfo> tables;
  postgres::CodecOptions codec_options;  // enums and arrays of enums

  const TableInfo* find(const postgres_common::TableName& name) const;
};

// Loads the tables of `schemas`, or only `only` when given.
sdk::Result<TableCatalog> load_table_catalog(
    postgres::Connection& connection, const std::vector<std::string>& schemas,
    const std::optional<postgres_common::TableName>& only = {});

// The catalog holding the table of `stream` (find() it by the stream's
// name); a schema error TABLE_NOT_FOUND when there is no such table.
sdk::Result<TableCatalog> stream_catalog(postgres::Connection& connection,
                                         const protocol::StreamContext& stream);

// The source's queries use the shared helpers (simple_query.hpp).
using postgres_common::run_sql;
using postgres_common::single_value;

}  // namespace rapidbyte::connectors::source_postgres
