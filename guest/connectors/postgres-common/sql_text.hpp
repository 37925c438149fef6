// SQL text building blocks: identifiers and literals are always quoted here,
// never spliced raw, so names with quotes, semicolons or capitals are safe.
//
// Plain functions over values; the returned strings are owned by the
// caller.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "portable/postgres/sql_quote.hpp"

namespace rapidbyte::connectors::postgres_common {

using postgres::quote_identifier;  // portable/postgres/sql_quote.hpp
using postgres::quote_literal;

// "schema"."table".
std::string quote_qualified(std::string_view schema, std::string_view table);

// `"a", "b", "c"`.
std::string quote_identifier_list(const std::vector<std::string>& names);

// A stream name split into schema and table: "schema.table" or "table"
// (in `default_schema`). A name made of quoted parts ("a.b"."c") is split
// at the first dot outside double quotes and unquoted.
struct TableName {
  std::string schema;
  std::string table;

  std::string quoted() const { return quote_qualified(schema, table); }
  // "schema.table", or "table" when schema is "public".
  std::string stream_name() const;
};
TableName parse_table_name(std::string_view stream, std::string_view default_schema = "public");

}  // namespace rapidbyte::connectors::postgres_common
