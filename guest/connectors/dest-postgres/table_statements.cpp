#include "guest/connectors/dest-postgres/table_statements.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

constexpr const char* kReplaceSuffix = "__rb_replace";

}  // namespace

std::string add_column_sql(const std::string& relation, const std::string& name,
                           const std::string& type) {
  return "ALTER TABLE " + relation + " ADD COLUMN " + pg::quote_identifier(name) + " " + type;
}

std::string copy_in_sql(const std::string& relation, const std::vector<std::string>& columns) {
  return "COPY " + relation + " (" + pg::quote_identifier_list(columns) +
         ") FROM STDIN (FORMAT binary)";
}

std::string insert_head_sql(const std::string& relation, const std::vector<std::string>& columns) {
  return "INSERT INTO " + relation + " (" + pg::quote_identifier_list(columns) + ") VALUES ";
}

pg::TableName replace_staging_table(const pg::TableName& target) {
  return {target.schema, target.table + kReplaceSuffix};
}

std::string replace_swap_sql(const pg::TableName& target) {
  const std::string staging_name = replace_staging_table(target).table;
  return "DROP TABLE IF EXISTS " + target.quoted() + "; ALTER TABLE " +
         pg::quote_qualified(target.schema, staging_name) + " RENAME TO " +
         pg::quote_identifier(target.table) + "; ALTER INDEX IF EXISTS " +
         pg::quote_qualified(target.schema, staging_name + "_pkey") + " RENAME TO " +
         pg::quote_identifier(target.table + "_pkey");
}

}  // namespace rapidbyte::connectors::dest_postgres
