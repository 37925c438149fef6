#include "guest/connectors/source-postgres/cdc_reader.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/connectors/source-postgres/batch_emitter.hpp"
#include "guest/connectors/source-postgres/change_batch_builder.hpp"
#include "guest/connectors/source-postgres/table_catalog.hpp"
#include "guest/connectors/source-postgres/table_reader.hpp"
#include "portable/postgres/replication/pgoutput_decoder.hpp"
#include "portable/postgres/replication/replication_commands.hpp"
#include "portable/postgres/replication/replication_stream.hpp"
#include "portable/protocol/change_columns.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

namespace pgo = postgres::pgoutput;
using postgres::Lsn;
using Clock = std::chrono::steady_clock;

// The prefix of the logical message that marks the end of a bounded run.
constexpr const char* kMarkerPrefix = "rapidbyte.cdc.end";
// Rows of small transactions wait at most this long for company in a batch.
constexpr auto kFlushInterval = std::chrono::milliseconds(500);
// How often the committed cursor is looked up and confirmed to the server.
constexpr auto kConfirmInterval = std::chrono::seconds(1);
// The server pings an idle client after half of this; the client must answer
// within it (while it waits for the destination, too).
constexpr const char* kSenderTimeout = "-c wal_sender_timeout=60s";

sdk::Result<postgres::Connection> connect_replication(sdk::Context& ctx,
                                                      const pg::ConnectionSettings& settings) {
  return pg::connect(ctx, settings, {{"replication", "database"}, {"options", kSenderTimeout}});
}

std::optional<Lsn> lsn_of(const std::optional<protocol::CursorValue>& value) {
  if (!value || value->index() != protocol::cursor_kind::kLsn) return std::nullopt;
  return std::get<protocol::cursor_kind::kLsn>(*value);
}

// Creates the stream's own publication, or checks that the named one
// publishes the table.
sdk::Result<void> ensure_publication(postgres::Connection& connection, const CdcOptions& options,
                                     const TableInfo& table) {
  const std::string name = options.publication_for(table.name);
  auto exists = single_value(
      connection,
      "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = " + pg::quote_literal(name),
      "cannot look up publication '" + name + "'");
  if (!exists) return std::unexpected(exists.error());
  if (!options.owns_publication()) {
    if (!*exists) {
      return sdk::config_error(
          "publication '" + name + "' (config field 'publication') does not exist",
          "PUBLICATION_MISSING");
    }
    auto member = single_value(connection,
                               "SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = " +
                                   pg::quote_literal(name) +
                                   " AND schemaname = " + pg::quote_literal(table.name.schema) +
                                   " AND tablename = " + pg::quote_literal(table.name.table),
                               "cannot look up publication '" + name + "'");
    if (!member) return std::unexpected(member.error());
    if (!*member) {
      return sdk::config_error(
          "publication '" + name + "' does not include table " + table.name.quoted(),
          "PUBLICATION_TABLE");
    }
    return {};
  }
  if (*exists) return {};
  auto created = run_sql(
      connection,
      "CREATE PUBLICATION " + pg::quote_identifier(name) + " FOR TABLE " + table.name.quoted(),
      "cannot create publication '" + name + "'");
  if (!created) return std::unexpected(created.error());
  return {};
}

// Emits a change stream's batches and places its checkpoints: at the end
// LSN of the last complete transaction, when it advances and one is due.
class ChangeEmitter {
 public:
  ChangeEmitter(sdk::Context& ctx, const protocol::StreamContext& stream, bool continuous)
      : emitter_(ctx, stream), continuous_(continuous) {}

  sdk::Result<void> emit(const arrow::RecordBatch& batch) { return emitter_.emit(batch); }

  // A checkpoint at `lsn` when it advances and one is due (or `force`).
  void checkpoint(Lsn lsn, bool force) {
    if (checkpointed_ && lsn <= *checkpointed_) return;
    // A continuous stream must move its cursor even when changes trickle in,
    // or the slot keeps every byte of WAL.
    std::optional<BatchEmitter::Clock::duration> also_after;
    if (continuous_) also_after = kConfirmInterval;
    if (!force && !emitter_.checkpoint_due(also_after)) return;
    emitter_.checkpoint(
        std::nullopt, protocol::CursorValue(std::in_place_index<protocol::cursor_kind::kLsn>, lsn));
    checkpointed_ = lsn;
  }

