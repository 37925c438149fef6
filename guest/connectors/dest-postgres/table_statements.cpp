#include "guest/connectors/dest-postgres/table_statements.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

constexpr const char* kReplaceSuffix = "__rb_replace";
constexpr const char* kAppendSuffix = "__rb_append";
constexpr const char* kLedgerSuffix = "__rb_slices";

}  // namespace

std::string add_column_sql(const std::string& relation, const std::string& name,
                           const std::string& type) {
  return "ALTER TABLE " + relation + " ADD COLUMN IF NOT EXISTS " +
         postgres_common::quote_identifier(name) + " " + type;
}

std::string copy_in_sql(const std::string& relation, const std::vector<std::string>& columns) {
  return "COPY " + relation + " (" + postgres_common::quote_identifier_list(columns) +
         ") FROM STDIN (FORMAT binary)";
}

std::string insert_head_sql(const std::string& relation, const std::vector<std::string>& columns) {
  return "INSERT INTO " + relation + " (" + postgres_common::quote_identifier_list(columns) +
         ") VALUES ";
}

postgres_common::TableName replace_staging_table(const postgres_common::TableName& target) {
  return {target.schema, target.table + kReplaceSuffix};
}

postgres_common::TableName append_staging_table(const postgres_common::TableName& target) {
  return {target.schema, target.table + kAppendSuffix};
}

postgres_common::TableName slice_ledger_table(const postgres_common::TableName& target) {
  return {target.schema, target.table + kLedgerSuffix};
}

std::string replace_swap_sql(const postgres_common::TableName& target) {
  const std::string staging_name = replace_staging_table(target).table;
  return "DROP TABLE IF EXISTS " + target.quoted() + "; ALTER TABLE " +
         postgres_common::quote_qualified(target.schema, staging_name) + " RENAME TO " +
         postgres_common::quote_identifier(target.table) + "; ALTER INDEX IF EXISTS " +
         postgres_common::quote_qualified(target.schema, staging_name + "_pkey") + " RENAME TO " +
         postgres_common::quote_identifier(target.table + "_pkey");
}

}  // namespace rapidbyte::connectors::dest_postgres
