// source-postgres: reads PostgreSQL tables and views through the host's TCP
// (and TLS), with the project's own wire-protocol client.
//
//   validate  connects, checks the configured schemas and tables exist and
//             that the user may SELECT from each table: one check per problem.
//   discover  a typed catalog of the tables and views of `schemas`, and of
//             each requested stream's table wherever it is.
//   read      full refresh or incremental by cursor (table_reader.hpp),
//             COPY BINARY straight into Arrow batches; cdc from logical
//             replication (cdc_reader.hpp).
//   plan      splits a stream into slices of one exported snapshot
//             (partition_planner.hpp); a read of a slice imports it. A cdc
//             stream's initial snapshot is a replication slot's
//             (cdc_reader.hpp).
//   teardown  drops the replication slot and publication of the cdc streams.
//
// Stream names are "schema.table", or "table" for the public schema. The
// connector owns one connection per `run`, closed at the end of the call,
// except the one holding a plan's snapshot, kept until close().
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guest/connectors/postgres-common/connection_manifest.hpp"
#include "guest/connectors/postgres-common/connection_settings.hpp"
#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/connectors/source-postgres/cdc_options.hpp"
#include "guest/connectors/source-postgres/cdc_reader.hpp"
#include "guest/connectors/source-postgres/cursor_column.hpp"
#include "guest/connectors/source-postgres/partition_planner.hpp"
#include "guest/connectors/source-postgres/table_catalog.hpp"
#include "guest/connectors/source-postgres/table_reader.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/type_oids.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

