#include "guest/connectors/source-postgres/table_reader.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/connectors/source-postgres/cursor_column.hpp"
#include "guest/connectors/source-postgres/partition_planner.hpp"
#include "guest/connectors/source-postgres/refused_row.hpp"
#include "guest/sdk/batch_emitter.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

// Emits batches and checkpoints for one stream and applies the position
// rule (see table_reader.hpp).
class StreamEmitter {
 public:
  StreamEmitter(sdk::Context& ctx, const protocol::StreamContext& stream,
                std::optional<CursorColumn> cursor, int cursor_index)
      : stream_(stream),
        emitter_(ctx, stream),
        cursor_(std::move(cursor)),
        cursor_index_(cursor_index) {}

  sdk::Result<void> on_batch(const arrow::RecordBatch& batch) {
    if (due_at_end_ && batch.num_rows() > 0) {
      // The previous batch ended where a checkpoint was due; now that the
      // next row is known, it is settled before this batch goes out.
      due_at_end_ = false;
      settle(!cursor_->same_value(end_value_, cursor_->value_at(batch.column(cursor_index_), 0)));
    }
    return emitter_.emit(batch, [&](int64_t rows) { after_piece(batch, rows); });
  }

  // A read that found no rows.
  sdk::Result<void> on_no_rows(std::shared_ptr<const arrow::Schema> schema) {
    return emitter_.emit_empty(std::move(schema));
  }

  // The closing checkpoint. `complete`: every row of the query was read
  // (not cut by max-records), so the last value read is a position too.
  void finish(bool complete) {
    const bool moves = cursor_ && complete && last_ && last_ != checkpointed_;
    emitter_.checkpoint(stream_.cursor_field, moves ? last_ : std::nullopt);
  }

  const protocol::ReadSummary& summary() const { return emitter_.summary(); }

 private:
  // After each IPC stream `batch` went out as; its first `rows` rows are out.
  void after_piece(const arrow::RecordBatch& batch, int64_t rows) {
    if (!cursor_) {
      if (emitter_.checkpoint_due()) emitter_.checkpoint(std::nullopt, std::nullopt);
      return;
    }
    const arrow::Array& column = batch.column(cursor_index_);
    end_value_ = cursor_->value_at(column, rows - 1);
    if (end_value_) last_ = end_value_;
    if (!emitter_.checkpoint_due()) return;
    if (rows < batch.num_rows()) {
      settle(!cursor_->same(column, rows - 1, rows));
    } else {
      due_at_end_ = true;
    }
  }

  // A due checkpoint, where the rows emitted end in end_value_:
  // `between_values` when the next row's cursor differs. Only there is
  // end_value_ a position (every row up to it out, none past it); inside a
  // run of equal values, or among the NULL cursors a first read starts
  // with, the interval ends without a checkpoint.
  void settle(bool between_values) {
    if (between_values && end_value_ && end_value_ != checkpointed_) {
      emitter_.checkpoint(stream_.cursor_field, end_value_);
      checkpointed_ = end_value_;
    } else {
      emitter_.skip_checkpoint();
    }
  }

  const protocol::StreamContext& stream_;
  sdk::BatchEmitter emitter_;
  std::optional<CursorColumn> cursor_;
  int cursor_index_;
  std::optional<protocol::CursorValue> end_value_;     // cursor of the last row emitted
  std::optional<protocol::CursorValue> last_;          // the last cursor emitted that is not NULL
  std::optional<protocol::CursorValue> checkpointed_;  // last value checkpointed
  bool due_at_end_ = false;  // a checkpoint is due after the last batch emitted
};

// A row the COPY decoder refused: on_data_error decides (refused_row.hpp).
postgres::CopyBinaryDecoder::RejectHandler reject_rows(sdk::Context& ctx,
                                                       const protocol::StreamContext& stream,
                                                       const TableInfo& table, uint64_t& rejected) {
  return [&ctx, &stream, &table, &rejected](
             const postgres::CopyBinaryDecoder::RejectedRow& row) -> postgres::Result<void> {
    if (auto failure = refuse_row(ctx, stream, table.primary_key, row.values, row.error.message))
      return postgres::fail(postgres::data_error(*failure));
    ++rejected;
    return {};
  };
}

// The columns a stream reads, in order, and where its cursor is among them
// (-1 when it has none): the selected columns (all when none are), plus
// the cursor column of an incremental stream, which is always read.
struct Projection {
  std::vector<const ColumnInfo*> columns;
  int cursor_index = -1;
};

