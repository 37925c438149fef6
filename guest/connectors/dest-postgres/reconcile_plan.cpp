#include "guest/connectors/dest-postgres/reconcile_plan.hpp"

#include <algorithm>

#include "guest/connectors/dest-postgres/change_applier.hpp"
#include "guest/connectors/dest-postgres/type_mapping.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

const TableColumn* find_column(const std::vector<TableColumn>& columns, const std::string& name) {
  auto it = std::find_if(columns.begin(), columns.end(),
                         [&](const TableColumn& c) { return c.name == name; });
  return it == columns.end() ? nullptr : &*it;
}

// Whether the column's binary format decodes to the field's Arrow type, so
// the stream's values go in without a cast.
bool takes_field_type(const TableColumn& column, const arrow::Field& field) {
  auto codec = postgres::make_codec(column.type);
  return codec && (*codec)->field(field.name).type == field.type;
}

// A field the table lacks, by the new_column policy.
sdk::Result<void> plan_new_column(const arrow::Field& field, const ReconcileRules& rules,
                                  ColumnDecision& decision) {
  switch (rules.evolution.new_column) {
    case protocol::NewColumnPolicy::kIgnore:
      decision.action = ColumnAction::kIgnore;
      break;
    case protocol::NewColumnPolicy::kFail:
      return sdk::schema_error("stream '" + rules.stream_name + "' has a new column '" +
                                   field.name + "' that " + rules.target +
                                   " lacks, and schema_evolution.new_column is fail",
                               "NEW_COLUMN");
    case protocol::NewColumnPolicy::kAdd: {
      RB_ASSIGN_OR_RETURN(decision.add_type, postgres_type_for(field));
      decision.action = ColumnAction::kAdd;
      break;
    }
  }
  return {};
}

// A field whose column has another type, by the type_change policy.
sdk::Result<void> plan_type_change(const TableColumn& column, const arrow::Field& field,
                                   const ReconcileRules& rules, ColumnDecision& decision,
                                   std::vector<std::string>& warnings) {
  const std::string change = "column '" + field.name + "' of " + rules.target + " has type " +
                             column.type_name + ", but stream '" + rules.stream_name + "' sends " +
                             field.type.to_string();
  switch (rules.evolution.type_change) {
    case protocol::TypeChangePolicy::kFail:
      return sdk::schema_error(change + " (schema_evolution.type_change is fail)", "TYPE_CHANGE");
    case protocol::TypeChangePolicy::kCoerce:
      decision.action = ColumnAction::kCast;
      decision.select_expr =
          postgres_common::quote_identifier(field.name) + "::" + column.type_name;
      break;
    case protocol::TypeChangePolicy::kSetNull:
      if (column.not_null) {
        return sdk::schema_error(
            change +
                ", and schema_evolution.type_change null cannot write NULL into a NOT "
                "NULL column",
            "TYPE_CHANGE");
      }
      warnings.push_back(change + "; writing NULL there (schema_evolution.type_change is null)");
      decision.action = ColumnAction::kNull;
      decision.select_expr = "NULL::" + column.type_name;
      break;
  }
  return {};
}

// A field the table has: its type, then its nullability.
sdk::Result<void> plan_existing_column(const TableColumn& column, const arrow::Field& field,
                                       const ReconcileRules& rules, ColumnDecision& decision,
                                       std::vector<std::string>& warnings) {
  decision.type = column.type;
  if (!takes_field_type(column, field)) {
    RB_TRY(plan_type_change(column, field, rules, decision, warnings));
  }
  if (column.not_null && field.nullable &&
      rules.evolution.nullability_change == protocol::NullabilityChangePolicy::kFail) {
    return sdk::schema_error("column '" + field.name + "' of " + rules.target +
                                 " is NOT NULL, but stream '" + rules.stream_name +
                                 "' may send nulls (schema_evolution.nullability_change is fail)",
                             "NULLABILITY_CHANGE");
  }
  return {};
}

// The decision for field `index` of `schema`; warnings go to `plan`.
sdk::Result<ColumnDecision> plan_field(const std::vector<TableColumn>& columns,
                                       const arrow::Schema& schema, int index,
                                       const ReconcileRules& rules, ReconcilePlan& plan) {
  const arrow::Field& field = schema.field(index);
  ColumnDecision decision;
  decision.input_index = index;
  decision.name = field.name;
  // An upsert of a change batch reads _rb_unchanged to apply a row; it is
  // not data.
  if (rules.mode == protocol::WriteMode::kUpsert && field.name == kUnchangedColumn &&
      is_change_schema(schema)) {
    decision.action = ColumnAction::kIgnore;
  } else if (const TableColumn* column = find_column(columns, field.name)) {
    RB_TRY(plan_existing_column(*column, field, rules, decision, plan.warnings));
  } else {
    RB_TRY(plan_new_column(field, rules, decision));
  }
  return decision;
}

// removed_column fail: REMOVED_COLUMN when `schema` lacks `column`.
sdk::Result<void> check_removed_column(const TableColumn& column, const arrow::Schema& schema,
                                       const ReconcileRules& rules) {
  if (rules.evolution.removed_column != protocol::RemovedColumnPolicy::kFail) return {};
  if (schema.field_index(column.name) >= 0) return {};
  return sdk::schema_error("column '" + column.name + "' of " + rules.target +
                               " is missing from stream '" + rules.stream_name +
                               "' (schema_evolution.removed_column is fail)",
                           "REMOVED_COLUMN");
}

}  // namespace

bool ReconcilePlan::adds_columns() const {
  return std::ranges::any_of(
      columns, [](const ColumnDecision& c) { return c.action == ColumnAction::kAdd; });
}

bool ReconcilePlan::stages_types() const {
  return std::ranges::any_of(columns, [](const ColumnDecision& c) {
    return c.action == ColumnAction::kCast || c.action == ColumnAction::kNull;
  });
}

sdk::Result<ReconcilePlan> plan_reconcile(const std::vector<TableColumn>& columns,
                                          const arrow::Schema& schema,
                                          const ReconcileRules& rules) {
  ReconcilePlan plan;
  for (int i = 0; i < schema.num_fields(); ++i) {
    RB_ASSIGN_OR_RETURN(ColumnDecision decision, plan_field(columns, schema, i, rules, plan));
    plan.columns.push_back(std::move(decision));
  }
  return plan;
}

sdk::Result<void> check_removed_columns(const std::vector<TableColumn>& columns,
                                        const arrow::Schema& schema, const ReconcileRules& rules) {
  for (const auto& column : columns) RB_TRY(check_removed_column(column, schema, rules));
  return {};
}

std::vector<protocol::ConnectorError> target_problems(
    const std::optional<std::vector<TableColumn>>& columns, const arrow::Schema& schema,
    const ReconcileRules& rules) {
  std::vector<protocol::ConnectorError> problems;
  auto note = [&](const auto& result) {
    if (!result) problems.push_back(result.error());
  };
  if (!columns || rules.mode == protocol::WriteMode::kReplace) {
    // A new table: every field needs a PostgreSQL type.
    for (const arrow::Field& field : schema.fields()) {
      if (field.name != kUnchangedColumn || !is_change_schema(schema) ||
          rules.mode != protocol::WriteMode::kUpsert) {
        note(postgres_type_for(field));
      }
    }
    return problems;
  }
  ReconcilePlan ignored;
  for (int i = 0; i < schema.num_fields(); ++i)
    note(plan_field(*columns, schema, i, rules, ignored));
  for (const auto& column : *columns) note(check_removed_column(column, schema, rules));
  return problems;
}

}  // namespace rapidbyte::connectors::dest_postgres
