#include "guest/connectors/source-postgres/table_catalog.hpp"

#include <algorithm>
#include <cstdlib>

#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/type_oids.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

uint32_t to_u32(const std::optional<std::string>& text) {
  return text ? static_cast<uint32_t>(std::strtoul(text->c_str(), nullptr, 10)) : 0;
}
int32_t to_i32(const std::optional<std::string>& text) {
  return text ? static_cast<int32_t>(std::strtol(text->c_str(), nullptr, 10)) : -1;
}
const std::string& str(const std::optional<std::string>& text) {
  static const std::string kEmpty;
  return text ? *text : kEmpty;
}

std::string schema_filter(const std::vector<std::string>& schemas,
                          const std::optional<postgres_common::TableName>& only) {
  std::string where;
  if (only) {
    where = "n.nspname = " + postgres_common::quote_literal(only->schema) +
            " AND c.relname = " + postgres_common::quote_literal(only->table);
  } else {
    where = "n.nspname IN (";
    for (size_t i = 0; i < schemas.size(); ++i) {
      where += (i ? ", " : "") + postgres_common::quote_literal(schemas[i]);
    }
    where += ")";
  }
  return where;
}

}  // namespace

const ColumnInfo* TableInfo::column(std::string_view name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const TableInfo* TableCatalog::find(const postgres_common::TableName& name) const {
  for (const auto& t : tables) {
    if (t.name.schema == name.schema && t.name.table == name.table) return &t;
  }
  return nullptr;
}

sdk::Result<TableCatalog> load_table_catalog(
    postgres::Connection& connection, const std::vector<std::string>& schemas,
    const std::optional<postgres_common::TableName>& only) {
  const std::string where = schema_filter(schemas, only);
  const std::string columns_sql =
      "SELECT n.nspname, c.relname, c.relkind::text, "
      "has_table_privilege(c.oid, 'SELECT')::text, a.attname, "
      "format_type(a.atttypid, a.atttypmod), a.atttypid::int8, a.atttypmod, "
      "a.attnotnull::text, t.typtype::text, t.typbasetype::int8, t.typtypmod, "
      "(tn.nspname = 'pg_catalog')::text, t.typcategory::text, t.typelem::int8, "
      "coalesce(et.typtype::text, ''), c.relhassubclass::text, "
      "(c.relreplident = 'f' OR (c.relreplident IN ('d', 'i') AND EXISTS (SELECT 1 FROM "
      "pg_catalog.pg_index ri WHERE ri.indrelid = c.oid AND CASE c.relreplident WHEN 'd' THEN "
      "ri.indisprimary ELSE ri.indisreplident END)))::text "
      "FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
      "AND NOT a.attisdropped "
      "LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace "
      "LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' "
      "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND " +
      where + " ORDER BY n.nspname, c.relname, a.attnum";
  auto columns = run_sql(connection, columns_sql, "cannot read the table catalog");
  if (!columns) return std::unexpected(columns.error());

  TableCatalog catalog;
  for (const auto& row : columns->front().rows) {
    if (catalog.tables.empty() || catalog.tables.back().name.schema != str(row[0]) ||
        catalog.tables.back().name.table != str(row[1])) {
      TableInfo table;
      table.name = {str(row[0]), str(row[1])};
      table.kind = str(row[2]).empty() ? 'r' : str(row[2])[0];
      table.can_select = str(row[3]) == "true";
      table.has_children = str(row[16]) == "true";
      table.identifies_rows = str(row[17]) == "true";
      catalog.tables.push_back(std::move(table));
    }
    if (!row[4]) continue;  // a relation without columns
    ColumnInfo column;
    column.name = str(row[4]);
    column.type_name = str(row[5]);
    column.type = {to_u32(row[6]), to_i32(row[7])};
    column.not_null = str(row[8]) == "true";
    const std::string& typtype = str(row[9]);
    column.builtin_type = str(row[12]) == "true" && typtype == "b";
    if (typtype == "d") {
      // COPY sends a domain's value in its base type's format.
      column.type = {to_u32(row[10]), to_i32(row[11])};
    } else if (typtype == "e") {
      catalog.codec_options.enum_oids.push_back(column.type.type_oid);
    } else if (str(row[13]) == "A" && str(row[15]) == "e") {
      const uint32_t element = to_u32(row[14]);
      catalog.codec_options.enum_oids.push_back(element);
      catalog.codec_options.array_types.emplace_back(column.type.type_oid, element);
    }
    catalog.tables.back().columns.push_back(std::move(column));
  }
  // Types without a binary codec are read as their text form.
  for (auto& table : catalog.tables) {
    for (auto& column : table.columns) {
      if (!postgres::make_codec(column.type, catalog.codec_options)) {
        column.needs_text_cast = true;
        column.type = {postgres::oid::kText, -1};
      }
    }
  }

  const std::string keys_sql =
      "SELECT n.nspname, c.relname, a.attname "
      "FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
      "WHERE i.indisprimary AND " +
      where + " ORDER BY n.nspname, c.relname, array_position(i.indkey::int2[], a.attnum)";
  auto keys = run_sql(connection, keys_sql, "cannot read primary keys");
  if (!keys) return std::unexpected(keys.error());
  for (const auto& row : keys->front().rows) {
    for (auto& table : catalog.tables) {
      if (table.name.schema == str(row[0]) && table.name.table == str(row[1])) {
        table.primary_key.push_back(str(row[2]));
      }
    }
  }
  return catalog;
}

sdk::Result<TableCatalog> stream_catalog(postgres::Connection& connection,
                                         const protocol::StreamContext& stream) {
  const postgres_common::TableName name = postgres_common::parse_table_name(stream.stream_name);
  auto catalog = load_table_catalog(connection, {}, name);
  if (!catalog) return std::unexpected(catalog.error());
  if (!catalog->find(name)) {
    return sdk::schema_error(
        "stream '" + stream.stream_name + "': table " + name.quoted() + " does not exist",
        "TABLE_NOT_FOUND");
  }
  return catalog;
}

}  // namespace rapidbyte::connectors::source_postgres