  const protocol::ReadSummary& summary() const { return emitter_.summary(); }
  void add_snapshot(const protocol::ReadSummary& snapshot) { emitter_.add(snapshot); }

 private:
  BatchEmitter emitter_;
  bool continuous_;
  std::optional<Lsn> checkpointed_;
};

// The streaming loop of one run.
class ChangeStream {
 public:
  ChangeStream(sdk::Context& ctx, const CdcOptions& options, const protocol::StreamContext& stream,
               const TableCatalog& catalog, const TableInfo& table, std::string slot,
               ChangeEmitter& emitter, std::optional<uint64_t> max_records)
      : ctx_(ctx),
        options_(options),
        stream_(stream),
        catalog_(catalog),
        table_(table),
        slot_(std::move(slot)),
        emitter_(emitter),
        max_records_(max_records) {
    // The table's columns and the change columns.
    target_bytes_ = batch_target_bytes(stream.limits, table.columns.size() + 4);
  }

  // Streams from `start` (the committed cursor, or the snapshot's point)
  // until `end_marker` (bounded) or cancellation.
  sdk::Result<void> run(postgres::Connection& connection, Lsn start, std::optional<Lsn> committed,
                        std::optional<Lsn> end_marker) {
    postgres::StartReplicationOptions start_options;
    start_options.slot_name = slot_;
    start_options.start_lsn = start;
    start_options.publication_names = {options_.publication_for(table_.name)};
    start_options.binary = true;
    start_options.messages = end_marker.has_value();
    auto stream = postgres::ReplicationStream::start(connection, start_options);
    if (!stream)
      return pg::fail_with(stream.error(), "cannot start replication from slot '" + slot_ + "'");
    stream_handle_ = &*stream;
    start_ = start;
    last_end_ = start;
    confirmed_ = committed.value_or(0);
    end_marker_ = end_marker;
    last_flush_ = Clock::now();
    last_confirm_ = Clock::time_point{};
    if (auto sent = confirm(/*force=*/true); !sent) return sent;
    while (!done_) {
      auto message = stream->next();
      if (!message)
        return pg::fail_with(message.error(), "replication from slot '" + slot_ + "' broke");
      if (!*message) {
        return sdk::transient_db_error("the server ended replication from slot '" + slot_ + "'",
                                       "REPLICATION_ENDED");
      }
      if (auto* keepalive = std::get_if<postgres::PrimaryKeepalive>(&**message)) {
        if (auto handled = on_keepalive(*keepalive); !handled) return handled;
      } else {
        const auto& data = std::get<postgres::XLogData>(**message);
        auto decoded = pgo::decode(data.data);
        if (!decoded)
          return pg::fail_with(decoded.error(), "cannot decode a change from slot '" + slot_ + "'");
        if (auto handled = std::visit([&](const auto& m) { return on(m); }, *decoded); !handled) {
          return handled;
        }
      }
      if (auto sent = confirm(/*force=*/false); !sent) return sent;
    }
    if (auto flushed = flush(/*at_commit=*/true, /*force_checkpoint=*/true); !flushed)
      return flushed;
    stream_handle_ = nullptr;
    if (auto stopped = stream->stop(); !stopped) {
      return pg::fail_with(stopped.error(), "cannot stop replication from slot '" + slot_ + "'");
    }
    return {};
  }

 private:
  sdk::Result<void> on_keepalive(const postgres::PrimaryKeepalive& keepalive) {
    report_lag(keepalive.wal_end);
    if (!in_transaction_) {
      // The server caught up: nothing more is coming right now, so the rows
      // so far get their checkpoint (and the destination its commit) now
      // rather than with the next change, which may be long in coming.
      // Under load the server is never idle and the intervals hold.
      if (auto flushed = flush(/*at_commit=*/true, /*force_checkpoint=*/true); !flushed)
        return flushed;
      // The server pings an idle client again only after its next status.
      server_waiting_ = true;
      if (end_marker_ && keepalive.wal_end > *end_marker_) done_ = true;
    }
    if (keepalive.reply_requested) return confirm(/*force=*/true);
    return {};
  }

