#include "guest/connectors/dest-postgres/change_applier.hpp"

#include <rapidjson/document.h>

#include <algorithm>

#include "guest/connectors/postgres-common/sql_text.hpp"
#include "portable/arrow/binary_array.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

std::vector<std::string> parse_names(std::string_view json) {
  std::vector<std::string> out;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) return out;
  for (const auto& item : doc.GetArray()) {
    if (item.IsString()) out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

std::string key_match(const std::vector<std::string>& keys, const char* left, const char* right) {
  std::string out;
  for (const auto& key : keys) {
    if (!out.empty()) out += " AND ";
    const std::string k = postgres_common::quote_identifier(key);
    out += std::string(left) + "." + k + " = " + right + "." + k;
  }
  return out;
}

}  // namespace

bool is_change_schema(const arrow::Schema& schema) {
  const int op = schema.field_index(kOpColumn);
  return op >= 0 && schema.field(op).type.id() == arrow::TypeId::kUtf8;
}

std::vector<ChangeSegment> split_changes(const arrow::RecordBatch& batch) {
  std::vector<ChangeSegment> out;
  const auto ops = arrow::StringArray::make(batch.column(batch.schema()->field_index(kOpColumn)));
  const int unchanged_index = batch.schema()->field_index(kUnchangedColumn);
  std::optional<arrow::StringArray> unchanged;
  if (unchanged_index >= 0) {
    auto made = arrow::StringArray::make(batch.column(unchanged_index));
    if (made) unchanged = *made;
  }
  auto add_row = [&](int64_t row) {
    if (out.empty() || out.back().kind != ChangeSegment::Kind::kRows) {
      out.push_back({ChangeSegment::Kind::kRows, row, 0, {}});
    }
    ++out.back().length;
  };
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    if (ops && !ops->array().is_null(row) && ops->value(row) == protocol::change::kTruncate) {
      out.push_back({ChangeSegment::Kind::kTruncate, row, 1, {}});
    } else if (unchanged && !unchanged->array().is_null(row)) {
      out.push_back(
          {ChangeSegment::Kind::kPartialUpdate, row, 1, parse_names(unchanged->value(row))});
    } else {
      add_row(row);
    }
  }
  return out;
}

std::string change_merge_sql(const std::string& target, const std::string& staging,
                             const std::vector<std::string>& columns,
                             const std::string& select_list, const std::vector<std::string>& keys,
                             const std::string& sequence_column, DeleteMode mode) {
  const std::string key_list = postgres_common::quote_identifier_list(keys);
  const std::string op = postgres_common::quote_identifier(kOpColumn);
  const std::string deleted = postgres_common::quote_literal(protocol::change::kDelete);
  std::string updates;
  for (const auto& name : columns) {
    if (std::find(keys.begin(), keys.end(), name) != keys.end()) continue;
    if (!updates.empty()) updates += ", ";
    updates += postgres_common::quote_identifier(name) + " = EXCLUDED." +
               postgres_common::quote_identifier(name);
  }
  std::string deletes;
  if (mode == DeleteMode::kHard) {
    deletes = "DELETE FROM " + target + " AS t USING s WHERE s." + op + " = " + deleted + " AND " +
              key_match(keys, "t", "s");
  } else {
    std::string marks;
    for (const char* meta : {kOpColumn, kLsnColumn, kCommitTsColumn}) {
      if (std::find(columns.begin(), columns.end(), meta) == columns.end()) continue;
      if (!marks.empty()) marks += ", ";
      marks += postgres_common::quote_identifier(meta) + " = s." +
               postgres_common::quote_identifier(meta);
    }
    deletes = "UPDATE " + target + " AS t SET " + marks + " FROM s WHERE s." + op + " = " +
              deleted + " AND " + key_match(keys, "t", "s");
  }
  // Both statements see the same snapshot and touch disjoint keys: a key's
  // last change is either a delete or not.
  return "WITH s AS (SELECT DISTINCT ON (" + key_list + ") * FROM " + staging + " ORDER BY " +
         key_list + ", " + postgres_common::quote_identifier(sequence_column) + " DESC), d AS (" +
         deletes + ") INSERT INTO " + target + " (" +
         postgres_common::quote_identifier_list(columns) + ") SELECT " + select_list +
         " FROM s WHERE s." + op + " <> " + deleted + " ON CONFLICT (" + key_list + ") DO " +
         (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
}

std::string truncate_sql(const std::string& target, DeleteMode mode) {
  if (mode == DeleteMode::kHard) return "DELETE FROM " + target;
  return "UPDATE " + target + " SET " + postgres_common::quote_identifier(kOpColumn) + " = " +
         postgres_common::quote_literal(protocol::change::kDelete);
}

}  // namespace rapidbyte::connectors::dest_postgres
