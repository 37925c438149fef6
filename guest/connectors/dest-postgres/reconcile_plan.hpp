// The reconcile plan of a batch's schema against an existing table: for
// each field of the batch, whether it is written as it is, added to the
// table first, ignored, cast to the table's type or written as a typed
// NULL, under the stream's schema_evolution policies. A policy that refuses
// a difference fails the plan with the error the stream fails with.
//
// Planning is pure: it reads the table's columns as already loaded
// (table_columns.hpp) and makes no host calls, so the writer
// (table_writer.hpp) runs the plan's DDL itself and the rules are testable
// without a server. An added column's type is the one the server gives it,
// so its type and nullability are checked only by a plan made again over
// the altered table. Plain functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/dest-postgres/table_columns.hpp"
#include "guest/sdk/error.hpp"
#include "portable/arrow/schema.hpp"
#include "portable/postgres/codec/value_codec.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::dest_postgres {

// What a plan is made for: the stream, its table and its policies.
struct ReconcileRules {
  std::string stream_name;
  std::string target;  // the table, quoted
  protocol::WriteMode mode = protocol::WriteMode::kAppend;
  protocol::SchemaEvolutionPolicy evolution;
};

enum class ColumnAction : uint8_t {
  kWrite,   // written as it is
  kAdd,     // missing from the table: added (new_column add), then written
  kIgnore,  // not written: new_column ignore, or a change batch's _rb_unchanged
  kCast,    // staged with the stream's type, cast to the table's (type_change coerce)
  kNull,    // written as a typed NULL (type_change null)
};

// The plan for one field of the batch.
struct ColumnDecision {
  ColumnAction action = ColumnAction::kWrite;
  int input_index = 0;          // the field's index in the batch's schema
  std::string name;             // the field's name
  std::string add_type;         // kAdd: the type the column is added with
  std::string select_expr;      // kCast, kNull: what the merge selects instead of the column
  postgres::PgColumnType type;  // kWrite, kCast, kNull: the table column's type
};

struct ReconcilePlan {
  std::vector<ColumnDecision> columns;  // one per field of the batch, in order
  std::vector<std::string> warnings;    // to log before writing (type_change null)

  // Whether some column is to be added to the table.
  bool adds_columns() const;
  // Whether some column is cast or nulled, so rows go through a staging table.
  bool stages_types() const;
};

// Plans `schema` against the table's `columns`. The error of the first field
// (in schema order) that a policy refuses: NEW_COLUMN, TYPE_CHANGE or
// NULLABILITY_CHANGE, or UNSUPPORTED_TYPE for a column to add whose Arrow
// type has no PostgreSQL type.
sdk::Result<ReconcilePlan> plan_reconcile(const std::vector<TableColumn>& columns,
                                          const arrow::Schema& schema, const ReconcileRules& rules);

// removed_column fail: REMOVED_COLUMN for the first column of the table
// that `schema` lacks. removed_column ignore: always succeeds.
sdk::Result<void> check_removed_columns(const std::vector<TableColumn>& columns,
                                        const arrow::Schema& schema, const ReconcileRules& rules);

// Every problem a write of `schema` would meet at a target whose columns are
// `columns` (nullopt: no table yet), not only the first: for a table to be
// created (or replaced), each field without a PostgreSQL type
// (UNSUPPORTED_TYPE); for an existing one, each field plan_reconcile would
// refuse, then each column check_removed_columns would. What a dry run
// (`rapidbyte check`) reports.
std::vector<protocol::ConnectorError> target_problems(
    const std::optional<std::vector<TableColumn>>& columns, const arrow::Schema& schema,
    const ReconcileRules& rules);

}  // namespace rapidbyte::connectors::dest_postgres
