#include "guest/connectors/source-postgres/cdc_reader.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/connectors/source-postgres/change_batch_builder.hpp"
#include "guest/connectors/source-postgres/change_stream.hpp"
#include "guest/connectors/source-postgres/partition_planner.hpp"
#include "guest/connectors/source-postgres/table_catalog.hpp"
#include "guest/connectors/source-postgres/table_reader.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/replication/replication_commands.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

using postgres::Lsn;
using Targets = std::vector<std::unique_ptr<ChangeTarget>>;

// The server pings an idle client after half of this; the client must answer
// within it (while it waits for the destination, too).
constexpr const char* kSenderTimeout = "-c wal_sender_timeout=60s";

sdk::Result<postgres::Connection> connect_replication(
    sdk::Context& ctx, const postgres_common::ConnectionSettings& settings) {
  return postgres_common::connect(ctx, settings,
                                  {{"replication", "database"}, {"options", kSenderTimeout}});
}

// Runs a statement whose result is of no interest.
sdk::Result<void> execute(postgres::Connection& connection, const std::string& sql,
                          const std::string& what) {
  RB_TRY(run_sql(connection, sql, what));
  return {};
}

sdk::Result<bool> slot_exists(postgres::Connection& connection, const std::string& slot) {
  RB_ASSIGN_OR_RETURN(
      auto found, single_value(connection,
                               "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = " +
                                   postgres_common::quote_literal(slot),
                               "cannot look up replication slot '" + slot + "'"));
  return found.has_value();
}

// The name of a temporary slot for a snapshot taken over `connection`
// (CdcOptions::snapshot_slot).
sdk::Result<std::string> snapshot_slot(postgres::Connection& connection,
                                       const CdcOptions& options) {
  RB_ASSIGN_OR_RETURN(auto pid, single_value(connection, "SELECT pg_catalog.pg_backend_pid()",
                                             "cannot read the session's process id"));
  if (!pid) return sdk::internal_error("pg_backend_pid() returned nothing");
  return options.snapshot_slot(*pid);
}

// The committed cursor of a stream: none on its first run.
sdk::Result<std::optional<Lsn>> committed_lsn(const protocol::StreamContext& stream) {
  if (!stream.last_cursor_value) return std::optional<Lsn>();
  auto lsn = lsn_of(stream.last_cursor_value);
  if (!lsn) {
    return sdk::config_error("stream '" + stream.stream_name +
                                 "' has a committed cursor that is not an LSN (it was synced "
                                 "with another sync_mode); clear its state to start cdc",
                             "CURSOR_NOT_LSN");
  }
  return lsn;
}

// A table the publication must publish: its stream, and whether the stream
// takes its snapshot now (rather than resuming from a cursor).
struct PublishedTable {
  postgres_common::TableName table;
  std::string stream;
  bool snapshotting = false;
};

// Whether the connector's own publication stops publishing the tables that
// none of the given streams reads (a run of every cdc stream), or keeps
// them (the plan of one stream's snapshot).
enum class OtherTables : uint8_t { kStopPublishing, kKeep };

