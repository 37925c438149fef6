#include "guest/connectors/dest-postgres/merge_statement.hpp"

#include <algorithm>

#include "guest/connectors/dest-postgres/table_columns.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

std::string select_list(const MergeStatement& statement) {
  std::string out;
  for (size_t i = 0; i < statement.columns.size(); ++i) {
    if (i) out += ", ";
    const bool replaced = i < statement.select_exprs.size() && !statement.select_exprs[i].empty();
    out += replaced ? statement.select_exprs[i]
                    : postgres_common::quote_identifier(statement.columns[i]);
  }
  return out;
}

// `"c" = EXCLUDED."c"` for each column outside the key.
std::string update_list(const MergeStatement& statement) {
  const std::vector<std::string>& keys = statement.primary_key;
  std::string out;
  for (const auto& name : statement.columns) {
    if (std::find(keys.begin(), keys.end(), name) != keys.end()) continue;
    if (!out.empty()) out += ", ";
    out += postgres_common::quote_identifier(name) + " = EXCLUDED." +
           postgres_common::quote_identifier(name);
  }
  return out;
}

}  // namespace

std::string merge_sql(const MergeStatement& statement) {
  const std::string& target = statement.target;
  const std::string& staging = statement.staging;
  const std::string selected = select_list(statement);
  const std::string seq = postgres_common::quote_identifier(kSequenceColumn);
  const std::string columns = postgres_common::quote_identifier_list(statement.columns);
  std::string sql;
  switch (statement.kind) {
    case MergeKind::kApplyChanges:
      sql = change_merge_sql(target, staging, statement.columns, selected, statement.primary_key,
                             kSequenceColumn, statement.delete_mode);
      break;
    case MergeKind::kUpsert: {
      const std::string keys = postgres_common::quote_identifier_list(statement.primary_key);
      const std::string updates = update_list(statement);
      sql = "INSERT INTO " + target + " (" + columns + ") SELECT " + selected +
            " FROM (SELECT DISTINCT ON (" + keys + ") * FROM " + staging + " ORDER BY " + keys +
            ", " + seq + " DESC) AS s ON CONFLICT (" + keys + ") DO " +
            (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
      break;
    }
    case MergeKind::kAppend:
      sql = "INSERT INTO " + target + " (" + columns + ") SELECT " + selected + " FROM " + staging +
            " ORDER BY " + seq;
      break;
  }
  return sql + "; TRUNCATE " + staging;
}

}  // namespace rapidbyte::connectors::dest_postgres
