// TableWriter: loads the batches of one stream into one PostgreSQL table
// with the stream's write mode, load method, schema evolution policies and
// on-data-error policy, in transactions the caller commits.
//
//   append   rows go straight into the table (COPY FROM STDIN binary, or
//            multi-row INSERT), in the open transaction. The slices of a
//            partitioned stream write "<table>__rb_append" instead, in the
//            table's column types, and the finalize appends it at once.
//   upsert   rows go into a temporary staging table, then
//            INSERT INTO t SELECT DISTINCT ON (key) ... ORDER BY key, arrival
//            DESC ON CONFLICT (key) DO UPDATE: the last row of a key wins.
//   replace  rows go into "<table>__rb_replace", created fresh; finish()
//            drops the table and renames the staging table in the same
//            transaction, so readers see the old table or the new one,
//            never an empty or partial one. The slices of a partitioned
//            stream share that staging table (slice_ledger.hpp).
//
// The table is created from the first batch's Arrow schema (type_mapping.hpp)
// with the stream's primary key. A later batch with another schema is
// checked again against the policies: new column add/ignore/fail, removed
// column ignore/fail, type change fail/coerce/null (a cast, or a typed NULL
// with a warning, selected from a staging table) and nullability change
// allow/fail.
//
// Batches with change columns (a cdc source) in upsert mode apply deletes,
// truncates and partial updates too (change_applier.hpp).
//
// With on_data_error fail and load method copy, one COPY statement carries
// many batches (append and replace; until a commit or about 64 MiB), so the
// server sets up one COPY instead of one per batch and the writer does not
// wait for the server after every batch. A rejected row then fails the
// stream when that COPY ends, with the server's line number counted from the
// COPY's first batch.
//
// A batch the server rejects as data (SQLSTATE 22/23, or a value the encoder
// cannot write) is retried row by row under savepoints when on_data_error is
// skip or dlq, so only the offending rows are dropped or sent to the DLQ.
//
// Borrows the connection and context for its lifetime; owns its encoders
// and buffers. Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/dest-postgres/change_applier.hpp"
#include "guest/connectors/dest-postgres/merge_statement.hpp"
#include "guest/connectors/dest-postgres/reconcile_plan.hpp"
#include "guest/connectors/dest-postgres/slice_ledger.hpp"
#include "guest/connectors/dest-postgres/table_columns.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/sdk/context.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/postgres/copy_binary_encoder.hpp"

namespace rapidbyte::connectors::dest_postgres {

enum class LoadMethod : uint8_t { kCopy, kInsert };

struct WriterOptions {
  std::string stream_name;
  postgres_common::TableName target;
  protocol::WriteMode mode = protocol::WriteMode::kAppend;
  std::vector<std::string> primary_key;
  LoadMethod method = LoadMethod::kCopy;
  protocol::StreamPolicies policies;
  DeleteMode delete_mode = DeleteMode::kHard;  // deletes of change batches
  // Commit only in finish() (a full refresh's append): a run that fails or
  // is killed then leaves the target as it was, so a retry or a rerun
  // appends the stream exactly once. Replace always commits so.
  bool commit_at_end = false;
  // The stream resumes after a cursor committed earlier, so its table holds
  // what came before: a missing table is an error, not a new empty one that
  // would hold only the rest (see ensure_table).
  bool resuming = false;
  // One slice of a partitioned stream: other slices write the same table
  // at once. Append and upsert create a missing table under a lock of its
  // name and commit it before the slice's own transaction goes on (see
  // ensure_table). Upsert then merges into the target. Replace and append
  // write the slice into the generation's shared staging table in one
  // transaction that records the slice in the ledger (slice_ledger.hpp),
  // and leave publishing it (the swap, the append) to the finalize phase.
  std::optional<protocol::Partition> slice;
};

// TARGET_MISSING: the stream resumes (options.resuming) but its table is gone.
std::unexpected<protocol::ConnectorError> target_missing_error(const WriterOptions& options);

class TableWriter {
 public:
  // REQUIRES: `connection` and `ctx` outlive the writer.
  TableWriter(postgres::Connection& connection, sdk::Context& ctx, WriterOptions options);
  ~TableWriter();
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  // Checks the options and creates the target schema.
  sdk::Result<void> start();
  // Writes one batch (creating or evolving tables first when its schema is
  // new, also for a batch without rows), inside the open transaction (begun
  // when needed).
  sdk::Result<void> write(const arrow::RecordBatch& batch);
  // Commits the open transaction (append and upsert; replace and
  // commit_at_end commit only in finish()). Returns whether something was
  // committed.
  sdk::Result<bool> commit();
  // Completes the stream: the swap of replace, the last commit.
  sdk::Result<void> finish();

  uint64_t records_written() const { return records_written_; }
  uint64_t records_failed() const { return records_failed_; }

 private:
  struct Plan;