// Makes the publication publish the streams' tables. The connector's own
// publication is created with them, gets a table added before that table's
// snapshot, and (kStopPublishing) stops publishing tables no stream reads
// any more. A table missing while its stream resumes from a cursor was
// dropped and created again since (a dropped table leaves every
// publication): its changes meanwhile were never published, so that is an
// error rather than a run that silently applies nothing. A configured
// publication must exist and include every table.
sdk::Result<void> sync_publication(sdk::Context& ctx, postgres::Connection& connection,
                                   const CdcOptions& options,
                                   const std::vector<PublishedTable>& published,
                                   OtherTables others) {
  const std::string& name = options.publication_name();
  const std::string lookup = "cannot look up publication '" + name + "'";
  RB_ASSIGN_OR_RETURN(auto exists,
                      single_value(connection,
                                   "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = " +
                                       postgres_common::quote_literal(name),
                                   lookup));
  if (!exists) {
    if (!options.owns_publication()) {
      return sdk::config_error(
          "publication '" + name + "' (config field 'publication') does not exist",
          "PUBLICATION_MISSING");
    }
    std::string tables;
    for (const auto& p : published) tables += (tables.empty() ? "" : ", ") + p.table.quoted();
    return execute(
        connection,
        "CREATE PUBLICATION " + postgres_common::quote_identifier(name) + " FOR TABLE " + tables,
        "cannot create publication '" + name + "'");
  }
  auto rows = run_sql(connection,
                      "SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables WHERE "
                      "pubname = " +
                          postgres_common::quote_literal(name),
                      lookup);
  if (!rows) return std::unexpected(rows.error());
  std::vector<postgres_common::TableName> members;
  for (const auto& row : rows->front().rows) {
    if (row.size() == 2 && row[0] && row[1]) members.push_back({*row[0], *row[1]});
  }
  auto is_member = [&](const postgres_common::TableName& table) {
    return std::ranges::any_of(members, [&](const postgres_common::TableName& m) {
      return m.schema == table.schema && m.table == table.table;
    });
  };
  for (const PublishedTable& p : published) {
    const postgres_common::TableName& table = p.table;
    if (is_member(table)) continue;
    if (!options.owns_publication()) {
      return sdk::config_error(
          "publication '" + name + "' does not include table " + table.quoted(),
          "PUBLICATION_TABLE");
    }
    if (!p.snapshotting) {
      return sdk::schema_error("publication '" + name + "' of stream '" + p.stream +
                                   "' no longer publishes table " + table.quoted() +
                                   " (was the table dropped and created again?): its changes "
                                   "since then were not published; clear the stream's state "
                                   "(rapidbyte teardown) to take a new snapshot",
                               "PUBLICATION_STALE");
    }
    RB_TRY(execute(connection,
                   "ALTER PUBLICATION " + postgres_common::quote_identifier(name) + " ADD TABLE " +
                       table.quoted(),
                   "cannot add table " + table.quoted() + " to publication '" + name + "'"));
  }
  if (!options.owns_publication() || others == OtherTables::kKeep) return {};
  std::string unread;
  for (const postgres_common::TableName& member : members) {
    const bool read = std::ranges::any_of(published, [&](const PublishedTable& p) {
      return p.table.schema == member.schema && p.table.table == member.table;
    });
    if (!read) unread += (unread.empty() ? "" : ", ") + member.quoted();
  }
  if (unread.empty()) return {};
  ctx.info("publication '" + name + "' stops publishing " + unread + ": no stream reads them");
  return execute(
      connection,
      "ALTER PUBLICATION " + postgres_common::quote_identifier(name) + " DROP TABLE " + unread,
      "cannot drop tables from publication '" + name + "'");
}

// A stream whose cursor is behind the slot's confirmed position has lost
// the changes in between: the slot confirmed them for the streams it was
// read for while this one was not (left out of the pipeline file for a
// while, or a partitioned snapshot finished after the others went on), and
// the server does not send them again.
sdk::Result<void> check_slot_behind_cursors(postgres::Connection& connection,
                                            const std::string& slot,
                                            const std::vector<protocol::StreamContext>& streams,
                                            const std::vector<std::optional<Lsn>>& committed) {
  RB_ASSIGN_OR_RETURN(
      auto text,
      single_value(connection,
                   "SELECT confirmed_flush_lsn::text FROM pg_catalog.pg_replication_slots WHERE "
                   "slot_name = " +
                       postgres_common::quote_literal(slot),
                   "cannot read the position of replication slot '" + slot + "'"));
  if (!text) return {};
  auto confirmed = postgres::parse_lsn(*text);
  if (!confirmed)
    return postgres_common::fail_with(confirmed.error(), "bad LSN from pg_replication_slots");
  for (size_t i = 0; i < streams.size(); ++i) {
    if (!committed[i] || *committed[i] >= *confirmed) continue;
    return sdk::schema_error(
        "stream '" + streams[i].stream_name + "' resumes at " +
            postgres::format_lsn(*committed[i]) + ", but replication slot '" + slot +
            "' confirmed changes up to " + postgres::format_lsn(*confirmed) +
            " (they were read for other streams while this one was not): its changes in "
            "between are lost; reset the stream's state (rapidbyte state reset "
            "<pipeline.yaml> --stream " +
            streams[i].stream_name + ") to take a new snapshot",
        "SLOT_AHEAD");
  }
  return {};
}

