#include "guest/connectors/dest-postgres/slice_ledger.hpp"

#include <algorithm>
#include <charconv>

#include "guest/connectors/dest-postgres/table_columns.hpp"
#include "guest/connectors/dest-postgres/table_statements.hpp"
#include "guest/connectors/dest-postgres/type_mapping.hpp"
#include "guest/connectors/postgres-common/simple_query.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

using postgres_common::single_value;

constexpr int kMarkerSlice = -1;

sdk::Result<bool> table_exists(postgres::Connection& connection,
                               const postgres_common::TableName& table) {
  RB_ASSIGN_OR_RETURN(
      auto found, single_value(connection,
                               "SELECT pg_catalog.to_regclass(" +
                                   postgres_common::quote_literal(table.quoted()) + ") IS NOT NULL",
                               "cannot look up " + table.quoted()));
  return found == "t";
}

// Drops every table the slices of any generation keep beside `target`.
std::string drop_slice_tables_sql(const postgres_common::TableName& target) {
  return "DROP TABLE IF EXISTS " + replace_staging_table(target).quoted() +
         "; DROP TABLE IF EXISTS " + append_staging_table(target).quoted() +
         "; DROP TABLE IF EXISTS " + slice_ledger_table(target).quoted();
}

}  // namespace

SliceLedger::SliceLedger(postgres::Connection& connection, postgres_common::TableName target,
                         uint64_t generation, protocol::WriteMode mode)
    : connection_(connection),
      target_(std::move(target)),
      staging_(mode == protocol::WriteMode::kAppend ? append_staging_table(target_)
                                                    : replace_staging_table(target_)),
      ledger_(slice_ledger_table(target_)),
      generation_(generation),
      mode_(mode) {}

sdk::Result<std::optional<uint64_t>> SliceLedger::ledger_generation() {
  RB_ASSIGN_OR_RETURN(bool present, table_exists(connection_, ledger_));
  if (!present) return std::nullopt;
  RB_ASSIGN_OR_RETURN(auto marker,
                      single_value(connection_,
                                   "SELECT generation FROM " + ledger_.quoted() +
                                       " WHERE slice = " + std::to_string(kMarkerSlice),
                                   "cannot read " + ledger_.quoted()));
  // A table without a marker is no ledger of this connector's: generation 0,
  // which the engine never plans.
  uint64_t generation = 0;
  if (marker) std::from_chars(marker->data(), marker->data() + marker->size(), generation);
  return std::optional<uint64_t>(generation);
}

std::unexpected<protocol::ConnectorError> SliceLedger::taken_over(
    std::optional<uint64_t> found) const {
  return sdk::internal_error(
      "the slices of " + target_.quoted() + " planned as generation " +
          std::to_string(generation_) + " were abandoned: " +
          (found ? "the staging table now belongs to generation " + std::to_string(*found)
                 : std::string("the staging table's ledger ") + ledger_.quoted() + " is gone") +
          "; this attempt wrote nothing",
      "SLICES_ABANDONED");
}

sdk::Result<bool> SliceLedger::claim(const arrow::Schema* schema,
                                     const std::vector<std::string>& primary_key) {
  RB_TRY(lock_table_name(connection_, target_));
  RB_ASSIGN_OR_RETURN(std::optional<uint64_t> owner, ledger_generation());
  const bool claimed_now = owner != generation_;
  if (claimed_now) {
    // Tables of another plan (or of a replace without partitions) are stale:
    // their generation never finishes once the engine planned a new one.
    RB_TRY(exec_sql(connection_,
                    drop_slice_tables_sql(target_) + "; CREATE TABLE " + ledger_.quoted() +
                        " (generation bigint NOT NULL, slice integer NOT NULL, PRIMARY KEY "
                        "(generation, slice)); INSERT INTO " +
                        ledger_.quoted() + " VALUES (" + std::to_string(generation_) + ", " +
                        std::to_string(kMarkerSlice) + ")",
                    "cannot create " + ledger_.quoted()));
  }
  if (!schema) return claimed_now;
  RB_ASSIGN_OR_RETURN(auto columns, load_table_columns(connection_, staging_.quoted()));
  if (!columns) {
    RB_ASSIGN_OR_RETURN(std::string create,
                        create_table_sql(staging_.quoted(), *schema, primary_key, false, false));
    RB_TRY(exec_sql(connection_, create, "cannot create " + staging_.quoted()));
    return claimed_now;
  }
  for (const auto& field : schema->fields()) {
    if (std::ranges::find(*columns, field.name, &TableColumn::name) != columns->end()) continue;
    RB_ASSIGN_OR_RETURN(auto type, postgres_type_for(field));
    RB_TRY(exec_sql(connection_, add_column_sql(staging_.quoted(), field.name, type),
                    "cannot add column '" + field.name + "' to " + staging_.quoted()));
  }
  return claimed_now;
}

sdk::Result<void> SliceLedger::release() {
  RB_TRY(lock_table_name(connection_, target_));
  RB_ASSIGN_OR_RETURN(std::optional<uint64_t> owner, ledger_generation());
  if (owner != generation_) return {};
  return exec_sql(connection_, "DROP TABLE " + ledger_.quoted(), "cannot drop " + ledger_.quoted());
}