  sdk::Result<void> on(const pgo::Begin& begin) {
    in_transaction_ = true;
    skip_ = begin.final_lsn < start_;
    txn_lsn_ = begin.final_lsn;
    txn_time_ = begin.commit_time_us;
    return {};
  }

  sdk::Result<void> on(const pgo::Commit& commit) {
    in_transaction_ = false;
    if (server_waiting_) {
      // A status lets the server ping again when it next goes idle, which
      // is when this transaction's rows get their checkpoint.
      server_waiting_ = false;
      if (auto sent = confirm(/*force=*/true); !sent) return sent;
    }
    if (skip_) return {};
    last_end_ = std::max(last_end_, commit.end_lsn);
    if (end_marker_ && commit.end_lsn > *end_marker_) done_ = true;
    if (max_records_ &&
        emitter_.summary().records + static_cast<uint64_t>(rows()) >= *max_records_) {
      done_ = true;
    }
    const bool full = builder_ && builder_->pending_bytes() >= target_bytes_;
    if (full || Clock::now() - last_flush_ >= kFlushInterval) {
      return flush(/*at_commit=*/true, /*force_checkpoint=*/false);
    }
    return {};
  }

  sdk::Result<void> on(const pgo::Relation& relation) {
    if (relation.schema != table_.name.schema || relation.name != table_.name.table) return {};
    // A new definition (ALTER TABLE): rows so far keep the old schema.
    if (auto flushed = flush(/*at_commit=*/false, false); !flushed) return flushed;
    auto made = ChangeBatchBuilder::make(relation, table_, catalog_.codec_options);
    if (!made) return std::unexpected(made.error());
    builder_ = std::move(*made);
    relation_oid_ = relation.oid;
    return {};
  }

  sdk::Result<void> on(const pgo::Insert& insert) {
    if (!ours(insert.relation_oid)) return {};
    return append(ChangeOp::kInsert, insert.new_tuple, nullptr);
  }

  sdk::Result<void> on(const pgo::Update& update) {
    if (!ours(update.relation_oid)) return {};
    const bool full = update.old_kind == pgo::OldTupleKind::kFull;
    if (update.old_kind != pgo::OldTupleKind::kNone &&
        builder_->key_changed(update.old_tuple, update.new_tuple)) {
      // The row moved to another key: the old one goes away.
      if (auto removed = append(ChangeOp::kDelete, update.old_tuple, nullptr); !removed) {
        return removed;
      }
    }
    return append(ChangeOp::kUpdate, update.new_tuple, full ? &update.old_tuple : nullptr);
  }

  sdk::Result<void> on(const pgo::Delete& del) {
    if (!ours(del.relation_oid)) return {};
    return append(ChangeOp::kDelete, del.old_tuple, nullptr);
  }

  sdk::Result<void> on(const pgo::Truncate& truncate) {
    if (skip_ || !builder_) return {};
    if (std::find(truncate.relation_oids.begin(), truncate.relation_oids.end(), relation_oid_) ==
        truncate.relation_oids.end()) {
      return {};
    }
    return builder_->append_truncate(txn_lsn_, txn_time_);
  }

  sdk::Result<void> on(const pgo::LogicalMessage& message) {
    if (!message.transactional && end_marker_ && message.prefix == kMarkerPrefix &&
        message.lsn >= *end_marker_) {
      done_ = !in_transaction_;
    }
    return {};
  }

  sdk::Result<void> on(const pgo::Origin&) { return {}; }
  sdk::Result<void> on(const pgo::Type&) { return {}; }

  bool ours(uint32_t oid) const { return !skip_ && builder_ && oid == relation_oid_; }
  int64_t rows() const { return builder_ ? builder_->rows() : 0; }