// The snapshot of a change stream's read: the table's rows stamped with
// the change columns of `lsn`, every field nullable, and in upsert mode
// (`reset`) a truncate at `lsn` first.
SnapshotRead change_snapshot(Lsn lsn, bool in_transaction, bool reset) {
  SnapshotRead read{snapshot_columns(lsn), in_transaction, /*nullable=*/true, {}};
  if (reset) {
    read.leading_batch = [lsn](std::shared_ptr<const arrow::Schema> schema) {
      return snapshot_reset_batch(std::move(schema), lsn);
    };
  }
  return read;
}

// Reads the snapshots of `targets` in one REPEATABLE READ READ ONLY
// transaction whose first step, `position()`, fixes the snapshot and
// returns its LSN (creating the slot that exports it, or reading the
// current WAL position). `start`: each snapshot begins with a reset row
// (in upsert mode) and ends with a checkpoint at the LSN, where its stream's
// changes begin; otherwise (a preview) rows only.
template <class Position>
sdk::Result<Lsn> read_snapshots(sdk::Context& ctx, postgres::Connection& connection,
                                const std::vector<ChangeTarget*>& targets,
                                std::optional<uint64_t> max_records, bool start,
                                Position position) {
  RB_TRY(execute(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                 "cannot start the snapshot"));
  sdk::Result<Lsn> lsn = position();
  if (!lsn) return std::unexpected(lsn.error());
  for (ChangeTarget* target : targets) {
    const protocol::StreamContext& stream = target->stream();
    const bool reset = start && stream.write_mode == protocol::WriteMode::kUpsert;
    RB_ASSIGN_OR_RETURN(auto read,
                        read_table(ctx, connection, target->catalog(), target->table(), stream,
                                   max_records, change_snapshot(*lsn, true, reset)));
    target->emitter().add(read);
  }
  RB_TRY(execute(connection, "COMMIT", "cannot end the snapshot"));
  if (start) {
    for (ChangeTarget* target : targets) {
      target->checkpoint(*lsn, /*force=*/true);
      target->start_at(*lsn);
    }
  }
  return lsn;
}

// Creates pgoutput slot `slot` doing `action` with its snapshot.
sdk::Result<postgres::CreatedSlot> create_slot(postgres::Connection& connection,
                                               const std::string& slot, bool temporary,
                                               postgres::SnapshotAction action) {
  postgres::CreateSlotOptions create;
  create.slot_name = slot;
  create.temporary = temporary;
  create.snapshot = action;
  auto created = postgres::create_replication_slot(connection, create);
  if (!created)
    return postgres_common::fail_with(created.error(),
                                      "cannot create replication slot '" + slot + "'");
  return std::move(*created);
}

// Creates a slot whose snapshot the current transaction uses; its
// consistent point.
sdk::Result<Lsn> create_slot_for_snapshot(sdk::Context& ctx, postgres::Connection& connection,
                                          const std::string& slot, bool temporary) {
  RB_ASSIGN_OR_RETURN(auto created,
                      create_slot(connection, slot, temporary, postgres::SnapshotAction::kUse));
  ctx.info(std::string("created ") + (temporary ? "temporary " : "") + "replication slot '" + slot +
           "' at " + postgres::format_lsn(created.consistent_point) + "; reading the snapshot");
  return created.consistent_point;
}