sdk::Result<SliceLedger::Record> SliceLedger::record(uint32_t index) {
  RB_TRY(lock_table_name(connection_, target_));
  RB_ASSIGN_OR_RETURN(std::optional<uint64_t> owner, ledger_generation());
  if (owner != generation_) return taken_over(owner);
  const std::string row = "(" + std::to_string(generation_) + ", " + std::to_string(index) + ")";
  RB_ASSIGN_OR_RETURN(auto recorded,
                      single_value(connection_,
                                   "SELECT EXISTS (SELECT 1 FROM " + ledger_.quoted() +
                                       " WHERE (generation, slice) = " + row + ")",
                                   "cannot read " + ledger_.quoted()));
  if (recorded == "t") return Record::kAlreadyCommitted;
  RB_TRY(exec_sql(connection_, "INSERT INTO " + ledger_.quoted() + " VALUES " + row,
                  "cannot record slice " + std::to_string(index) + " in " + ledger_.quoted()));
  return Record::kRecorded;
}

sdk::Result<SliceLedger::Finalized> SliceLedger::finalize(uint32_t count) {
  RB_TRY(lock_table_name(connection_, target_));
  RB_ASSIGN_OR_RETURN(std::optional<uint64_t> owner, ledger_generation());
  if (!owner) return Finalized::kAlreadyFinished;
  if (owner != generation_) return taken_over(owner);
  RB_ASSIGN_OR_RETURN(auto recorded,
                      single_value(connection_,
                                   "SELECT count(*) FROM " + ledger_.quoted() +
                                       " WHERE generation = " + std::to_string(generation_) +
                                       " AND slice >= 0 AND slice < " + std::to_string(count),
                                   "cannot read " + ledger_.quoted()));
  if (recorded != std::to_string(count)) {
    return sdk::internal_error("cannot swap in " + target_.quoted() + ": " +
                                   recorded.value_or("0") + " of " + std::to_string(count) +
                                   " slices of generation " + std::to_string(generation_) +
                                   " are committed in " + ledger_.quoted() +
                                   "; reset the stream's state (rapidbyte state reset "
                                   "<pipeline.yaml> --stream <stream>) to start its slices over",
                               "SLICES_MISSING");
  }
  RB_ASSIGN_OR_RETURN(bool staged, table_exists(connection_, staging_));
  if (mode_ == protocol::WriteMode::kAppend) {
    // No staging table: no slice had a batch, and there is nothing to add.
    if (staged) RB_TRY(append_staged());
  } else if (staged) {
    RB_TRY(exec_sql(connection_, replace_swap_sql(target_),
                    "cannot swap in the new " + target_.quoted()));
  } else {
    // No slice had a batch: the stream's data is empty.
    RB_ASSIGN_OR_RETURN(bool target_exists, table_exists(connection_, target_));
    if (target_exists)
      RB_TRY(exec_sql(connection_, "TRUNCATE " + target_.quoted(),
                      "cannot empty " + target_.quoted()));
  }
  RB_TRY(
      exec_sql(connection_, "DROP TABLE " + ledger_.quoted(), "cannot drop " + ledger_.quoted()));
  return Finalized::kPublished;
}

sdk::Result<void> SliceLedger::discard(postgres::Connection& connection,
                                       const postgres_common::TableName& target) {
  RB_ASSIGN_OR_RETURN(bool present, table_exists(connection, slice_ledger_table(target)));
  if (!present) return {};
  return exec_sql(connection, drop_slice_tables_sql(target),
                  "cannot drop the unfinished slices of " + target.quoted());
}

sdk::Result<void> SliceLedger::append_staged() {
  RB_ASSIGN_OR_RETURN(auto staged, load_table_columns(connection_, staging_.quoted()));
  if (!staged) return sdk::internal_error("staging table vanished: " + staging_.quoted());
  RB_ASSIGN_OR_RETURN(auto existing, load_table_columns(connection_, target_.quoted()));
  if (!existing) {
    // The target was dropped since the first slice created it: the staged
    // rows become the table.
    return exec_sql(connection_,
                    "ALTER TABLE " + staging_.quoted() + " RENAME TO " +
                        postgres_common::quote_identifier(target_.table),
                    "cannot rename " + staging_.quoted() + " to " + target_.quoted());
  }
  // The slices staged the target's own column types (TableWriter), so the
  // rows go in unchanged; a column the target lost since comes back.
  std::vector<std::string> names;
  for (const TableColumn& column : *staged) {
    names.push_back(column.name);
    if (std::ranges::find(*existing, column.name, &TableColumn::name) != existing->end()) continue;
    RB_TRY(exec_sql(connection_, add_column_sql(target_.quoted(), column.name, column.type_name),
                    "cannot add column '" + column.name + "' to " + target_.quoted()));
  }
  const std::string list = postgres_common::quote_identifier_list(names);
  return exec_sql(connection_,
                  "INSERT INTO " + target_.quoted() + " (" + list + ") SELECT " + list + " FROM " +
                      staging_.quoted() + "; DROP TABLE " + staging_.quoted(),
                  "cannot append the staged rows to " + target_.quoted());
}

}  // namespace rapidbyte::connectors::dest_postgres