  sdk::Result<void> append(ChangeOp op, const pgo::Tuple& tuple, const pgo::Tuple* old_tuple) {
    if (op == ChangeOp::kUpdate && options_.unchanged_toast == UnchangedToast::kDlq) {
      const auto unresolved = builder_->unresolved_toast(tuple, old_tuple);
      if (!unresolved.empty()) {
        protocol::DlqRecord record;
        record.stream_name = stream_.stream_name;
        record.record_json = std::string("{\"") + protocol::change::kLsnColumn +
                             "\":" + std::to_string(txn_lsn_) + "}";
        record.error = sdk::make_error(
            protocol::ErrorCategory::kData,
            "update of " + table_.name.quoted() + " at LSN " + postgres::format_lsn(txn_lsn_) +
                " left TOAST values unsent (set REPLICA IDENTITY FULL to stream them)",
            "UNCHANGED_TOAST");
        record.error.scope = protocol::ErrorScope::kPerRecord;
        ctx_.warn(record.error.message);
        ctx_.dlq(record);
        return {};
      }
    }
    if (auto appended = builder_->append(op, tuple, old_tuple, txn_lsn_, txn_time_); !appended) {
      return appended;
    }
    if (builder_->pending_bytes() >= target_bytes_) return flush(/*at_commit=*/false, false);
    return {};
  }

  // Emits the pending rows; at a transaction boundary, also a checkpoint
  // at the last complete transaction.
  sdk::Result<void> flush(bool at_commit, bool force_checkpoint) {
    last_flush_ = Clock::now();
    if (builder_ && builder_->rows() > 0) {
      auto batch = builder_->finish();
      if (!batch) return std::unexpected(batch.error());
      if (auto emitted = emitter_.emit(*batch); !emitted) return emitted;
    }
    if (at_commit && !in_transaction_) emitter_.checkpoint(last_end_, force_checkpoint);
    return {};
  }

  // Confirms the persisted cursor to the server: at most once a second
  // unless `force` (the server asked for a reply).
  sdk::Result<void> confirm(bool force) {
    const auto now = Clock::now();
    if (!force && now - last_confirm_ < kConfirmInterval) return {};
    last_confirm_ = now;
    if (auto persisted = lsn_of(ctx_.committed_cursor()))
      confirmed_ = std::max(confirmed_, *persisted);
    if (!force && confirmed_ == sent_) return {};
    auto sent = stream_handle_->send_status(confirmed_, confirmed_, confirmed_);
    if (!sent) return pg::fail_with(sent.error(), "cannot confirm to slot '" + slot_ + "'");
    sent_ = confirmed_;
    return {};
  }

  void report_lag(Lsn wal_end) {
    if (wal_end <= last_end_) {
      ctx_.gauge("replication_lag_bytes", 0);
      return;
    }
    ctx_.gauge("replication_lag_bytes", static_cast<double>(wal_end - last_end_));
  }

  sdk::Context& ctx_;
  const CdcOptions& options_;
  const protocol::StreamContext& stream_;
  const TableCatalog& catalog_;
  const TableInfo& table_;
  std::string slot_;
  ChangeEmitter& emitter_;
  std::optional<uint64_t> max_records_;
  uint64_t target_bytes_ = 0;

  postgres::ReplicationStream* stream_handle_ = nullptr;
  std::optional<ChangeBatchBuilder> builder_;
  uint32_t relation_oid_ = 0;
  Lsn start_ = 0;
  Lsn last_end_ = 0;   // end of the last complete transaction
  Lsn confirmed_ = 0;  // persisted by the engine
  Lsn sent_ = 0;       // last flushed position sent to the server
  std::optional<Lsn> end_marker_;
  bool in_transaction_ = false;
  bool skip_ = false;
  bool done_ = false;
  bool server_waiting_ = false;  // idle keepalive not yet answered by a status
  Lsn txn_lsn_ = 0;
  int64_t txn_time_ = 0;
  Clock::time_point last_flush_;
  Clock::time_point last_confirm_;
};

sdk::Result<bool> slot_exists(postgres::Connection& connection, const std::string& slot) {
  auto found = single_value(
      connection,
      "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = " + pg::quote_literal(slot),
      "cannot look up replication slot '" + slot + "'");
  if (!found) return std::unexpected(found.error());
  return found->has_value();
}