// money's text form depends on the server's locale, so a full refresh reads
// it as text; pgoutput sends it in binary, which has no such form. A change
// stream reads it in binary in its snapshot too, and both give the amount as
// decimal text with the server's fraction digits, so they agree.
sdk::Result<void> read_money_in_binary(postgres::Connection& connection, TableCatalog& catalog) {
  bool any = false;
  for (auto& table : catalog.tables) {
    for (auto& column : table.columns) any |= column.type_name == "money";
  }
  if (!any) return {};
  auto scale = single_value(connection, "SELECT scale('0'::money::numeric)",
                            "cannot read the fraction digits of money");
  if (!scale) return std::unexpected(scale.error());
  int32_t digits = 2;
  if (*scale) std::from_chars((*scale)->data(), (*scale)->data() + (*scale)->size(), digits);
  catalog.codec_options.money_scale = digits;
  for (auto& table : catalog.tables) {
    for (auto& column : table.columns) {
      if (column.type_name != "money") continue;
      column.type = {postgres::oid::kMoney, -1};
      column.needs_text_cast = false;
      column.builtin_type = false;  // the destination gets text, as in a full refresh
    }
  }
  return {};
}

// The catalog of each stream's table, as its change target.
sdk::Result<Targets> make_targets(sdk::Context& ctx, postgres::Connection& connection,
                                  const CdcOptions& options,
                                  const std::vector<protocol::StreamContext>& streams) {
  Targets targets;
  for (const auto& stream : streams) {
    RB_ASSIGN_OR_RETURN(auto catalog, stream_catalog(connection, stream));
    RB_TRY(read_money_in_binary(connection, catalog));
    targets.push_back(std::make_unique<ChangeTarget>(ctx, stream, std::move(catalog),
                                                     options.mode == CdcMode::kContinuous));
  }
  return targets;
}

// A dry run changes nothing: no publication, no slot, no end marker. It
// previews the rows a first run's snapshots would deliver (the tables as
// they are now, the change columns stamped with the current WAL position),
// over an ordinary connection.
sdk::Result<protocol::ReadSummary> preview_snapshots(
    sdk::Context& ctx, const postgres_common::ConnectionSettings& settings,
    const CdcOptions& options, const std::vector<protocol::StreamContext>& streams,
    std::optional<uint64_t> max_records) {
  RB_ASSIGN_OR_RETURN(auto connection, postgres_common::connect(ctx, settings));
  RB_ASSIGN_OR_RETURN(auto targets, make_targets(ctx, connection, options, streams));
  std::vector<ChangeTarget*> all;
  for (const auto& t : targets) all.push_back(t.get());
  ctx.info("dry run: previewing snapshots (no replication slot or publication is created)");
  RB_TRY(
      read_snapshots(ctx, connection, all, max_records, /*start=*/false, [&]() -> sdk::Result<Lsn> {
        auto current = single_value(connection, "SELECT pg_catalog.pg_current_wal_lsn()::text",
                                    "cannot read the current WAL position");
        if (!current) return std::unexpected(current.error());
        auto parsed = postgres::parse_lsn(current->value_or(""));
        if (!parsed)
          return postgres_common::fail_with(parsed.error(), "bad LSN from pg_current_wal_lsn");
        return *parsed;
      }));
  protocol::ReadSummary total;
  for (const auto& t : targets) {
    total.records += t->summary().records;
    total.bytes += t->summary().bytes;
    total.batches += t->summary().batches;
  }
  return total;
}