sdk::Result<std::vector<std::string>> string_list(const sdk::JsonConfig& config, const char* field,
                                                  std::vector<std::string> fallback) {
  const rapidjson::Value* value = config.member(field);
  if (!value) return fallback;
  if (!value->IsArray()) {
    return sdk::config_error(std::string("config field '") + field + "' must be a list of strings");
  }
  std::vector<std::string> out;
  for (const auto& item : value->GetArray()) {
    if (!item.IsString()) {
      return sdk::config_error(std::string("config field '") + field +
                               "' must be a list of strings");
    }
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

// Whether an incremental read can order by the column (check refuses a
// cursor_field that cannot): a type CursorColumn supports, and of the types
// decoded as text only the character types, which compare as text (json,
// enums or a type read through a text cast do not).
bool orders_as_cursor(const ColumnInfo& column, const arrow::Field& field) {
  if (!CursorColumn::supports(field.type)) return false;
  if (field.type.id() != arrow::TypeId::kUtf8) return true;
  namespace oid = postgres::oid;
  const uint32_t type = column.type.type_oid;
  return !column.needs_text_cast && (type == oid::kText || type == oid::kVarchar ||
                                     type == oid::kBpchar || type == oid::kName);
}

protocol::CatalogStream to_catalog_stream(const TableInfo& table,
                                          const postgres::CodecOptions& options) {
  protocol::CatalogStream stream;
  stream.name = table.name.stream_name();
  stream.namespace_ = table.name.schema;
  for (const ColumnInfo& column : table.columns) {
    auto codec = postgres::make_codec(column.type, options);
    const arrow::Field field = codec ? (*codec)->field(column.name) : arrow::field(column.name, {});
    stream.columns.push_back(
        {column.name, column.type_name, field.type.to_string(), !column.not_null});
    if (orders_as_cursor(column, field)) stream.cursor_candidates.push_back(column.name);
  }
  stream.primary_key = table.primary_key;
  stream.sync_modes = {protocol::SyncMode::kFullRefresh, protocol::SyncMode::kIncremental};
  // Logical replication publishes tables, not views, and streams updates
  // and deletes only of tables whose replica identity names their rows.
  if ((table.kind == 'r' || table.kind == 'p') && table.identifies_rows)
    stream.sync_modes.push_back(protocol::SyncMode::kCdc);
  return stream;
}

const char* kind_name(char kind) {
  switch (kind) {
    case 'v':
      return "view";
    case 'm':
      return "materialized view";
    case 'f':
      return "foreign table";
    default:
      return "table";
  }
}

class SourcePostgres final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    auto config = sdk::JsonConfig::parse(config_json);
    if (!config) return std::unexpected(config.error());
    RB_ASSIGN_OR_RETURN(auto settings, postgres_common::parse_connection_settings(*config));
    settings_ = std::move(settings);
    auto schemas = string_list(*config, "schemas", {"public"});
    if (!schemas) return std::unexpected(schemas.error());
    if (schemas->empty()) return sdk::config_error("config field 'schemas' is empty");
    schemas_ = std::move(*schemas);
    auto tables = string_list(*config, "tables", {});
    if (!tables) return std::unexpected(tables.error());
    tables_ = std::move(*tables);
    RB_ASSIGN_OR_RETURN(auto cdc, CdcOptions::parse(*config));
    cdc_ = std::move(cdc);
    return {};
  }

  sdk::Result<protocol::ValidationReport> validate(sdk::Context& ctx) override {
    auto connection = postgres_common::connect(ctx, settings_);
    if (!connection) return std::unexpected(connection.error());
    protocol::ValidationReport report;
    auto add = [&](std::string name, protocol::CheckStatus status, std::string message) {
      report.checks.push_back({std::move(name), status, std::move(message)});
      if (status == protocol::CheckStatus::kFailed) {
        report.status = protocol::CheckStatus::kFailed;
      } else if (status == protocol::CheckStatus::kWarning &&
                 report.status == protocol::CheckStatus::kPassed) {
        report.status = protocol::CheckStatus::kWarning;
      }
    };
    add("connection", protocol::CheckStatus::kPassed,
        "connected to PostgreSQL " +
            std::string(connection->parameter("server_version").value_or("?")) + " as " +
            settings_.describe());

    std::string list;
    for (const auto& s : schemas_)
      list += (list.empty() ? "" : ", ") + postgres_common::quote_literal(s);
    RB_ASSIGN_OR_RETURN(
        auto found,
        run_sql(*connection,
                "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname IN (" + list + ")",
                "cannot check schemas"));
    for (const auto& schema : schemas_) {
      bool exists = false;
      for (const auto& row : found.front().rows) exists |= row[0] && *row[0] == schema;
      if (!exists) {
        add("schema " + schema, protocol::CheckStatus::kFailed,
            "schema '" + schema + "' does not exist");
      }
    }

    RB_ASSIGN_OR_RETURN(auto catalog, load_table_catalog(*connection, schemas_));
    RB_TRY(check_cdc(*connection, add));
    if (!tables_.empty()) {
      for (const auto& stream : tables_) {
        const postgres_common::TableName name = postgres_common::parse_table_name(stream);
        const TableInfo* table = catalog.find(name);
        if (!table) {
          RB_ASSIGN_OR_RETURN(auto other, load_table_catalog(*connection, {}, name));
          table = other.find(name);
          if (table && !table->can_select) {
            add("table " + stream, protocol::CheckStatus::kFailed,
                "no SELECT privilege on " + table->name.quoted() + " for user '" + settings_.user +
                    "'");
          } else if (!table) {
            add("table " + stream, protocol::CheckStatus::kFailed,
                "table " + name.quoted() + " does not exist");
          }
          continue;
        }
        if (!table->can_select) {
          add("table " + stream, protocol::CheckStatus::kFailed,
              "no SELECT privilege on " + table->name.quoted() + " for user '" + settings_.user +
                  "'");
        }
      }
    } else {
      size_t readable = 0;
      for (const auto& table : catalog.tables) {
        if (table.can_select) {
          ++readable;
        } else {
          add("table " + table.name.stream_name(), protocol::CheckStatus::kFailed,
              std::string("no SELECT privilege on ") + kind_name(table.kind) + " " +
                  table.name.quoted() + " for user '" + settings_.user + "'");
        }
      }
      add("tables", protocol::CheckStatus::kPassed,
          std::to_string(readable) + " of " + std::to_string(catalog.tables.size()) +
              " tables and views readable");
    }
    return report;
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& request) override {
    switch (request.phase) {
      case protocol::RunPhase::kDiscover:
        return discover(ctx, request.streams);
      case protocol::RunPhase::kRead:
        if (request.streams.size() == 1 && request.streams[0].partition &&
            request.streams[0].sync_mode == protocol::SyncMode::kCdc) {
          auto summary = read_change_slice(ctx, settings_, request.streams[0], request.max_records);
          if (!summary) return std::unexpected(summary.error());
          return sdk::summary(*summary);
        }
        if (!request.streams.empty() &&
            std::ranges::all_of(request.streams, [](const protocol::StreamContext& s) {
              return s.sync_mode == protocol::SyncMode::kCdc;
            })) {
          auto summary = read_changes(ctx, settings_, cdc_, request.streams, request.max_records,
                                      request.dry_run);
          if (!summary) return std::unexpected(summary.error());
          return sdk::summary(*summary);
        }
        if (request.streams.size() != 1) {
          return sdk::internal_error("read needs exactly one stream, or cdc streams only; got " +
                                         std::to_string(request.streams.size()),
                                     "BAD_STREAMS");
        }
        return read(ctx, request.streams[0], request.max_records);
      case protocol::RunPhase::kPlan:
        if (request.streams.size() != 1 || !request.streams[0].partition) {
          return sdk::internal_error("plan needs exactly one stream with a partition request",
                                     "BAD_STREAMS");
        }
        return plan(ctx, request.streams[0], request.dry_run);
      case protocol::RunPhase::kTeardown: {
        std::vector<protocol::StreamContext> changes;
        for (const auto& stream : request.streams) {
          if (stream.sync_mode == protocol::SyncMode::kCdc) changes.push_back(stream);
        }
        if (changes.empty()) return sdk::summary(protocol::ReadSummary{});
        RB_TRY(teardown_changes(ctx, settings_, cdc_, changes));
        return sdk::summary(protocol::ReadSummary{});
      }
      default:  // the SDK runs a source with no other phase
        return sdk::unsupported_phase(kRole, request.phase);
    }
  }

 private:
  // What sync_mode cdc needs: wal_level logical, and for each configured
  // table a replica identity that identifies rows. Warnings, since streams
  // that do not use cdc need neither.
  template <class Add>
  sdk::Result<void> check_cdc(postgres::Connection& connection, Add& add) {
    RB_ASSIGN_OR_RETURN(auto level,
                        single_value(connection, "SHOW wal_level", "cannot read wal_level"));
    const std::string wal_level = level.value_or("?");
    add("cdc wal_level",
        wal_level == "logical" ? protocol::CheckStatus::kPassed : protocol::CheckStatus::kWarning,
        wal_level == "logical" ? "wal_level is logical"
                               : "wal_level is " + wal_level + "; sync_mode cdc needs logical");
    if (wal_level == "logical") {
      RB_TRY(check_replication(connection, add));
    }
    for (const auto& stream : tables_) {
      const postgres_common::TableName name = postgres_common::parse_table_name(stream);
      auto identity = run_sql(
          connection,
          "SELECT c.relreplident::text, EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE "
          "i.indrelid = c.oid AND (i.indisprimary OR i.indisreplident))::text FROM "
          "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
          "n.nspname = " +
              postgres_common::quote_literal(name.schema) +
              " AND c.relname = " + postgres_common::quote_literal(name.table),
          "cannot read the replica identity of " + name.quoted());
      if (!identity) return std::unexpected(identity.error());
      if (identity->front().rows.empty()) continue;
      const std::string kind = identity->front().rows[0][0].value_or("d");
      const bool has_key = identity->front().rows[0][1].value_or("false") == "true";
      std::string message;
      protocol::CheckStatus status = protocol::CheckStatus::kPassed;
      if (kind == "f") {
        message = "replica identity FULL: updates and deletes carry the whole old row";
      } else if (kind == "n" || !has_key) {
        status = protocol::CheckStatus::kWarning;
        message =
            "replica identity " +
            std::string(kind == "n" ? "NOTHING" : "DEFAULT without a primary key") +
            ": updates and deletes cannot be streamed (set a primary key or REPLICA IDENTITY FULL)";
      } else {
        message = std::string("replica identity ") +
                  (kind == "i" ? "INDEX" : "DEFAULT (primary key)") +
                  ": unchanged TOAST values of updates are not sent (the destination keeps them)";
      }
      add("cdc replica identity " + stream, status, message);
    }
    return {};
  }

  // What a cdc run will ask of the server, each one line: the REPLICATION
  // privilege, the slot (check_slot), free slots and walsenders (a stream
  // added to a running slot takes a temporary slot for its snapshot), how
  // much WAL the server lets a slot keep, and the publication
  // check_publication.
  template <class Add>
  sdk::Result<void> check_replication(postgres::Connection& connection, Add& add) {
    using protocol::CheckStatus;
    RB_ASSIGN_OR_RETURN(
        auto facts,
        run_sql(
            connection,
            "SELECT (SELECT rolreplication OR rolsuper FROM pg_catalog.pg_roles WHERE rolname = "
            "current_user)::text, "
            "current_setting('max_replication_slots')::int - (SELECT count(*) FROM "
            "pg_catalog.pg_replication_slots), "
            "current_setting('max_wal_senders')::int - (SELECT count(*) FROM "
            "pg_catalog.pg_stat_replication), "
            "current_setting('max_slot_wal_keep_size')",
            "cannot read the replication settings"));
    const auto& row = facts.front().rows.at(0);
    const bool may_replicate = row[0].value_or("false") == "true";
    add("cdc replication privilege", may_replicate ? CheckStatus::kPassed : CheckStatus::kFailed,
        may_replicate ? "user '" + settings_.user + "' may start replication"
                      : "user '" + settings_.user +
                            "' lacks the REPLICATION attribute (ALTER ROLE ... REPLICATION)");
    auto number = [](const std::optional<std::string>& text) {
      int value = 0;
      if (text) std::from_chars(text->data(), text->data() + text->size(), value);
      return value;
    };
    const int free_slots = number(row[1]);
    const int free_senders = number(row[2]);
    RB_TRY(check_slot(connection, add, free_slots));
    add("cdc headroom",
        free_slots >= 1 && free_senders >= 1 ? CheckStatus::kPassed : CheckStatus::kWarning,
        std::to_string(free_slots) + " replication slots and " + std::to_string(free_senders) +
            " walsenders free; a run uses one walsender, and a stream added to a running "
            "pipeline one temporary slot");
    const std::string keep = row[3].value_or("-1");
    add("cdc max_slot_wal_keep_size", CheckStatus::kPassed,
        keep == "-1" ? "unlimited: the slot keeps WAL until the pipeline confirms it (a pipeline "
                       "stopped for long fills the server's disk)"
                     : keep +
                           ": a pipeline that falls further behind loses its slot and must "
                           "take new snapshots");
    return check_publication(connection, add);
  }

  // The slot, when it exists, must be a logical pgoutput slot of this
  // database that no other session streams from; otherwise a slot must be
  // free to create it.
  template <class Add>
  sdk::Result<void> check_slot(postgres::Connection& connection, Add& add, int free_slots) {
    using protocol::CheckStatus;
    const std::string slot = cdc_.slot();
    RB_ASSIGN_OR_RETURN(auto found,
                        run_sql(connection,
                                "SELECT coalesce(plugin, ''), slot_type, coalesce(database, ''), "
                                "coalesce(active_pid::text, ''), coalesce(wal_status, ''), "
                                "current_database() FROM pg_catalog.pg_replication_slots WHERE "
                                "slot_name = " +
                                    postgres_common::quote_literal(slot),
                                "cannot look up replication slot '" + slot + "'"));
    const std::string line = "cdc slot " + slot;
    if (found.front().rows.empty()) {
      add(line, free_slots >= 1 ? CheckStatus::kPassed : CheckStatus::kFailed,
          free_slots >= 1
              ? "slot '" + slot + "' will be created on the first run (" +
                    std::to_string(free_slots) + " of max_replication_slots free)"
              : "slot '" + slot + "' does not exist and max_replication_slots is used up");
      return {};
    }
    const auto& row = found.front().rows[0];
    auto text = [&](size_t i) { return row[i].value_or(""); };
    if (text(0) != "pgoutput" || text(1) != "logical") {
      add(line, CheckStatus::kFailed,
          "slot '" + slot + "' exists but is a " + text(1) + " slot of plugin '" + text(0) +
              "'; cdc needs a logical pgoutput slot (choose another slot_name)");
    } else if (text(2) != text(5)) {
      add(line, CheckStatus::kFailed,
          "slot '" + slot + "' belongs to database '" + text(2) + "'; choose another slot_name");
    } else if (!text(3).empty()) {
      add(line, CheckStatus::kWarning,
          "slot '" + slot + "' is in use by another session (pid " + text(3) +
              "): another run of this pipeline, or another pipeline with the same slot_name");
    } else if (text(4) == "lost") {
      add(line, CheckStatus::kFailed,
          "slot '" + slot +
              "' was invalidated (its WAL exceeded max_slot_wal_keep_size); run rapidbyte "
              "teardown to take new snapshots");
    } else {
      add(line, CheckStatus::kPassed, "slot '" + slot + "' is a pgoutput slot, idle");
    }
    return {};
  }

  // The publication must publish the configured tables; the connector's own
  // may still be missing (the first run creates it) or lack a table (a
  // stream's first run adds it).
  template <class Add>
  sdk::Result<void> check_publication(postgres::Connection& connection, Add& add) {
    using protocol::CheckStatus;
    const std::string publication = cdc_.publication_name();
    const std::string line = "cdc publication " + publication;
    RB_ASSIGN_OR_RETURN(
        auto members,
        run_sql(connection,
                "SELECT p.pubname IS NOT NULL, (SELECT string_agg(schemaname || '.' || "
                "tablename, ',') FROM pg_catalog.pg_publication_tables t WHERE "
                "t.pubname = p.pubname) FROM (SELECT " +
                    postgres_common::quote_literal(publication) +
                    "::name AS q) q LEFT JOIN pg_catalog.pg_publication p ON p.pubname "
                    "= q.q",
                "cannot read publication '" + publication + "'"));
    const auto& found = members.front().rows.at(0);
    if (found[0].value_or("f") != "t") {
      add(line, cdc_.owns_publication() ? CheckStatus::kPassed : CheckStatus::kFailed,
          cdc_.owns_publication()
              ? "publication '" + publication + "' will be created on the first run"
              : "publication '" + publication + "' (config field 'publication') does not exist");
      return {};
    }
    const std::string published = "," + found[1].value_or("") + ",";
    std::string missing;
    for (const auto& stream : tables_) {
      const postgres_common::TableName name = postgres_common::parse_table_name(stream);
      if (published.find("," + name.schema + "." + name.table + ",") != std::string::npos) continue;
      missing += (missing.empty() ? "" : ", ") + name.quoted();
    }
    if (missing.empty()) {
      add(line, CheckStatus::kPassed,
          "publication '" + publication + "' publishes the configured tables");
    } else {
      add(line, cdc_.owns_publication() ? CheckStatus::kWarning : CheckStatus::kFailed,
          "publication '" + publication + "' does not publish " + missing +
              (cdc_.owns_publication()
                   ? ": a stream's first run adds its table; a stream that resumes from a cursor "
                     "fails (PUBLICATION_STALE)"
                   : ""));
    }
    return {};
  }

  // The tables and views of `schemas` (only those of `tables` when set),
  // and the table of each requested stream wherever it is: a run reads a
  // stream's table by its name, in any schema.
  sdk::Result<protocol::RunSummary> discover(sdk::Context& ctx,
                                             const std::vector<protocol::StreamContext>& streams) {
    RB_ASSIGN_OR_RETURN(auto connection, postgres_common::connect(ctx, settings_));
    RB_ASSIGN_OR_RETURN(auto catalog, load_table_catalog(connection, schemas_));
    protocol::Catalog out;
    auto listed = [&](const postgres_common::TableName& name) {
      return std::ranges::any_of(out.streams, [&](const protocol::CatalogStream& s) {
        return s.namespace_ == name.schema && s.name == name.stream_name();
      });
    };
    for (const auto& table : catalog.tables) {
      if (!tables_.empty()) {
        const std::string name = table.name.stream_name();
        const std::string qualified = table.name.schema + "." + table.name.table;
        if (std::find(tables_.begin(), tables_.end(), name) == tables_.end() &&
            std::find(tables_.begin(), tables_.end(), qualified) == tables_.end()) {
          continue;
        }
      }
      out.streams.push_back(to_catalog_stream(table, catalog.codec_options));
    }
    for (const auto& stream : streams) {
      const postgres_common::TableName name = postgres_common::parse_table_name(stream.stream_name);
      if (listed(name)) continue;
      RB_ASSIGN_OR_RETURN(auto other, load_table_catalog(connection, {}, name));
      if (const TableInfo* table = other.find(name))
        out.streams.push_back(to_catalog_stream(*table, other.codec_options));
    }
    return sdk::summary(std::move(out));
  }

  sdk::Result<protocol::RunSummary> read(sdk::Context& ctx, const protocol::StreamContext& stream,
                                         std::optional<uint64_t> max_records) {
    RB_ASSIGN_OR_RETURN(auto connection, postgres_common::connect(ctx, settings_));
    RB_ASSIGN_OR_RETURN(auto catalog, stream_catalog(connection, stream));
    const TableInfo& table = *catalog.find(postgres_common::parse_table_name(stream.stream_name));
    // A partition's read is its slice, in the snapshot of its plan.
    auto summary = read_table(ctx, connection, catalog, table, stream, max_records);
    if (!summary) return std::unexpected(summary.error());
    return sdk::summary(*summary);
  }

  // Splits the stream into slices of one exported snapshot, which stays
  // importable until close() (partition_planner.hpp). A dry run (`check`)
  // of a cdc stream's plan splits an ordinary snapshot: it makes no slot.
  sdk::Result<protocol::RunSummary> plan(sdk::Context& ctx, const protocol::StreamContext& stream,
                                         bool dry_run) {
    snapshot_holder_.reset();
    RB_ASSIGN_OR_RETURN(auto connection, postgres_common::connect(ctx, settings_));
    std::optional<CursorBound> bound;
    if (stream.sync_mode == protocol::SyncMode::kCdc && !dry_run) {
      // The slices read the snapshot of a replication slot; its LSN is
      // where the stream's changes begin, its cursor once every slice is
      // done.
      RB_ASSIGN_OR_RETURN(postgres::Lsn lsn,
                          begin_change_snapshot(ctx, settings_, cdc_, stream, connection));
      protocol::CursorValue at(std::in_place_index<protocol::cursor_kind::kLsn>, lsn);
      bound = CursorBound{at};
      ctx.checkpoint({protocol::CheckpointKind::kSource, stream.stream_name, std::nullopt,
                      std::move(at), 0, 0});
    } else {
      RB_TRY(run_sql(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                     "cannot start a snapshot"));
    }
    RB_ASSIGN_OR_RETURN(auto catalog, stream_catalog(connection, stream));
    const TableInfo& table = *catalog.find(postgres_common::parse_table_name(stream.stream_name));
    protocol::RunSummary summary;
    summary.read = protocol::ReadSummary{};
    if (stream.sync_mode == protocol::SyncMode::kIncremental) {
      // The stream's cursor once every slice is read: the engine commits it
      // then (a source checkpoint of the plan, PROTOCOL.md).
      RB_ASSIGN_OR_RETURN(auto max, read_max_cursor(connection, catalog, table, stream));
      bound = CursorBound{max};
      if (max) {
        ctx.checkpoint({protocol::CheckpointKind::kSource, stream.stream_name, stream.cursor_field,
                        std::move(max), 0, 0});
      }
    }
    RB_ASSIGN_OR_RETURN(summary.partitions,
                        plan_partitions(connection, table, *stream.partition, bound));
    snapshot_holder_.emplace(std::move(connection));
    return summary;
  }

 public:
  sdk::Result<void> close() override {
    snapshot_holder_.reset();
    return {};
  }

 private:
  postgres_common::ConnectionSettings settings_;
  std::vector<std::string> schemas_;
  std::vector<std::string> tables_;
  CdcOptions cdc_;
  // The connection whose open transaction exported the snapshot of the
  // last plan: the slices can import it while it lives.
  std::optional<postgres::Connection> snapshot_holder_;
};

}  // namespace
}  // namespace rapidbyte::connectors::source_postgres

