// dest-postgres: writes batches into PostgreSQL tables through the host's
// TCP (and TLS), with the project's own wire-protocol client.
//
// One stream is one table: by default the stream's own schema and table
// ("schema.table", or "table" in public), or its entry in `tables`, or the
// table in the configured target `schema`. table_writer.hpp has the
// write modes and policies. Transactions are committed at the stream's
// checkpoint intervals (after every batch when none is set) and at the end;
// each commit is confirmed with a destination checkpoint, so the engine can
// advance the source cursor. With a seconds interval, an idle input is
// committed when the interval passes (Context::batch_ready), not only when
// the next batch comes. replace commits once, at the swap. Batches of a
// cdc source in upsert mode apply their deletes (change_applier.hpp).
#include <chrono>
#include <optional>
#include <string>

#include "guest/connectors/dest-postgres/table_writer.hpp"
#include "guest/connectors/dest-postgres/target_check.hpp"
#include "guest/connectors/postgres-common/connection_manifest.hpp"
#include "guest/connectors/postgres-common/connection_settings.hpp"
#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

class DestPostgres final : public sdk::Destination {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    auto config = sdk::JsonConfig::parse(config_json);
    if (!config) return std::unexpected(config.error());
    RB_ASSIGN_OR_RETURN(auto settings, postgres_common::parse_connection_settings(*config));
    settings_ = std::move(settings);
    if (config->member("schema")) {
      RB_ASSIGN_OR_RETURN(auto schema, config->get_string("schema", ""));
      if (schema.empty()) return sdk::config_error("config field 'schema' is empty");
      schema_ = schema;
    }
    if (const rapidjson::Value* tables = config->member("tables")) {
      for (const auto& m : tables->GetObject()) {
        if (!m.value.IsString() || m.value.GetStringLength() == 0) {
          return sdk::config_error(std::string("config field 'tables': the target of stream '") +
                                   m.name.GetString() + "' must be a non-empty string");
        }
        tables_.emplace_back(m.name.GetString(), m.value.GetString());
      }
    }
    RB_ASSIGN_OR_RETURN(auto method, config->get_string("load_method", "copy"));
    if (method == "copy") {
      method_ = LoadMethod::kCopy;
    } else if (method == "insert") {
      method_ = LoadMethod::kInsert;
    } else {
      return sdk::config_error("config field 'load_method' must be copy or insert; got '" + method +
                               "'");
    }
    RB_ASSIGN_OR_RETURN(lock_timeout_ms_, config->get_u64("lock_timeout_ms", lock_timeout_ms_));
    RB_ASSIGN_OR_RETURN(auto deletes, config->get_string("delete_mode", "hard"));
    if (deletes == "hard") {
      delete_mode_ = DeleteMode::kHard;
    } else if (deletes == "soft") {
      delete_mode_ = DeleteMode::kSoft;
    } else {
      return sdk::config_error("config field 'delete_mode' must be hard or soft; got '" + deletes +
                               "'");
    }
    return {};
  }

  sdk::Result<protocol::ValidationReport> validate(sdk::Context& ctx) override {
    auto connection = connect(ctx);
    if (!connection) return std::unexpected(connection.error());
    protocol::ValidationReport report;
    report.checks.push_back(
        {"connection", protocol::CheckStatus::kPassed,
         "connected to PostgreSQL " +
             std::string(connection->parameter("server_version").value_or("?")) + " as " +
             settings_.describe()});
    auto allowed = connection->simple_query(
        "SELECT coalesce((SELECT has_schema_privilege(oid, 'CREATE') FROM pg_catalog.pg_namespace "
        "WHERE nspname = " +
        postgres_common::quote_literal(schema_.value_or("public")) +
        "), has_database_privilege(current_database(), 'CREATE'))::text");
    if (!allowed) return std::unexpected(allowed.error().to_connector_error());
    const bool ok = !allowed->front().rows.empty() && allowed->front().rows[0][0] == "true";
    const std::string schema = schema_.value_or("public");
    report.checks.push_back(
        {"schema " + schema, ok ? protocol::CheckStatus::kPassed : protocol::CheckStatus::kFailed,
         ok ? "user '" + settings_.user + "' may create tables in schema '" + schema + "'"
            : "user '" + settings_.user + "' may not create tables in schema '" + schema + "'"});
    if (!ok) report.status = protocol::CheckStatus::kFailed;
    return report;
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& request) override {
    if (request.streams.size() != 1) {
      return sdk::internal_error("write needs exactly one stream", "BAD_STREAMS");
    }
    const protocol::StreamContext& stream = request.streams[0];
    RB_ASSIGN_OR_RETURN(auto connection, connect(ctx));
    if (request.phase == protocol::RunPhase::kFinalize) return finalize(ctx, connection, stream);

    WriterOptions options;
    options.stream_name = stream.stream_name;
    options.target = target_of(stream.stream_name);
    options.resuming = stream.last_cursor_value.has_value();
    options.slice = stream.partition;
    options.mode = stream.write_mode;
    options.primary_key = stream.primary_key;
    options.method = method_;
    options.policies = stream.policies;
    options.delete_mode = delete_mode_;
    // A slice is read again whole when it did not finish, also one of an
    // incremental stream's first read.
    options.commit_at_end =
        stream.write_mode == protocol::WriteMode::kAppend &&
        (stream.sync_mode == protocol::SyncMode::kFullRefresh || stream.partition.has_value());
    if (request.dry_run) return check_target(ctx, connection, options);
    TableWriter writer(connection, ctx, options);
    RB_TRY(writer.start());

    const bool waits_for_checkpoints = stream.write_mode == protocol::WriteMode::kAppend &&
                                       stream.sync_mode == protocol::SyncMode::kIncremental;
    protocol::WriteSummary summary;
    sdk::CheckpointSchedule schedule(stream.limits);
    auto confirm = [&] {
      ctx.checkpoint({protocol::CheckpointKind::kDestination, stream.stream_name, std::nullopt,
                      std::nullopt, schedule.rows(), schedule.bytes()});
      ++summary.checkpoints;
      schedule.restart();
    };
    for (;;) {
      if (auto wait = schedule.idle_wait(); wait && !ctx.batch_ready(*wait)) {
        // Nothing arrived for a whole interval (an idle cdc source): commit
        // what was written. Nothing written since the last commit confirms
        // too, so source checkpoints that came alone (an idle slot's
        // position) still reach the state.
        RB_ASSIGN_OR_RETURN(auto committed, writer.commit());
        if (committed || (schedule.rows() == 0 && schedule.bytes() == 0)) {
          confirm();
        } else {
          schedule.postpone();  // only finish() commits
        }
        continue;
      }
      std::optional<sdk::HostBytes> bytes = ctx.batch_next();
      if (!bytes) break;
      RB_ASSIGN_OR_RETURN(auto rows, sdk::write_ipc_batches(*bytes, summary.batches + 1,
                                                            [&](const arrow::RecordBatch& batch) {
                                                              return writer.write(batch);
                                                            }));
      summary.bytes_written += bytes->size();
      schedule.add(rows, bytes->size());
      ++summary.batches;
      if (schedule.due()) {
        // A source checkpoint queued right behind this batch is taken in
        // first, so the commit also persists its cursor. An incremental
        // append waits for what follows the batch (the next batch, or the
        // end): its source settles the checkpoint at a batch's end once it
        // knows the next row, and rows committed past the persisted cursor
        // would be appended again after a crash.
        (void)ctx.batch_ready(waits_for_checkpoints
                                  ? schedule.idle_wait().value_or(std::chrono::hours(24))
                                  : std::chrono::milliseconds(0));
        RB_ASSIGN_OR_RETURN(auto committed, writer.commit());
        if (committed) confirm();
      }
    }
    RB_TRY(writer.finish());
    confirm();
    summary.records_written = writer.records_written();
    summary.records_failed = writer.records_failed();
    ctx.counter("records", summary.records_written);
    ctx.counter("records_failed", summary.records_failed);
    return sdk::summary(summary);
  }

 private:
  // Completes a partitioned stream once every slice is written: publishes
  // the slices' staging table (slice_ledger.hpp), which replace swaps in and
  // append inserts. Upsert slices merge into the target themselves; the
  // ledger of a cdc snapshot's reset goes.
  sdk::Result<protocol::RunSummary> finalize(sdk::Context& ctx, postgres::Connection& connection,
                                             const protocol::StreamContext& stream) {
    if (!stream.partition) {
      return sdk::internal_error("finalize needs the stream's partition", "BAD_STREAMS");
    }
    const postgres_common::TableName target = target_of(stream.stream_name);
    SliceLedger ledger(connection, target, stream.partition->generation, stream.write_mode);
    RB_TRY(exec_sql(connection, "BEGIN", "cannot begin a transaction"));
    if (stream.write_mode == protocol::WriteMode::kUpsert) {
      RB_TRY(ledger.release());
      RB_TRY(commit_transaction(connection));
      return sdk::summary(protocol::WriteSummary{});
    }
    RB_ASSIGN_OR_RETURN(SliceLedger::Finalized done, ledger.finalize(stream.partition->count));
    RB_TRY(commit_transaction(connection));
    if (done == SliceLedger::Finalized::kAlreadyFinished) {
      ctx.log(protocol::LogLevel::kInfo, "the slices of " + target.quoted() + " (generation " +
                                             std::to_string(stream.partition->generation) +
                                             ") were published before");
    }
    return sdk::summary(protocol::WriteSummary{});
  }

  // Every lock the session waits for (the target's name, its tables for
  // DDL and swaps) is given up after lock_timeout_ms, a retryable error:
  // an attempt frozen while it holds one, or a long query on the target,
  // then fails a run instead of hanging it.
  sdk::Result<postgres::Connection> connect(sdk::Context& ctx) const {
    return postgres_common::connect(
        ctx, settings_, {{"options", "-c lock_timeout=" + std::to_string(lock_timeout_ms_)}});
  }

  postgres_common::ConnectionSettings settings_;
  uint64_t lock_timeout_ms_ = 60000;
  // Where a stream lands: its entry in `tables`; else its own schema and
  // table ("sales.orders" -> sales.orders, "orders" -> public.orders), the
  // schema replaced by `schema` when that is set.
  postgres_common::TableName target_of(const std::string& stream) const {
    for (const auto& [name, table] : tables_) {
      if (name != stream) continue;
      postgres_common::TableName target = postgres_common::parse_table_name(table);
      if (table.find('.') == std::string::npos && schema_) target.schema = *schema_;
      return target;
    }
    postgres_common::TableName target = postgres_common::parse_table_name(stream);
    if (schema_) target.schema = *schema_;
    return target;
  }

  std::optional<std::string> schema_;                        // all streams into this schema
  std::vector<std::pair<std::string, std::string>> tables_;  // stream -> target table
  LoadMethod method_ = LoadMethod::kCopy;
  DeleteMode delete_mode_ = DeleteMode::kHard;
};

}  // namespace
}  // namespace rapidbyte::connectors::dest_postgres