// The error for streams with cursors whose slot is gone; names the
// per-stream slots of an earlier version when those are there instead.
sdk::Result<void> missing_slot(postgres::Connection& connection, const CdcOptions& options,
                               const Targets& targets) {
  std::string legacy;
  for (const auto& t : targets) {
    const std::string name = options.legacy_name_for(t->table().name);
    RB_ASSIGN_OR_RETURN(auto found, slot_exists(connection, name));
    if (found) legacy += (legacy.empty() ? "'" : ", '") + name + "'";
  }
  if (!legacy.empty()) {
    return sdk::schema_error("replication slot '" + options.slot() +
                                 "' does not exist, but the streams have per-stream slots of an "
                                 "earlier version (" +
                                 legacy +
                                 "): run `rapidbyte teardown` once to move to one slot per "
                                 "pipeline (the next run takes new snapshots)",
                             "SLOT_MISSING");
  }
  std::string streams;
  for (const auto& t : targets) {
    if (!t->stream().last_cursor_value) continue;
    streams += (streams.empty() ? "'" : ", '") + t->stream().stream_name + "'";
  }
  return sdk::schema_error("replication slot '" + options.slot() + "' is gone, but streams " +
                               streams +
                               " have cursors: changes since may be lost; clear their state "
                               "(rapidbyte teardown) to take new snapshots",
                           "SLOT_MISSING");
}

}  // namespace

sdk::Result<Lsn> begin_change_snapshot(sdk::Context& ctx,
                                       const postgres_common::ConnectionSettings& settings,
                                       const CdcOptions& options,
                                       const protocol::StreamContext& stream,
                                       postgres::Connection& importer) {
  // Resumed slices (their plan's cursor): the changes after it must still
  // be there, published and kept by the slot.
  RB_ASSIGN_OR_RETURN(const std::optional<Lsn> resumed, committed_lsn(stream));
  RB_ASSIGN_OR_RETURN(auto connection, connect_replication(ctx, settings));
  RB_ASSIGN_OR_RETURN(auto catalog, stream_catalog(connection, stream));
  const TableInfo& table = *catalog.find(postgres_common::parse_table_name(stream.stream_name));
  RB_TRY(sync_publication(ctx, connection, options,
                          {{table.name, stream.stream_name, !resumed.has_value()}},
                          OtherTables::kKeep));
  const std::string& slot = options.slot();
  RB_ASSIGN_OR_RETURN(auto had_slot, slot_exists(connection, slot));
  if (resumed && !had_slot) {
    return sdk::schema_error("replication slot '" + slot + "' is gone, but the unfinished " +
                                 "snapshot of stream '" + stream.stream_name + "' resumes at " +
                                 postgres::format_lsn(*resumed) +
                                 ": its changes since may be lost; reset the stream's state "
                                 "(rapidbyte state reset <pipeline.yaml> --stream " +
                                 stream.stream_name + ") to take a new snapshot",
                             "SLOT_MISSING");
  }
  if (resumed) RB_TRY(check_slot_behind_cursors(connection, slot, {stream}, {resumed}));
  if (!had_slot) {
    RB_ASSIGN_OR_RETURN(auto created,
                        create_slot(connection, slot, false, postgres::SnapshotAction::kNoExport));
    ctx.info("created replication slot '" + slot + "' at " +
             postgres::format_lsn(created.consistent_point));
  }
  // A temporary slot made after the pipeline's slot: its snapshot is
  // consistent with its own consistent point, and the pipeline's slot keeps
  // every change after it.
  RB_ASSIGN_OR_RETURN(const std::string temporary, snapshot_slot(connection, options));
  RB_ASSIGN_OR_RETURN(auto created,
                      create_slot(connection, temporary, true, postgres::SnapshotAction::kExport));
  if (!created.snapshot_name)
    return sdk::internal_error("CREATE_REPLICATION_SLOT exported no snapshot");
  RB_TRY(execute(importer, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                 "cannot start the snapshot"));
  RB_TRY(
      execute(importer,
              "SET TRANSACTION SNAPSHOT " + postgres_common::quote_literal(*created.snapshot_name),
              "cannot import the snapshot of replication slot '" + temporary + "'"));
  ctx.info("planning the snapshot of stream '" + stream.stream_name + "' at " +
           postgres::format_lsn(created.consistent_point));
  // Closing the replication connection drops the temporary slot; the
  // importer's transaction keeps the snapshot.
  return created.consistent_point;
}

