#include "guest/connectors/dest-postgres/table_columns.hpp"

#include <algorithm>
#include <cstdlib>

#include "guest/connectors/dest-postgres/type_mapping.hpp"
#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "guest/connectors/postgres-common/simple_query.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_postgres {

sdk::Result<void> exec_sql(postgres::Connection& connection, std::string_view sql,
                           std::string_view context) {
  RB_TRY(postgres_common::run_sql(connection, sql, context));
  return {};
}

sdk::Result<void> lock_table_name(postgres::Connection& connection,
                                  const postgres_common::TableName& target) {
  auto locked = exec_sql(connection,
                         "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(" +
                             postgres_common::quote_literal(target.quoted()) + "))",
                         "cannot lock the name of " + target.quoted());
  if (!locked && locked.error().code == "PG_55P03") {
    locked.error().message +=
        " (another session held it longer than lock_timeout_ms: an attempt at this stream that "
        "is frozen or still running, or another pipeline writing " +
        target.quoted() + ")";
  }
  return locked;
}

sdk::Result<void> commit_transaction(postgres::Connection& connection) {
  auto committed = exec_sql(connection, "COMMIT", "cannot commit");
  if (committed) return {};
  // The server may have committed before the connection failed.
  auto error = std::move(committed).error();
  error.commit_state = protocol::CommitState::kAfterCommitUnknown;
  return std::unexpected(std::move(error));
}

sdk::Result<std::optional<std::vector<TableColumn>>> load_table_columns(
    postgres::Connection& connection, const std::string& quoted_relation) {
  const std::string literal = postgres_common::quote_literal(quoted_relation);
  auto result = connection.simple_query(
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
      "CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END::int8, "
      "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, a.attnotnull::text "
      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "WHERE a.attrelid = to_regclass(" +
      literal +
      ") AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum; "
      "SELECT to_regclass(" +
      literal + ") IS NOT NULL");
  if (!result)
    return postgres_common::fail_with(result.error(),
                                      "cannot read the columns of " + quoted_relation);
  if (result->size() < 2 || result->at(1).rows.empty() || !result->at(1).rows[0][0] ||
      *result->at(1).rows[0][0] != "t") {
    return std::nullopt;
  }
  std::vector<TableColumn> columns;
  for (const auto& row : result->front().rows) {
    TableColumn c;
    c.name = row[0].value_or("");
    c.type_name = row[1].value_or("");
    c.type.type_oid =
        static_cast<uint32_t>(std::strtoul(row[2].value_or("0").c_str(), nullptr, 10));
    c.type.type_modifier =
        static_cast<int32_t>(std::strtol(row[3].value_or("-1").c_str(), nullptr, 10));
    c.not_null = row[4].value_or("") == "true";
    columns.push_back(std::move(c));
  }
  return columns;
}

sdk::Result<std::string> create_table_sql(const std::string& quoted_relation,
                                          const arrow::Schema& schema,
                                          const std::vector<std::string>& primary_key,
                                          bool temporary, bool with_sequence) {
  std::string sql = temporary ? "CREATE TEMP TABLE " : "CREATE TABLE ";
  sql += quoted_relation + " (";
  for (int i = 0; i < schema.num_fields(); ++i) {
    const arrow::Field& field = schema.field(i);
    RB_ASSIGN_OR_RETURN(auto type, postgres_type_for(field));
    if (i) sql += ", ";
    sql += postgres_common::quote_identifier(field.name) + " " + type;
    const bool key =
        std::find(primary_key.begin(), primary_key.end(), field.name) != primary_key.end();
    if (!field.nullable && !key && !temporary) sql += " NOT NULL";
  }
  if (!primary_key.empty()) {
    for (const auto& key : primary_key) {
      if (schema.field_index(key) < 0) {
        return sdk::schema_error("primary key column '" + key + "' is not in the stream",
                                 "UNKNOWN_COLUMN");
      }
    }
    if (!temporary)
      sql += ", PRIMARY KEY (" + postgres_common::quote_identifier_list(primary_key) + ")";
  }
  if (with_sequence)
    sql += std::string(", ") + postgres_common::quote_identifier(kSequenceColumn) + " bigserial";
  sql += ")";
  return sql;
}

}  // namespace rapidbyte::connectors::dest_postgres