sdk::Result<Projection> project(const TableInfo& table, const protocol::StreamContext& stream) {
  Projection out;
  std::vector<const ColumnInfo*>& columns = out.columns;
  if (stream.selected_columns.empty()) {
    for (const auto& c : table.columns) columns.push_back(&c);
  } else {
    for (const auto& name : stream.selected_columns) {
      const ColumnInfo* c = table.column(name);
      if (!c) {
        return sdk::schema_error("stream '" + stream.stream_name + "' has no column '" + name +
                                     "' (table " + table.name.quoted() + ")",
                                 "UNKNOWN_COLUMN");
      }
      columns.push_back(c);
    }
  }
  if (stream.sync_mode == protocol::SyncMode::kIncremental) {
    if (!stream.cursor_field || stream.cursor_field->empty()) {
      return sdk::config_error(
          "incremental stream '" + stream.stream_name + "' needs a cursor_field", "CURSOR_MISSING");
    }
    const ColumnInfo* c = table.column(*stream.cursor_field);
    if (!c) {
      return sdk::schema_error(
          "cursor_field '" + *stream.cursor_field + "' is not a column of " + table.name.quoted(),
          "UNKNOWN_COLUMN");
    }
    auto it = std::find(columns.begin(), columns.end(), c);
    if (it == columns.end()) {
      columns.push_back(c);  // the cursor is always read
      it = columns.end() - 1;
    }
    out.cursor_index = static_cast<int>(it - columns.begin());
  }
  if (columns.empty()) {
    return sdk::schema_error("table " + table.name.quoted() + " has no columns to read");
  }
  return out;
}

// The COPY ... TO STDOUT (FORMAT binary) of a read: `select_list` of the
// table, after the committed cursor and in cursor order when incremental,
// at most `max_records` rows.
sdk::Result<std::string> copy_statement(const TableInfo& table,
                                        const protocol::StreamContext& stream,
                                        const std::vector<const ColumnInfo*>& columns,
                                        const std::string& select_list,
                                        const SnapshotRead& snapshot, const std::string& filter,
                                        const std::optional<CursorColumn>& cursor,
                                        std::optional<uint64_t> max_records) {
  std::string select = "SELECT " + select_list + " FROM " + table.name.quoted();
  std::string where = filter;
  if (cursor && stream.last_cursor_value) {
    RB_ASSIGN_OR_RETURN(auto literal, cursor->sql_literal(*stream.last_cursor_value));
    where = (where.empty() ? "" : "(" + where + ") AND ") +
            postgres_common::quote_identifier(*stream.cursor_field) + " > " + literal;
  }
  if (!where.empty()) select += " WHERE " + where;
  if (cursor) {
    const std::string quoted_cursor = postgres_common::quote_identifier(*stream.cursor_field);
    if (stream.last_cursor_value) {
      select += " ORDER BY " + quoted_cursor;
    } else {
      select += " ORDER BY " + quoted_cursor + " NULLS FIRST";
    }
  }
  if (max_records) select += " LIMIT " + std::to_string(*max_records);
  // A plain table read whole is copied straight from the table: the server
  // then skips the executor that COPY of a SELECT runs every row through
  // (about 5% of its time). Views, partitioned and foreign tables, tables
  // with inheritance children (COPY would leave their rows out), filters,
  // limits, casts and added columns need the SELECT.
  const bool whole_table = table.kind == 'r' && !table.has_children && !cursor && !max_records &&
                           snapshot.extra_columns.empty() && filter.empty() &&
                           std::none_of(columns.begin(), columns.end(),
                                        [](const ColumnInfo* c) { return c->needs_text_cast; });
  return whole_table
             ? "COPY " + table.name.quoted() + " (" + select_list + ") TO STDOUT (FORMAT binary)"
             : "COPY (" + select + ") TO STDOUT (FORMAT binary)";
}

// How a read decodes its COPY: the builder of the decoded batches, the
// schema the batches are emitted with (the connector's nullability and type
// metadata) and the select list that yields the columns in that order.
struct Decoding {
  postgres::ArrowBatchBuilder builder;
  std::shared_ptr<const arrow::Schema> schema;
  std::string select_list;
};