  sdk::Result<void> prepare(const std::shared_ptr<const arrow::Schema>& schema);
  sdk::Result<void> prepare_replace(const std::shared_ptr<const arrow::Schema>& schema);
  // Creates, or adds the new columns to, the staging table of a replace.
  sdk::Result<void> stage_replace(const arrow::Schema& schema);
  // A slice of a partitioned append: reconcile_target, then the shared
  // staging table (stage_append_slice) as the load relation of execute_plan.
  sdk::Result<void> prepare_append_slice(const std::shared_ptr<const arrow::Schema>& schema);
  // Creates, or adds the new columns to, the append slices' staging table:
  // the plan's columns in the target's types.
  sdk::Result<void> stage_append_slice(const std::vector<TableColumn>& target_columns,
                                       const ReconcilePlan& reconcile);
  // finish() of a slice of a partitioned replace or append: records the
  // slice and commits, or rolls back a slice an earlier attempt committed.
  sdk::Result<void> finish_slice();
  // Creates the target for a stream of `schema`.
  sdk::Result<void> create_target(const arrow::Schema& schema);
  // How append and upsert write `schema` into the target: ensure_table,
  // plan_reconcile (reconcile_plan.hpp), add_columns and a plan again when
  // it adds some, check_removed_columns. With the target's columns after.
  struct TargetPlan {
    std::vector<TableColumn> columns;
    ReconcilePlan reconcile;
  };
  sdk::Result<TargetPlan> reconcile_target(const arrow::Schema& schema);
  // The target's columns, after creating it from `schema` when it is missing.
  sdk::Result<std::vector<TableColumn>> ensure_table(const arrow::Schema& schema);
  // The target's columns; an internal error when `statement` left no table.
  sdk::Result<std::vector<TableColumn>> reload_target_columns(std::string_view statement);
  // Adds the columns the plan adds to the target.
  sdk::Result<void> add_columns(const ReconcilePlan& reconcile);
  // Makes plan_ write the planned columns into `target` (quoted: the
  // target, or the append slices' staging table): straight in, or through
  // the temporary staging table and a merge (upsert, or a cast or NULL).
  sdk::Result<void> execute_plan(const arrow::Schema& schema, const ReconcilePlan& reconcile,
                                 const std::string& target);
  // Creates the staging table of plan_'s columns; `merge` then moves each
  // batch from it into the target.
  sdk::Result<void> stage_load(MergeStatement merge);
  sdk::Result<void> build_codecs(const std::vector<postgres::PgColumnType>& types);
  sdk::Result<void> ensure_transaction();
  sdk::Result<bool> commit_open_transaction();
  sdk::Result<void> exec(std::string_view sql, std::string_view context);
  // Writes rows of the prepared plan's (projected) shape.
  sdk::Result<void> write_rows(const arrow::RecordBatch& batch);
  // A change batch's truncate; in a slice (a cdc snapshot's reset row)
  // only the first of its generation (slice_ledger.hpp).
  sdk::Result<void> apply_truncate();
  // One update that sets only the columns not in `unchanged`.
  sdk::Result<void> write_partial_update(const arrow::RecordBatch& batch, int64_t row,
                                         const std::vector<std::string>& unchanged);

  // Loads `batch` (already projected) into the load relation and merges it;
  // the raw client error, so data errors can be told apart.
  postgres::Result<void> load(const arrow::RecordBatch& batch);
  postgres::Result<void> load_copy(const arrow::RecordBatch& batch);
  // A COPY that stays open across batches (keeps_copy_open()): stream_copy
  // opens it when needed and sends the batch; close_copy ends it, and is
  // called before anything else uses the connection.
  bool keeps_copy_open() const;
  postgres::Result<void> stream_copy(const arrow::RecordBatch& batch);
  sdk::Result<void> close_copy();
  postgres::Result<void> begin_copy();
  postgres::Result<void> send_copy_rows(const arrow::RecordBatch& batch);
  postgres::Result<void> end_copy();
  void abort_copy();
  // Rolls back after a failed write and returns the failure as the
  // connector's error.
  sdk::Result<void> abandon_transaction(const postgres::PgError& error);
  postgres::Result<void> load_insert(const arrow::RecordBatch& batch);
  // Appends the bind parameter of batch[column][row] (typed; NULL or binary).
  postgres::Result<void> append_param(const arrow::RecordBatch& batch, size_t column, int64_t row,
                                      std::vector<postgres::Param>& params) const;
  sdk::Result<void> load_row_by_row(const arrow::RecordBatch& batch);
  void reject(const arrow::RecordBatch& batch, const postgres::PgError& error);

  postgres::Connection& connection_;
  sdk::Context& ctx_;
  WriterOptions options_;
  std::unique_ptr<Plan> plan_;
  bool in_transaction_ = false;
  bool copy_open_ = false;             // a COPY FROM STDIN is in progress
  size_t copy_sent_bytes_ = 0;         // sent in that COPY
  bool staged_ = false;                // the replace (or append slices') staging table exists
  std::optional<SliceLedger> ledger_;  // a slice of a partitioned replace or append
  std::vector<std::string> replace_columns_;
  uint64_t records_written_ = 0;
  uint64_t records_failed_ = 0;
  std::vector<uint8_t> buffer_;
};

}  // namespace rapidbyte::connectors::dest_postgres
