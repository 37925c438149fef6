#include "host/engine/state/postgres_state_backend.hpp"

#include "host/engine/state/cursor_codec.hpp"

namespace rapidbyte::engine {

namespace {

using Params = std::vector<std::optional<std::string>>;

// Entry i moves schema version i to i + 1.
constexpr const char* kMigrations[] = {
    R"sql(
      CREATE TABLE rapidbyte_state.runs (
        id BIGSERIAL PRIMARY KEY,
        pipeline TEXT NOT NULL,
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at TIMESTAMPTZ,
        status TEXT NOT NULL,
        records BIGINT NOT NULL DEFAULT 0,
        bytes BIGINT NOT NULL DEFAULT 0,
        error TEXT);
      CREATE INDEX runs_by_pipeline ON rapidbyte_state.runs (pipeline, id);
      CREATE TABLE rapidbyte_state.cursors (
        pipeline TEXT NOT NULL,
        stream TEXT NOT NULL,
        cursor_field TEXT,
        cursor_value TEXT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (pipeline, stream));
      CREATE TABLE rapidbyte_state.connector_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
      CREATE TABLE rapidbyte_state.dead_letters (
        id BIGSERIAL PRIMARY KEY,
        pipeline TEXT NOT NULL,
        run_id BIGINT NOT NULL,
        stream TEXT NOT NULL,
        record_json TEXT NOT NULL,
        error_code TEXT NOT NULL,
        error_category INTEGER NOT NULL,
        error_message TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now());
    )sql",
};
static_assert(std::size(kMigrations) == PostgresStateBackend::kSchemaVersion);

// An arbitrary constant that identifies the migration lock of this schema.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7262796461)";

std::string iso(const char* pg_timestamp) {
  // "2026-11-29 05:53:27.095+00" -> "2026-11-29T05:53:27Z"
  std::string t = pg_timestamp;
  if (t.size() < 19) return t;
  t = t.substr(0, 19);
  t[10] = 'T';
  return t + "Z";
}

}  // namespace