RAPIDBYTE_EXPORT_DESTINATION(rapidbyte::connectors::dest_postgres::DestPostgres)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "dest-postgres",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["destination"],
  "description": "Writes into PostgreSQL tables: append, replace (staging swap) or upsert, by COPY BINARY or INSERT.",
  "capabilities": {"sync_modes": ["full_refresh", "incremental", "cdc"],
                   "write_modes": ["append", "replace", "upsert"]},
  "permissions": {"network": {"hosts": [], "hosts_from_config": ["host"]}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 256},
  "config_schema": {
    "type": "object",
    "required": ["host", "user"],
    "properties": {
      RAPIDBYTE_PG_CONNECTION_PROPERTIES,
      "schema": {"type": "string", "minLength": 1,
                 "description": "Target schema of every stream; created when missing. Unset: each stream keeps its own schema (sales.orders -> sales.orders, orders -> public.orders)."},
      "tables": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                 "description": "Target table per stream name, \"schema.table\" or \"table\" (in `schema`, else public), e.g. {\"sales.orders\": \"analytics.sales_orders\"}."},
      "load_method": {"enum": ["copy", "insert"], "default": "copy",
                      "description": "copy: binary COPY; with on_data_error fail one COPY carries the batches up to each commit (at most about 64 MiB), so a rejected row is reported with its line counted from that COPY's first row. insert: multi-row INSERT."},
      "lock_timeout_ms": {"type": "integer", "minimum": 0, "default": 60000,
                          "description": "How long a write waits for a lock (the target's name, its tables) before it fails with a retryable error; 0 waits for good."},
      "delete_mode": {"enum": ["hard", "soft"], "default": "hard",
                      "description": "Change batches in upsert mode: deletes remove the row, or mark it (_rb_op = delete)."}
    },
    "additionalProperties": false
  }
});
// clang-format on