sdk::Result<protocol::ReadSummary> read_change_slice(
    sdk::Context& ctx, const postgres_common::ConnectionSettings& settings,
    const protocol::StreamContext& stream, std::optional<uint64_t> max_records) {
  if (!stream.partition) return sdk::internal_error("a slice read needs the stream's partition");
  RB_ASSIGN_OR_RETURN(auto bound, slice_cursor_bound(*stream.partition));
  const std::optional<Lsn> lsn = bound ? lsn_of(bound->max) : std::nullopt;
  if (!lsn) {
    return sdk::internal_error("slice " + std::to_string(stream.partition->index) +
                                   " of cdc stream '" + stream.stream_name +
                                   "' carries no LSN of its snapshot",
                               "BAD_SLICE");
  }
  RB_ASSIGN_OR_RETURN(auto connection, postgres_common::connect(ctx, settings));
  RB_ASSIGN_OR_RETURN(auto catalog, stream_catalog(connection, stream));
  RB_TRY(read_money_in_binary(connection, catalog));
  const TableInfo& table = *catalog.find(postgres_common::parse_table_name(stream.stream_name));
  // Every slice starts with the reset row: the destination applies the
  // first one of the plan's generation only (so a resumed plan does not
  // empty what its finished slices wrote).
  return read_table(
      ctx, connection, catalog, table, stream, max_records,
      change_snapshot(*lsn, false, stream.write_mode == protocol::WriteMode::kUpsert));
}