struct Snapshot {
  Lsn lsn = 0;  // the change columns' _rb_lsn
  protocol::ReadSummary read;
};

// Reads `table` as a snapshot in one REPEATABLE READ READ ONLY transaction
// whose first step, `position()`, fixes the snapshot and returns its LSN
// (creating the slot that exports it, or reading the current WAL position).
template <class Position>
sdk::Result<Snapshot> read_snapshot(sdk::Context& ctx, postgres::Connection& connection,
                                    const TableCatalog& catalog, const TableInfo& table,
                                    const protocol::StreamContext& stream,
                                    std::optional<uint64_t> max_records, Position position) {
  if (auto begun = run_sql(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                           "cannot start the snapshot");
      !begun) {
    return std::unexpected(begun.error());
  }
  sdk::Result<Lsn> lsn = position();
  if (!lsn) return std::unexpected(lsn.error());
  SnapshotRead columns{snapshot_columns(*lsn), /*in_transaction=*/true, /*nullable=*/true};
  auto read = read_table(ctx, connection, catalog, table, stream, max_records, columns);
  if (!read) return std::unexpected(read.error());
  if (auto ended = run_sql(connection, "COMMIT", "cannot end the snapshot"); !ended) {
    return std::unexpected(ended.error());
  }
  return Snapshot{*lsn, *read};
}

// A dry run changes nothing: no publication, no slot, no end marker. It
// previews the rows a first run's snapshot would deliver (the table as it
// is now, the change columns stamped with the current WAL position), over
// an ordinary connection.
sdk::Result<protocol::ReadSummary> preview_snapshot(sdk::Context& ctx,
                                                    const pg::ConnectionSettings& settings,
                                                    const protocol::StreamContext& stream,
                                                    std::optional<uint64_t> max_records) {
  auto connection = pg::connect(ctx, settings);
  if (!connection) return std::unexpected(connection.error());
  auto catalog = stream_catalog(*connection, stream);
  if (!catalog) return std::unexpected(catalog.error());
  const TableInfo& table = *catalog->find(pg::parse_table_name(stream.stream_name));
  ctx.info("dry run: previewing a snapshot of " + table.name.quoted() +
           " (no replication slot or publication is created)");
  auto snapshot = read_snapshot(
      ctx, *connection, *catalog, table, stream, max_records, [&]() -> sdk::Result<Lsn> {
        auto current = single_value(*connection, "SELECT pg_catalog.pg_current_wal_lsn()::text",
                                    "cannot read the current WAL position");
        if (!current) return std::unexpected(current.error());
        auto lsn = postgres::parse_lsn(current->value_or(""));
        if (!lsn) return pg::fail_with(lsn.error(), "bad LSN from pg_current_wal_lsn");
        return *lsn;
      });
  if (!snapshot) return std::unexpected(snapshot.error());
  return snapshot->read;
}

}  // namespace