StateResult<std::unique_ptr<PostgresStateBackend>> PostgresStateBackend::open(
    const std::string& conninfo) {
  std::unique_ptr<PGconn, FinishConnection> conn(PQconnectdb(conninfo.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string why = conn ? PQerrorMessage(conn.get()) : "out of memory";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return std::unexpected("state database (postgres): cannot connect: " + why);
  }
  // Server notices ("already exists, skipping") are not the user's business.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<PostgresStateBackend> backend(new PostgresStateBackend(std::move(conn)));
  if (auto r = backend->migrate(); !r) return std::unexpected(r.error());
  return backend;
}

StateResult<PostgresStateBackend::ResultPtr> PostgresStateBackend::query(const char* sql,
                                                                         const Params& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  ResultPtr result(PQexecParams(conn_.get(), sql, static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string why = PQerrorMessage(conn_.get());
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return std::unexpected("state database (postgres): " + why);
  }
  return result;
}

StateResult<void> PostgresStateBackend::migrate() {
  std::lock_guard lock(mu_);
  if (auto r = query("BEGIN", {}); !r) return std::unexpected(r.error());
  auto rollback_with = [&](const std::string& e) -> StateResult<void> {
    (void)query("ROLLBACK", {});
    return std::unexpected(e);
  };
  if (auto r = query(kMigrationLock, {}); !r) return rollback_with(r.error());
  for (const char* ddl :
       {"CREATE SCHEMA IF NOT EXISTS rapidbyte_state",
        "CREATE TABLE IF NOT EXISTS rapidbyte_state.schema_version (version INTEGER NOT NULL)"}) {
    if (auto created = query(ddl, {}); !created) return rollback_with(created.error());
  }
  auto version = query("SELECT coalesce(max(version), 0) FROM rapidbyte_state.schema_version", {});
  if (!version) return rollback_with(version.error());
  const int current = std::atoi(PQgetvalue(version->get(), 0, 0));
  if (current > kSchemaVersion) {
    return rollback_with("state database (postgres) has schema version " + std::to_string(current) +
                         ", newer than this build understands (" + std::to_string(kSchemaVersion) +
                         ")");
  }
  for (int v = current; v < kSchemaVersion; ++v) {
    ResultPtr applied(PQexec(conn_.get(), kMigrations[v]));
    if (!applied || PQresultStatus(applied.get()) != PGRES_COMMAND_OK) {
      return rollback_with("state database (postgres): migration to schema version " +
                           std::to_string(v + 1) + " failed: " + PQerrorMessage(conn_.get()));
    }
    if (auto r = query("INSERT INTO rapidbyte_state.schema_version VALUES ($1)",
                       {std::to_string(v + 1)});
        !r) {
      return rollback_with(r.error());
    }
  }
  if (auto r = query("COMMIT", {}); !r) return std::unexpected(r.error());
  return {};
}

// Holds the advisory lock of one pipeline on the backend's session.
class AdvisoryLease final : public RunLease {
 public:
  AdvisoryLease(PostgresStateBackend& backend, std::string key)
      : backend_(backend), key_(std::move(key)) {}
  ~AdvisoryLease() override { backend_.release_lease(key_); }

 private:
  PostgresStateBackend& backend_;
  std::string key_;  // the lock's bigint key, as text
};

StateResult<std::unique_ptr<RunLease>> PostgresStateBackend::acquire_lease(
    const std::string& pipeline) {
  std::lock_guard lock(mu_);
  auto key = query("SELECT hashtextextended('rapidbyte.run:' || $1, 0)::text", {pipeline});
  if (!key) return std::unexpected(key.error());
  const std::string lock_key = PQgetvalue(key->get(), 0, 0);
  auto taken = query("SELECT pg_try_advisory_lock($1::bigint)::text", {lock_key});
  if (!taken) return std::unexpected(taken.error());
  if (std::string_view(PQgetvalue(taken->get(), 0, 0)) != "true") {
    auto holder = query(
        "SELECT a.application_name FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a "
        "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND "
        "((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint LIMIT 1",
        {lock_key});
    const std::string who = holder && PQntuples(holder->get()) == 1
                                ? PQgetvalue(holder->get(), 0, 0)
                                : std::string("another session of this state database");
    return std::unexpected("pipeline '" + pipeline + "' is already running (" + who +
                           "); wait for it to finish or stop it");
  }
  // Describes the holder to a run that is refused.
  if (auto named = query("SELECT set_config('application_name', $1, false)",
                         {"rapidbyte: " + lease_holder_description()});
      !named) {
    (void)query("SELECT pg_advisory_unlock($1::bigint)", {lock_key});
    return std::unexpected(named.error());
  }
  if (auto abandoned =
          query("UPDATE rapidbyte_state.runs SET status = 'abandoned', finished_at = now() WHERE "
                "pipeline = $1 AND status = 'running'",
                {pipeline});
      !abandoned) {
    (void)query("SELECT pg_advisory_unlock($1::bigint)", {lock_key});
    return std::unexpected(abandoned.error());
  }
  return std::make_unique<AdvisoryLease>(*this, lock_key);
}

void PostgresStateBackend::release_lease(const std::string& key) {
  std::lock_guard lock(mu_);
  // A lost session lost the lock too; nothing to report.
  (void)query("SELECT pg_advisory_unlock($1::bigint)", {key});
}

StateResult<int64_t> PostgresStateBackend::begin_run(const std::string& pipeline) {
  std::lock_guard lock(mu_);
  auto r = query(
      "INSERT INTO rapidbyte_state.runs (pipeline, status) VALUES ($1, 'running') RETURNING id",
      {pipeline});
  if (!r) return std::unexpected(r.error());
  return std::stoll(PQgetvalue(r->get(), 0, 0));
}

StateResult<void> PostgresStateBackend::finish_run(int64_t run_id, RunStatus status,
                                                   uint64_t records, uint64_t bytes,
                                                   const std::string& error) {
  std::lock_guard lock(mu_);
  auto r = query(
      "UPDATE rapidbyte_state.runs SET finished_at = now(), status = $1, records = $2, bytes = $3, "
      "error = $4 WHERE id = $5",
      {std::string(run_status_name(status)), std::to_string(records), std::to_string(bytes),
       error.empty() ? std::nullopt : std::optional<std::string>(error), std::to_string(run_id)});
  if (!r) return std::unexpected(r.error());
  return {};
}

StateResult<std::vector<RunRecord>> PostgresStateBackend::recent_runs(const std::string& pipeline,
                                                                      size_t limit) {
  std::lock_guard lock(mu_);
  auto r = query(
      "SELECT id, pipeline, started_at, finished_at, status, records, bytes, error FROM "
      "rapidbyte_state.runs "
      "WHERE pipeline = $1 ORDER BY id DESC LIMIT $2",
      {pipeline, std::to_string(limit)});
  if (!r) return std::unexpected(r.error());
  std::vector<RunRecord> out;
  for (int row = 0; row < PQntuples(r->get()); ++row) {
    auto text = [&](int col) { return std::string(PQgetvalue(r->get(), row, col)); };
    RunRecord rec;
    rec.id = std::stoll(text(0));
    rec.pipeline = text(1);
    rec.started_at = iso(PQgetvalue(r->get(), row, 2));
    rec.finished_at = PQgetisnull(r->get(), row, 3) ? "" : iso(PQgetvalue(r->get(), row, 3));
    rec.status = run_status_from_name(text(4));
    rec.records = std::stoull(text(5));
    rec.bytes = std::stoull(text(6));
    rec.error = text(7);
    out.push_back(std::move(rec));
  }
  return out;
}

StateResult<std::optional<StoredCursor>> PostgresStateBackend::cursor(const std::string& pipeline,
                                                                      const std::string& stream) {
  std::lock_guard lock(mu_);
  auto r = query(
      "SELECT cursor_field, cursor_value FROM rapidbyte_state.cursors WHERE pipeline = $1 AND "
      "stream = $2",
      {pipeline, stream});
  if (!r) return std::unexpected(r.error());
  if (PQntuples(r->get()) == 0) return std::nullopt;
  auto value = decode_cursor_value(PQgetvalue(r->get(), 0, 1));
  if (!value)
    return std::unexpected("state database (postgres): stream '" + stream + "': " + value.error());
  std::optional<std::string> field;
  if (!PQgetisnull(r->get(), 0, 0)) field = PQgetvalue(r->get(), 0, 0);
  return StoredCursor{field, std::move(*value)};
}

StateResult<void> PostgresStateBackend::set_cursor(const std::string& pipeline,
                                                   const std::string& stream,
                                                   const StoredCursor& cursor) {
  std::lock_guard lock(mu_);
  auto r = query(
      "INSERT INTO rapidbyte_state.cursors (pipeline, stream, cursor_field, cursor_value) VALUES "
      "($1, $2, $3, $4) "
      "ON CONFLICT (pipeline, stream) DO UPDATE SET cursor_field = excluded.cursor_field, "
      "cursor_value = excluded.cursor_value, updated_at = now()",
      {pipeline, stream, cursor.cursor_field, encode_cursor_value(cursor.value)});
  if (!r) return std::unexpected(r.error());
  return {};
}

StateResult<void> PostgresStateBackend::clear_cursor(const std::string& pipeline,
                                                     const std::string& stream) {
  std::lock_guard lock(mu_);
  auto r = query("DELETE FROM rapidbyte_state.cursors WHERE pipeline = $1 AND stream = $2",
                 {pipeline, stream});
  if (!r) return std::unexpected(r.error());
  return {};
}

StateResult<std::optional<std::string>> PostgresStateBackend::get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto r = query("SELECT value FROM rapidbyte_state.connector_state WHERE key = $1", {key});
  if (!r) return std::unexpected(r.error());
  if (PQntuples(r->get()) == 0) return std::nullopt;
  return std::string(PQgetvalue(r->get(), 0, 0));
}

StateResult<void> PostgresStateBackend::put(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  auto r = query(
      "INSERT INTO rapidbyte_state.connector_state (key, value) VALUES ($1, $2) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()",
      {key, value});
  if (!r) return std::unexpected(r.error());
  return {};
}

StateResult<bool> PostgresStateBackend::compare_and_set(const std::string& key,
                                                        const std::optional<std::string>& expected,
                                                        const std::string& value) {
  std::lock_guard lock(mu_);
  // One statement each way: atomic against every other writer of the table.
  auto r = expected
               ? query(
                     "UPDATE rapidbyte_state.connector_state SET value = $1, updated_at = now() "
                     "WHERE key = $2 AND value = $3",
                     {value, key, *expected})
               : query(
                     "INSERT INTO rapidbyte_state.connector_state (key, value) VALUES ($1, $2) "
                     "ON CONFLICT (key) DO NOTHING",
                     {key, value});
  if (!r) return std::unexpected(r.error());
  return std::string(PQcmdTuples(r->get())) == "1";
}

StateResult<void> PostgresStateBackend::add_dead_letters(const std::vector<DlqEntry>& entries) {
  std::lock_guard lock(mu_);
  if (auto r = query("BEGIN", {}); !r) return std::unexpected(r.error());
  for (const auto& e : entries) {
    auto r = query(
        "INSERT INTO rapidbyte_state.dead_letters (pipeline, run_id, stream, record_json, "
        "error_code, "
        "error_category, error_message) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {e.pipeline, std::to_string(e.run_id), e.record.stream_name, e.record.record_json,
         e.record.error.code, std::to_string(static_cast<int>(e.record.error.category)),
         e.record.error.message});
    if (!r) {
      (void)query("ROLLBACK", {});
      return std::unexpected(r.error());
    }
  }
  if (auto r = query("COMMIT", {}); !r) return std::unexpected(r.error());
  return {};
}

StateResult<uint64_t> PostgresStateBackend::dead_letter_count(const std::string& pipeline) {
  std::lock_guard lock(mu_);
  auto r =
      query("SELECT count(*) FROM rapidbyte_state.dead_letters WHERE pipeline = $1", {pipeline});
  if (!r) return std::unexpected(r.error());
  return std::stoull(PQgetvalue(r->get(), 0, 0));
}

}  // namespace rapidbyte::engine