sdk::Result<Decoding> decoding(const TableCatalog& catalog, const TableInfo& table,
                               const std::vector<const ColumnInfo*>& columns,
                               const SnapshotRead& snapshot) {
  std::vector<postgres::ColumnSpec> specs;
  std::string select_list;
  for (const ColumnInfo* c : columns) {
    specs.push_back({c->name, c->type});
    if (!select_list.empty()) select_list += ", ";
    select_list += postgres_common::quote_identifier(c->name);
    if (c->needs_text_cast) select_list += "::text";
  }
  for (const ExtraColumn& extra : snapshot.extra_columns) {
    specs.push_back({extra.name, extra.type});
    select_list += ", " + extra.sql + " AS " + postgres_common::quote_identifier(extra.name);
  }
  auto builder = postgres::ArrowBatchBuilder::make(specs, catalog.codec_options);
  if (!builder)
    return postgres_common::fail_with(builder.error(), "cannot decode " + table.name.quoted());
  std::vector<arrow::Field> fields = builder->schema()->fields();
  for (size_t i = 0; i < columns.size(); ++i) {
    fields[i].nullable = snapshot.nullable || !columns[i]->not_null;
    if (columns[i]->builtin_type && !columns[i]->needs_text_cast) {
      fields[i].metadata.set(kPgTypeKey, columns[i]->type_name);
    }
  }
  return Decoding{std::move(*builder), arrow::make_schema(std::move(fields)),
                  std::move(select_list)};
}

// Runs `copy` into `reader`, in a snapshot transaction of its own unless the
// caller holds one; a partition's own transaction sets the snapshot of its
// plan. An error of the emitter comes first: it is what stopped the COPY,
// which then fails too.
sdk::Result<void> run_copy(postgres::Connection& connection, const TableInfo& table,
                           const protocol::StreamContext& stream, const std::string& copy,
                           const SnapshotRead& snapshot, postgres::CopyBinaryDecoder& reader,
                           const std::optional<protocol::ConnectorError>& emit_error) {
  if (!snapshot.in_transaction) {
    RB_TRY(run_sql(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                   "cannot start a snapshot"));
    if (stream.partition && stream.partition->snapshot) {
      auto imported =
          connection.simple_query("SET TRANSACTION SNAPSHOT " +
                                  postgres_common::quote_literal(*stream.partition->snapshot));
      if (!imported) {
        return sdk::internal_error("stream '" + stream.stream_name + "' partition " +
                                       std::to_string(stream.partition->index) +
                                       ": cannot import the snapshot of its plan (" +
                                       imported.error().message + ")",
                                   "SNAPSHOT_GONE");
      }
    }
  }
  auto copied = connection.copy_out_chunks(
      copy, [&](std::span<const std::span<const uint8_t>> chunks) { return reader.feed(chunks); });
  if (emit_error) return std::unexpected(*emit_error);
  if (!copied)
    return postgres_common::fail_with(copied.error(), "cannot read " + table.name.quoted());
  if (auto finished = reader.finish(); !finished) {
    if (emit_error) return std::unexpected(*emit_error);
    return postgres_common::fail_with(finished.error(), "cannot read " + table.name.quoted());
  }
  if (!snapshot.in_transaction) {
    RB_TRY(run_sql(connection, "COMMIT", "cannot end the snapshot"));
  }
  return {};
}

// The planner's estimate of the table's rows, as the gauge
// source_estimated_records, for the engine's progress display (percent and
// ETA of a whole-table read). A table never analyzed has none.
sdk::Result<void> report_estimated_rows(sdk::Context& ctx, postgres::Connection& connection,
                                        const TableInfo& table) {
  RB_ASSIGN_OR_RETURN(
      auto estimate,
      single_value(connection,
                   "SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = " +
                       postgres_common::quote_literal(table.name.quoted()) + "::regclass",
                   "cannot read the row estimate of " + table.name.quoted()));
  int64_t rows = -1;
  if (estimate) std::from_chars(estimate->data(), estimate->data() + estimate->size(), rows);
  if (rows >= 0) ctx.gauge("source_estimated_records", static_cast<double>(rows));
  return {};
}

}  // namespace

