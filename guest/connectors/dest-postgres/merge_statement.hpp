// The statement that moves a staged batch from the staging table into the
// target table, then empties the staging table:
//
//   append          INSERT INTO t (cols) SELECT <select list> FROM stage
//                   ORDER BY __rb_seq
//   upsert          INSERT INTO t (cols) SELECT <select list> FROM (SELECT
//                   DISTINCT ON (key) * FROM stage ORDER BY key, __rb_seq
//                   DESC) AS s ON CONFLICT (key) DO UPDATE SET ... (DO
//                   NOTHING when every column is a key column)
//   apply changes   change_merge_sql() (change_applier.hpp)
//
// each followed by "; TRUNCATE stage". The select list takes each column
// as it is, or the expression that replaces it (a cast or a typed NULL,
// reconcile_plan.hpp). Pure: names are quoted here, no host calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "guest/connectors/dest-postgres/change_applier.hpp"

namespace rapidbyte::connectors::dest_postgres {

enum class MergeKind : uint8_t {
  kAppend,        // every staged row, in arrival order
  kUpsert,        // the last staged row of each key wins
  kApplyChanges,  // the last change of each key (a change batch's upsert)
};

struct MergeStatement {
  MergeKind kind = MergeKind::kAppend;
  std::string target;                // quoted
  std::string staging;               // quoted
  std::vector<std::string> columns;  // the written columns, unquoted
  // Per column, what is selected in its place: empty (or absent) for the
  // column itself, else an SQL expression over the staging table.
  std::vector<std::string> select_exprs;
  std::vector<std::string> primary_key;        // kUpsert, kApplyChanges; unquoted
  DeleteMode delete_mode = DeleteMode::kHard;  // kApplyChanges
};

// The SQL text of `statement` (several statements, run as one simple query).
std::string merge_sql(const MergeStatement& statement);

}  // namespace rapidbyte::connectors::dest_postgres