sdk::Result<protocol::ReadSummary> read_changes(sdk::Context& ctx,
                                                const postgres_common::ConnectionSettings& settings,
                                                const CdcOptions& options,
                                                const std::vector<protocol::StreamContext>& streams,
                                                std::optional<uint64_t> max_records, bool dry_run) {
  if (streams.empty()) return protocol::ReadSummary{};
  if (dry_run) return preview_snapshots(ctx, settings, options, streams, max_records);
  std::vector<std::optional<Lsn>> committed;
  for (const auto& stream : streams) {
    RB_ASSIGN_OR_RETURN(auto lsn, committed_lsn(stream));
    committed.push_back(lsn);
  }
  const bool resuming = std::ranges::any_of(committed, [](const auto& c) { return c.has_value(); });

  RB_ASSIGN_OR_RETURN(auto connection, connect_replication(ctx, settings));
  RB_ASSIGN_OR_RETURN(auto made, make_targets(ctx, connection, options, streams));
  Targets& targets = made;
  const std::string& slot = options.slot();
  RB_ASSIGN_OR_RETURN(auto had_slot, slot_exists(connection, slot));
  if (resuming && !had_slot) {
    auto error = missing_slot(connection, options, targets);
    return std::unexpected(error.error());
  }
  std::vector<PublishedTable> published;
  std::vector<ChangeTarget*> to_snapshot;
  for (size_t i = 0; i < targets.size(); ++i) {
    published.push_back({targets[i]->table().name, streams[i].stream_name, !committed[i]});
    if (committed[i]) {
      targets[i]->start_at(*committed[i]);
    } else {
      to_snapshot.push_back(targets[i].get());
    }
  }
  RB_TRY(sync_publication(ctx, connection, options, published, OtherTables::kStopPublishing));
  if (had_slot) RB_TRY(check_slot_behind_cursors(connection, slot, streams, committed));

  if (!resuming) {
    // No snapshot was ever committed: (re)create the slot and take them all.
    if (had_slot) {
      if (auto dropped = postgres::drop_replication_slot(connection, slot); !dropped) {
        return postgres_common::fail_with(dropped.error(),
                                          "cannot drop the unfinished slot '" + slot + "'");
      }
    }
    auto taken = read_snapshots(ctx, connection, to_snapshot, max_records, /*start=*/true, [&] {
      return create_slot_for_snapshot(ctx, connection, slot, false);
    });
    if (!taken) return std::unexpected(taken.error());
  } else if (!to_snapshot.empty()) {
    // Streams new to a running slot: a temporary slot's snapshot, and the
    // shared slot's changes to their tables after its consistent point.
    RB_ASSIGN_OR_RETURN(const std::string temporary, snapshot_slot(connection, options));
    RB_TRY(read_snapshots(ctx, connection, to_snapshot, max_records, /*start=*/true, [&] {
      return create_slot_for_snapshot(ctx, connection, temporary, true);
    }));
    if (auto dropped = postgres::drop_replication_slot(connection, temporary); !dropped) {
      return postgres_common::fail_with(dropped.error(),
                                        "cannot drop replication slot '" + temporary + "'");
    }
  }

  std::optional<Lsn> end_marker;
  if (options.mode == CdcMode::kBounded) {
    RB_ASSIGN_OR_RETURN(auto marker,
                        single_value(connection,
                                     std::string("SELECT pg_logical_emit_message(false, ") +
                                         postgres_common::quote_literal(kEndMarkerPrefix) + ", " +
                                         postgres_common::quote_literal(slot) + ")::text",
                                     "cannot mark the end of a bounded cdc run"));
    if (!marker) return sdk::internal_error("pg_logical_emit_message returned nothing");
    auto parsed = postgres::parse_lsn(*marker);
    if (!parsed)
      return postgres_common::fail_with(parsed.error(), "bad LSN from pg_logical_emit_message");
    end_marker = *parsed;
  }
  ChangeStream changes(ctx, options, targets, max_records);
  RB_TRY(changes.run(connection, end_marker));
  protocol::ReadSummary total;
  for (const auto& t : targets) {
    const protocol::ReadSummary& own = t->summary();
    ctx.metric(
        {"records",
         protocol::MetricValue(std::in_place_index<protocol::metric_kind::kCounter>, own.records),
         {{"stream", t->stream().stream_name}}});
    total.records += own.records;
    total.bytes += own.bytes;
    total.batches += own.batches;
    total.checkpoints += own.checkpoints;
  }
  return total;
}

sdk::Result<void> teardown_changes(sdk::Context& ctx,
                                   const postgres_common::ConnectionSettings& settings,
                                   const CdcOptions& options,
                                   const std::vector<protocol::StreamContext>& streams) {
  RB_ASSIGN_OR_RETURN(auto connection, connect_replication(ctx, settings));
  std::vector<std::string> slots = {options.slot()};
  std::vector<std::string> publications;
  if (options.owns_publication()) publications.push_back(options.publication_name());
  for (const auto& stream : streams) {
    const std::string legacy =
        options.legacy_name_for(postgres_common::parse_table_name(stream.stream_name));
    slots.push_back(legacy);
    if (options.owns_publication()) publications.push_back(legacy);
  }
  for (const std::string& slot : slots) {
    RB_ASSIGN_OR_RETURN(auto exists, slot_exists(connection, slot));
    if (!exists) continue;
    if (auto dropped = postgres::drop_replication_slot(connection, slot); !dropped) {
      return postgres_common::fail_with(dropped.error(),
                                        "cannot drop replication slot '" + slot + "'");
    }
    ctx.info("dropped replication slot '" + slot + "'");
  }
  for (const std::string& publication : publications) {
    if (auto dropped =
            execute(connection,
                    "DROP PUBLICATION IF EXISTS " + postgres_common::quote_identifier(publication),
                    "cannot drop publication '" + publication + "'");
        !dropped) {
      return dropped;
    }
  }
  return {};
}

}  // namespace rapidbyte::connectors::source_postgres
