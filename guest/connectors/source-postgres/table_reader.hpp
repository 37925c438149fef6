// TableReader: the read phase of one stream — a full refresh or an
// incremental read of one table, from COPY BINARY to emitted Arrow batches
// and source checkpoints.
//
// Full refresh: COPY (SELECT <selected columns> FROM <table>) in one
// REPEATABLE READ, READ ONLY transaction (one consistent snapshot).
// A stream carrying a partition reads only its slice (a WHERE condition,
// partition_planner.hpp), in the transaction's snapshot set to its plan's.
//
// Incremental: the same, with `WHERE cursor > <last committed value>
// ORDER BY cursor` (on a first run, every row, NULL cursors first). The
// position rule: a checkpoint carries value v only where every row with a
// cursor <= v has been emitted and no other — between two rows of
// different values. So that checkpoints can fall where the stream's
// intervals call for them, a batch is cut only between two values
// (CopyBinaryDecoder::keep_runs_whole), with a third of max_batch_bytes
// left for the run it ends in. A checkpoint due elsewhere (a run longer
// than that, the NULL cursors of a first read) is skipped: the interval
// ends without one, as its destination's commit there does. A rerun starts
// after the last committed checkpoint, so no row is lost; dest-file
// appends each row once all the same (it removes what it committed past
// that checkpoint). Rows whose cursor is NULL are read by the first run
// only.
//
// Batches: the decoded size is kept near `max_batch_bytes`; an encoded IPC
// stream that still exceeds it is split in halves until it fits. One IPC
// stream per batch_emit; the encode buffer is reused. Checkpoints follow the
// stream's checkpoint intervals (rows, bytes, seconds; after every batch
// when none is set) and one closes the stream. Not thread-safe.
//
// A cdc stream's initial snapshot is read the same way (a full refresh with
// `SnapshotRead`): the caller holds the transaction that uses the
// replication slot's snapshot, and constant change columns are appended.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/source-postgres/table_catalog.hpp"
#include "guest/sdk/context.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::source_postgres {

// Field metadata naming the PostgreSQL type of a column, so that a
// PostgreSQL destination can recreate it exactly (varchar(20), inet, ...).
inline constexpr const char* kPgTypeKey = "rapidbyte.pg_type";

// A column computed by the query rather than read from the table.
struct ExtraColumn {
  std::string name;
  std::string sql;  // a constant expression of `type`
  postgres::PgColumnType type;
};

struct SnapshotRead {
  std::vector<ExtraColumn> extra_columns;  // appended after the table's
  bool in_transaction = false;             // the caller began (and commits) it
  // Every field nullable, as in change batches (a delete or truncate row has
  // nulls in NOT NULL columns).
  bool nullable = false;
  // When set, a batch emitted before the table's rows, made for the read's
  // schema (a cdc snapshot's reset row, change_batch_builder.hpp).
  std::function<sdk::Result<arrow::RecordBatch>(std::shared_ptr<const arrow::Schema>)>
      leading_batch;
};

// The largest cursor of incremental `stream` in `table`, as its read's
// checkpoints carry cursors; nullopt when no row has one. Runs in the
// transaction the caller holds on `connection` (a partitioned read's plan).
sdk::Result<std::optional<protocol::CursorValue>> read_max_cursor(
    postgres::Connection& connection, const TableCatalog& catalog, const TableInfo& table,
    const protocol::StreamContext& stream);

sdk::Result<protocol::ReadSummary> read_table(sdk::Context& ctx, postgres::Connection& connection,
                                              const TableCatalog& catalog, const TableInfo& table,
                                              const protocol::StreamContext& stream,
                                              std::optional<uint64_t> max_records,
                                              const SnapshotRead& snapshot = {});

}  // namespace rapidbyte::connectors::source_postgres