RAPIDBYTE_EXPORT_SOURCE(rapidbyte::connectors::source_postgres::SourcePostgres)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "source-postgres",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Reads PostgreSQL tables and views: full refresh or incremental by cursor, COPY BINARY into Arrow; cdc from logical replication pgoutput.",
  "capabilities": {"sync_modes": ["full_refresh", "incremental", "cdc"], "write_modes": []},
  "permissions": {"network": {"hosts": [], "hosts_from_config": ["host"]}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 256},
  "config_schema": {
    "type": "object",
    "required": ["host", "user"],
    "properties": {
      RAPIDBYTE_PG_CONNECTION_PROPERTIES,
      "schemas": {"type": "array", "items": {"type": "string"}, "minItems": 1, "default": ["public"]},
      "tables": {"type": "array", "items": {"type": "string"},
                 "description": "Restrict discover and validate to these streams (schema.table or table)."},
      "slot_name": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$", "default": "rapidbyte",
                    "description": "cdc: the replication slot of the pipeline source (one for all its cdc streams), and the name of the publication the connector creates."},
      "publication": {"type": "string", "minLength": 1,
                      "description": "cdc: an existing publication including the tables; unset: one named like the slot, created, kept in step with the streams and dropped by the connector."},
      "max_lag_bytes": {"type": "integer", "minimum": 1,
                        "description": "cdc: log a warning when a run falls further behind the server than this many bytes of WAL (again once it is back within)."},
      "cdc_mode": {"enum": ["bounded", "continuous"], "default": "bounded",
                   "description": "cdc: stop at the WAL position current at the start, or run until stopped."},
      "unchanged_toast": {"enum": ["keep", "dlq"], "default": "keep",
                          "description": "cdc: an update whose unchanged TOAST values were not sent keeps the destination's values, or goes to the DLQ."}
    },
    "additionalProperties": false
  }
});
// clang-format on