sdk::Result<protocol::ReadSummary> read_table(sdk::Context& ctx, postgres::Connection& connection,
                                              const TableCatalog& catalog, const TableInfo& table,
                                              const protocol::StreamContext& stream,
                                              std::optional<uint64_t> max_records,
                                              const SnapshotRead& snapshot) {
  RB_ASSIGN_OR_RETURN(auto projected, project(table, stream));
  const std::vector<const ColumnInfo*>& columns = projected.columns;
  const int cursor_index = projected.cursor_index;
  RB_ASSIGN_OR_RETURN(Decoding decoded, decoding(catalog, table, columns, snapshot));
  const std::shared_ptr<const arrow::Schema> schema = decoded.schema;

  std::optional<CursorColumn> cursor;
  if (cursor_index >= 0) {
    RB_ASSIGN_OR_RETURN(auto made, CursorColumn::make(schema->field(cursor_index)));
    cursor = std::move(made);
  }
  // A partition reads its slice only, and of an incremental stream's first
  // read only the rows at or below the plan's cursor bound
  // (partition_planner.hpp).
  std::string filter;
  if (stream.partition) {
    RB_ASSIGN_OR_RETURN(filter, slice_filter(table, *stream.partition));
    RB_ASSIGN_OR_RETURN(auto bound, slice_cursor_bound(*stream.partition));
    if (bound && cursor) {
      const std::string field = postgres_common::quote_identifier(*stream.cursor_field);
      std::string below = field + " IS NULL";
      if (bound->max) {
        RB_ASSIGN_OR_RETURN(auto literal, cursor->sql_literal(*bound->max));
        below = "(" + below + " OR " + field + " <= " + literal + ")";
      }
      filter = "(" + filter + ") AND " + below;
    }
  }
  RB_ASSIGN_OR_RETURN(auto copy, copy_statement(table, stream, columns, decoded.select_list,
                                                snapshot, filter, cursor, max_records));

  // An incremental read's batches end between two cursor values, where its
  // checkpoints can fall (the position rule): a third of a batch is left
  // for the run of equal values a batch reaches its size in.
  const uint64_t max_target = sdk::batch_target_bytes(stream.limits, columns.size());
  const uint64_t target = cursor ? max_target / 3 * 2 : max_target;
  StreamEmitter emitter(ctx, stream, cursor, cursor_index);
  std::optional<protocol::ConnectorError> emit_error;
  postgres::CopyBinaryDecoder reader(
      std::move(decoded.builder),
      postgres::CopyBatchLimits{.target_bytes = target,
                                .max_record_bytes = stream.limits.max_record_bytes},
      [&](const arrow::RecordBatch& built) -> postgres::Result<void> {
        // The connector's schema: its field names, nullability and metadata.
        const arrow::RecordBatch batch(schema, built.columns(), built.num_rows());
        if (auto emitted = emitter.on_batch(batch); !emitted) {
          emit_error = emitted.error();
          return postgres::fail(postgres::client_error(emitted.error().category, "emit failed"));
        }
        return {};
      });
  uint64_t rejected = 0;
  reader.set_reject_handler(reject_rows(ctx, stream, table, rejected));
  if (cursor) {
    reader.keep_runs_whole(postgres::RunColumn{
        .column = cursor_index,
        .same = [&cursor](postgres::RunColumn::Value a,
                          postgres::RunColumn::Value b) { return cursor->same_in_copy(a, b); },
        .max_bytes = max_target});
  }

  if (snapshot.leading_batch) {
    RB_ASSIGN_OR_RETURN(auto leading, snapshot.leading_batch(schema));
    RB_TRY(emitter.on_batch(leading));
  }
  // A slice's share of the estimate is unknown.
  if (!cursor && !max_records && filter.empty())
    RB_TRY(report_estimated_rows(ctx, connection, table));
  RB_TRY(run_copy(connection, table, stream, copy, snapshot, reader, emit_error));
  if (reader.rows_decoded() == 0) {
    RB_TRY(emitter.on_no_rows(schema));
  }
  const bool complete = !max_records || static_cast<uint64_t>(reader.rows_decoded()) < *max_records;
  emitter.finish(complete);
  ctx.counter("records", emitter.summary().records);
  if (rejected > 0) ctx.counter("records_rejected", rejected);
  return emitter.summary();
}

sdk::Result<std::optional<protocol::CursorValue>> read_max_cursor(
    postgres::Connection& connection, const TableCatalog& catalog, const TableInfo& table,
    const protocol::StreamContext& stream) {
  protocol::StreamContext cursor_only = stream;
  if (stream.cursor_field) cursor_only.selected_columns = {*stream.cursor_field};
  RB_ASSIGN_OR_RETURN(auto projected, project(table, cursor_only));
  RB_ASSIGN_OR_RETURN(Decoding decoded, decoding(catalog, table, projected.columns, {}));
  RB_ASSIGN_OR_RETURN(auto cursor, CursorColumn::make(decoded.schema->field(0)));
  // max() of the column as it is read (a text cast included), so the bound
  // is a value the read's checkpoints could carry.
  const std::string copy = "COPY (SELECT max(" + decoded.select_list + ") FROM " +
                           table.name.quoted() + ") TO STDOUT (FORMAT binary)";
  std::optional<protocol::CursorValue> max;
  postgres::CopyBinaryDecoder reader(
      std::move(decoded.builder), postgres::CopyBatchLimits{.target_bytes = 1 << 16},
      [&](const arrow::RecordBatch& batch) -> postgres::Result<void> {
        if (batch.num_rows() > 0) max = cursor.value_at(batch.column(0), 0);
        return {};
      });
  RB_TRY(run_copy(connection, table, stream, copy, SnapshotRead{.in_transaction = true}, reader,
                  std::nullopt));
  return max;
}

}  // namespace rapidbyte::connectors::source_postgres