sdk::Result<protocol::ReadSummary> read_changes(sdk::Context& ctx,
                                                const pg::ConnectionSettings& settings,
                                                const CdcOptions& options,
                                                const protocol::StreamContext& stream,
                                                std::optional<uint64_t> max_records, bool dry_run) {
  if (stream.partition && stream.partition->count > 1 && stream.partition->index > 0) {
    return protocol::ReadSummary{};  // one slot per stream: slice 0 reads it
  }
  if (dry_run) return preview_snapshot(ctx, settings, stream, max_records);
  const pg::TableName name = pg::parse_table_name(stream.stream_name);
  std::optional<Lsn> committed;
  if (stream.last_cursor_value) {
    committed = lsn_of(stream.last_cursor_value);
    if (!committed) {
      return sdk::config_error("stream '" + stream.stream_name +
                                   "' has a committed cursor that is not an LSN (it was synced "
                                   "with another sync_mode); clear its state to start cdc",
                               "CURSOR_NOT_LSN");
    }
  }
  auto connection = connect_replication(ctx, settings);
  if (!connection) return std::unexpected(connection.error());
  auto catalog = stream_catalog(*connection, stream);
  if (!catalog) return std::unexpected(catalog.error());
  const TableInfo* table = catalog->find(name);
  if (auto published = ensure_publication(*connection, options, *table); !published) {
    return std::unexpected(published.error());
  }
  const std::string slot = options.slot_for(name);
  auto had_slot = slot_exists(*connection, slot);
  if (!had_slot) return std::unexpected(had_slot.error());

  ChangeEmitter emitter(ctx, stream, options.mode == CdcMode::kContinuous);
  Lsn start = 0;
  if (committed) {
    if (!*had_slot) {
      return sdk::schema_error("replication slot '" + slot + "' of stream '" + stream.stream_name +
                                   "' is gone, but its cursor is at " +
                                   postgres::format_lsn(*committed) +
                                   ": changes since may be lost; clear the stream's state to take "
                                   "a new snapshot",
                               "SLOT_MISSING");
    }
    start = *committed;
  } else {
    // No snapshot was ever committed: (re)create the slot and take one.
    if (*had_slot) {
      if (auto dropped = postgres::drop_replication_slot(*connection, slot); !dropped) {
        return pg::fail_with(dropped.error(), "cannot drop the unfinished slot '" + slot + "'");
      }
    }
    auto snapshot = read_snapshot(
        ctx, *connection, *catalog, *table, stream, max_records, [&]() -> sdk::Result<Lsn> {
          postgres::CreateSlotOptions create;
          create.slot_name = slot;
          create.snapshot = postgres::SnapshotAction::kUse;
          auto created = postgres::create_replication_slot(*connection, create);
          if (!created)
            return pg::fail_with(created.error(), "cannot create replication slot '" + slot + "'");
          ctx.info("created replication slot '" + slot + "' at " +
                   postgres::format_lsn(created->consistent_point) + "; reading the snapshot");
          return created->consistent_point;
        });
    if (!snapshot) return std::unexpected(snapshot.error());
    emitter.add_snapshot(snapshot->read);
    start = snapshot->lsn;
    emitter.checkpoint(start, /*force=*/true);
  }

  std::optional<Lsn> end_marker;
  if (options.mode == CdcMode::kBounded) {
    auto marker = single_value(*connection,
                               std::string("SELECT pg_logical_emit_message(false, ") +
                                   pg::quote_literal(kMarkerPrefix) + ", " +
                                   pg::quote_literal(slot) + ")::text",
                               "cannot mark the end of a bounded cdc run");
    if (!marker) return std::unexpected(marker.error());
    if (!*marker) return sdk::internal_error("pg_logical_emit_message returned nothing");
    auto parsed = postgres::parse_lsn(**marker);
    if (!parsed) return pg::fail_with(parsed.error(), "bad LSN from pg_logical_emit_message");
    end_marker = *parsed;
  }
  ChangeStream changes(ctx, options, stream, *catalog, *table, slot, emitter, max_records);
  if (auto streamed = changes.run(*connection, start, committed, end_marker); !streamed) {
    return std::unexpected(streamed.error());
  }
  ctx.counter("records", emitter.summary().records);
  return emitter.summary();
}

sdk::Result<void> teardown_changes(sdk::Context& ctx, const pg::ConnectionSettings& settings,
                                   const CdcOptions& options, const std::string& stream_name) {
  const pg::TableName name = pg::parse_table_name(stream_name);
  auto connection = connect_replication(ctx, settings);
  if (!connection) return std::unexpected(connection.error());
  const std::string slot = options.slot_for(name);
  auto exists = slot_exists(*connection, slot);
  if (!exists) return std::unexpected(exists.error());
  if (*exists) {
    if (auto dropped = postgres::drop_replication_slot(*connection, slot); !dropped) {
      return pg::fail_with(dropped.error(), "cannot drop replication slot '" + slot + "'");
    }
    ctx.info("dropped replication slot '" + slot + "'");
  }
  if (options.owns_publication()) {
    const std::string publication = options.publication_for(name);
    auto dropped =
        run_sql(*connection, "DROP PUBLICATION IF EXISTS " + pg::quote_identifier(publication),
                "cannot drop publication '" + publication + "'");
    if (!dropped) return std::unexpected(dropped.error());
  }
  return {};
}

}  // namespace rapidbyte::connectors::source_postgres
