#include "host/engine/state/postgres_state_backend.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <utility>

#include "host/engine/state/cursor_codec.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::engine {

namespace {

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

bool succeeded(const PGresult* result) {
  const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::string text_or_empty(const char* text) {
  return text ? text : "";
}

// How errors name the database: a URL without the password.
std::string display_name(const PGconn* conn) {
  const std::string host = text_or_empty(PQhost(conn));
  const std::string dbname = text_or_empty(PQdb(conn));
  if (host.empty() && dbname.empty()) return "(postgres)";  // a string libpq could not parse
  return "postgres://" + text_or_empty(PQuser(conn)) +
         (text_or_empty(PQpass(conn)).empty() ? "" : ":****") + "@" + host + ":" +
         text_or_empty(PQport(conn)) + "/" + dbname;
}

// `secret`, and its parts between `separators`, as an error could quote them.
void add_secret(std::vector<std::string>& out, const std::string& secret, const char* separators) {
  out.push_back(secret);
  std::string part;
  for (char c : secret + separators[0]) {
    if (std::strchr(separators, c) == nullptr) {
      part += c;
    } else if (!part.empty()) {
      out.push_back(std::exchange(part, {}));
    }
  }
}

// The user:password@ of a URI, up to its last '@' (a password may hold one,
// and libpq would take the rest for the host).
void add_uri_password(std::vector<std::string>& out, const std::string& conninfo) {
  const size_t scheme = conninfo.find("://");
  if (scheme == std::string::npos) return;
  const size_t start = scheme + 3;
  const std::string authority = conninfo.substr(start, conninfo.find_first_of("/?", start) - start);
  const size_t at = authority.rfind('@');
  const size_t colon = authority.find(':');
  if (at != std::string::npos && colon < at) {
    add_secret(out, authority.substr(colon + 1, at - colon - 1), "@");
  }
}

// password=... of the keyword form: quoted, or up to the next keyword=value
// (so that a space in it does not leave its rest showing).
void add_keyword_password(std::vector<std::string>& out, const std::string& conninfo) {
  for (size_t at = conninfo.find("password"); at != std::string::npos;
       at = conninfo.find("password", at + 1)) {
    size_t i = conninfo.find_first_not_of(" \t\n", at + 8);
    if (i == std::string::npos || conninfo[i] != '=') continue;
    i = std::min(conninfo.find_first_not_of(" \t\n", i + 1), conninfo.size());
    std::string value;
    if (i < conninfo.size() && conninfo[i] == '\'') {
      for (++i; i < conninfo.size() && conninfo[i] != '\''; ++i) {
        if (conninfo[i] == '\\' && i + 1 < conninfo.size()) ++i;
        value += conninfo[i];
      }
    } else {
      std::istringstream words(conninfo.substr(i));
      for (std::string word; words >> word && word.find('=') == std::string::npos;) {
        value += (value.empty() ? "" : " ") + word;
      }
    }
    add_secret(out, value, " \t\n");
  }
}

// The passwords a connection string spells out: as libpq parses it, and as
// written, for libpq's errors about a string it cannot parse (they quote it).
std::vector<std::string> passwords_in(const std::string& conninfo) {
  std::vector<std::string> out;
  if (PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr)) {
    for (const PQconninfoOption* o = options; o->keyword; ++o) {
      if (std::string_view(o->keyword) == "password" && o->val) out.emplace_back(o->val);
    }
    PQconninfoFree(options);
  }
  add_uri_password(out, conninfo);
  add_keyword_password(out, conninfo);
  return out;
}

std::string masked(std::string text, std::vector<std::string> secrets) {
  // Longest first, so that a part of a password does not leave the rest.
  std::sort(secrets.begin(), secrets.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 4)) {
      text.replace(at, secret.size(), "****");
    }
  }
  return text;
}

std::string without_trailing_newlines(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// Whether the server ended the session while it was idle (an operator's
// pg_terminate_backend, a restart): it then sent an error and closed the
// connection, both waiting to be read. Reads without blocking.
bool ended_while_idle(PGconn* conn) {
  for (int reads = 0; reads < 8 && PQstatus(conn) == CONNECTION_OK; ++reads) {
    pollfd ready{PQsocket(conn), POLLIN, 0};
    if (::poll(&ready, 1, 0) != 1 || !PQconsumeInput(conn)) break;
  }
  return PQstatus(conn) != CONNECTION_OK;
}

// Sets a flag for its lifetime.
class FlagScope {
 public:
  explicit FlagScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~FlagScope() { flag_ = false; }
  FlagScope(const FlagScope&) = delete;
  FlagScope& operator=(const FlagScope&) = delete;

 private:
  bool& flag_;
};

}  // namespace

PostgresStateBackend::PostgresStateBackend(std::unique_ptr<PGconn, FinishConnection> conn)
    : conn_(std::move(conn)), name_(display_name(conn_.get())) {}

StateResult<std::unique_ptr<PostgresStateBackend>> PostgresStateBackend::open(
    const std::string& conninfo) {
  std::unique_ptr<PGconn, FinishConnection> conn(PQconnectdb(conninfo.c_str()));
  if (!conn) {
    return std::unexpected(
        StateError::unavailable("state database (postgres): cannot connect: out of memory"));
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return std::unexpected(StateError::unavailable(
        "state database " + display_name(conn.get()) + ": cannot connect: " +
        masked(without_trailing_newlines(PQerrorMessage(conn.get())), passwords_in(conninfo))));
  }
  // Server notices ("already exists, skipping") are not the user's business.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<PostgresStateBackend> backend(new PostgresStateBackend(std::move(conn)));
  RB_TRY(backend->migrate());
  return backend;
}

StateError PostgresStateBackend::failure(const std::string& what, const std::string& why,
                                         StateError::Kind kind) const {
  return {kind, "state database " + name_ + ": " + what + ": " +
                    masked(why, {text_or_empty(PQpass(conn_.get()))})};
}

std::string PostgresStateBackend::last_error() const {
  return without_trailing_newlines(PQerrorMessage(conn_.get()));
}

bool PostgresStateBackend::connection_lost() const {
  return PQstatus(conn_.get()) != CONNECTION_OK;
}

PostgresStateBackend::ResultPtr PostgresStateBackend::run(const char* sql, const Params& params) {
  // Without parameters, PQexec: a migration is several statements.
  if (params.empty()) return ResultPtr(PQexec(conn_.get(), sql));
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return ResultPtr(PQexecParams(conn_.get(), sql, static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0));
}

StateResult<PostgresStateBackend::ResultPtr> PostgresStateBackend::query(const std::string& what,
                                                                         const char* sql,
                                                                         const Params& params,
                                                                         Rerun rerun) {
  for (const auto& [key, lease] : leases_) {
    if (lease.lost) {
      return std::unexpected(failure(what, *lease.lost, StateError::Kind::kLeaseHeld));
    }
  }
  // Found before the statement is sent, a lost session has run nothing of
  // it: any statement may go to a new one. (Not within a transaction: the
  // transaction would be gone; transaction() decides.)
  if (!in_transaction_ && ended_while_idle(conn_.get())) {
    RB_TRY(reconnect(what));
  }
  ResultPtr result = run(sql, params);
  if (succeeded(result.get())) return result;
  if (!connection_lost() || in_transaction_) return std::unexpected(failure(what, last_error()));
  const std::string why = last_error();
  auto again = reconnect(what);  // later calls find a session either way
  if (rerun == Rerun::kUnsafe) {
    return std::unexpected(failure(what,
                                   "the connection was lost while the statement ran, so it may "
                                   "or may not have been applied (" +
                                       why + ")"));
  }
  if (!again) return std::unexpected(again.error());
  result = run(sql, params);
  if (succeeded(result.get())) return result;
  return std::unexpected(failure(what, last_error()));
}

StateResult<void> PostgresStateBackend::transaction(
    const std::string& what, const std::function<StateResult<void>()>& body) {
  for (int attempt = 1;; ++attempt) {
    RB_TRY(query(what, "BEGIN", {}));
    bool committing = false;
    StateResult<void> done = [&]() -> StateResult<void> {
      FlagScope in_transaction(in_transaction_);
      RB_TRY(body());
      committing = true;
      RB_TRY(query(what, "COMMIT", {}));
      return {};
    }();
    if (done) return done;
    if (!connection_lost()) {
      (void)run("ROLLBACK", {});
      return done;
    }
    const std::string why = last_error();
    auto again = reconnect(what);
    if (committing) {
      return std::unexpected(failure(what,
                                     "the connection was lost during COMMIT, so the transaction "
                                     "may or may not have been applied (" +
                                         why + ")"));
    }
    if (!again) return again;
    if (attempt == 2) return done;
  }
}

StateResult<void> PostgresStateBackend::reconnect(const std::string& what) {
  PQreset(conn_.get());
  if (connection_lost()) {
    return std::unexpected(
        failure(what, "lost the connection and could not connect again: " + last_error()));
  }
  return take_leases_again(what);
}

// Before anything else runs on a new session: the old one's advisory locks
// ended with it, and another run may have taken one meanwhile.
StateResult<void> PostgresStateBackend::take_leases_again(const std::string& what) {
  std::optional<std::string> first_lost;
  for (auto& [key, lease] : leases_) {
    if (lease.lost) continue;
    ResultPtr taken = run("SELECT pg_try_advisory_lock($1::bigint)::text", {key});
    if (!succeeded(taken.get())) {
      if (connection_lost()) return std::unexpected(failure(what, last_error()));  // next call
      lease.lost = "the run lease of pipeline '" + lease.pipeline +
                   "' was lost with the connection and cannot be taken again: " + last_error();
    } else if (std::string_view(PQgetvalue(taken.get(), 0, 0)) != "true") {
      lease.lost = "the run lease of pipeline '" + lease.pipeline +
                   "' was lost with the connection, and another run holds it now (" +
                   lease_holder(key) + "); this run stops so that two runs do not write the " +
                   "same cursors";
    }
    if (lease.lost && !first_lost) first_lost = lease.lost;
  }
  if (first_lost) {
    return std::unexpected(failure(what, *first_lost, StateError::Kind::kLeaseHeld));
  }
  return leases_.empty() ? StateResult<void>() : describe_holder(what);
}

// Names this process to a run refused the lease (application_name is what
// lease_holder() reads).
StateResult<void> PostgresStateBackend::describe_holder(const std::string& what) {
  ResultPtr named = run("SELECT set_config('application_name', $1, false)",
                        {"rapidbyte: " + lease_holder_description()});
  if (!succeeded(named.get())) return std::unexpected(failure(what, last_error()));
  return {};
}

std::string PostgresStateBackend::lease_holder(const std::string& key) {
  ResultPtr holder =
      run("SELECT a.application_name FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a "
          "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND "
          "((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint LIMIT 1",
          {key});
  return succeeded(holder.get()) && PQntuples(holder.get()) == 1
             ? PQgetvalue(holder.get(), 0, 0)
             : std::string("another session of this state database");
}

StateResult<void> PostgresStateBackend::migrate() {
  std::lock_guard lock(mu_);
  const std::string what = "cannot open";
  return transaction(what, [&]() -> StateResult<void> {
    for (const char* sql :
         {kMigrationLock, "CREATE SCHEMA IF NOT EXISTS rapidbyte_state",
          "CREATE TABLE IF NOT EXISTS rapidbyte_state.schema_version (version INTEGER NOT NULL)"}) {
      RB_TRY(query(what, sql, {}));
    }
    auto version =
        query(what, "SELECT coalesce(max(version), 0) FROM rapidbyte_state.schema_version", {});
    if (!version) return std::unexpected(version.error());
    const int current = std::atoi(PQgetvalue(version->get(), 0, 0));
    if (current > kSchemaVersion) {
      // The transaction's rollback undoes the CREATE ... IF NOT EXISTS above.
      return std::unexpected(
          failure(what,
                  fmt::format("written by a newer version of rapidbyte (schema {}, this build "
                              "knows {}); the database was left as it is",
                              current, kSchemaVersion),
                  StateError::Kind::kUnusable));
    }
    for (int v = current; v < kSchemaVersion; ++v) {
      const std::string step = "cannot migrate to schema version " + std::to_string(v + 1);
      RB_TRY(query(step, kMigrations[v], {}));
      RB_TRY(query(step, "INSERT INTO rapidbyte_state.schema_version VALUES ($1)",
                   {std::to_string(v + 1)}));
    }
    return {};
  });
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

LeaseResult PostgresStateBackend::acquire_lease(const std::string& pipeline) {
  std::lock_guard lock(mu_);
  const std::string what = "cannot take the run lease of pipeline '" + pipeline + "'";
  RB_ASSIGN_OR_RETURN(
      auto key,
      query(what, "SELECT hashtextextended('rapidbyte.run:' || $1, 0)::text", {pipeline}));
  const std::string lock_key = PQgetvalue(key.get(), 0, 0);
  RB_ASSIGN_OR_RETURN(auto taken,
                      query(what, "SELECT pg_try_advisory_lock($1::bigint)::text", {lock_key}));
  if (std::string_view(PQgetvalue(taken.get(), 0, 0)) != "true") {
    return std::unexpected(
        StateError::lease_held("pipeline '" + pipeline + "' is already running (" +
                               lease_holder(lock_key) + "); wait for it to finish or stop it"));
  }
  // From here on, a new session takes the lock again before anything else.
  leases_[lock_key] = HeldLease{pipeline, std::nullopt};
  auto give_up = [&](const StateError& error) -> LeaseResult {
    leases_.erase(lock_key);
    (void)run("SELECT pg_advisory_unlock($1::bigint)", {lock_key});
    return std::unexpected(error);
  };
  if (auto named = describe_holder(what); !named) return give_up(named.error());
  if (auto abandoned =
          query(what,
                "UPDATE rapidbyte_state.runs SET status = 'abandoned', finished_at = now() WHERE "
                "pipeline = $1 AND status = 'running'",
                {pipeline});
      !abandoned) {
    return give_up(abandoned.error());
  }
  return std::make_unique<AdvisoryLease>(*this, lock_key);
}

void PostgresStateBackend::release_lease(const std::string& key) {
  std::lock_guard lock(mu_);
  auto held = leases_.find(key);
  const bool ours = held != leases_.end() && !held->second.lost;
  if (held != leases_.end()) leases_.erase(held);
  // A lost session lost the lock too; nothing to report.
  if (ours && !connection_lost()) (void)run("SELECT pg_advisory_unlock($1::bigint)", {key});
}

StateResult<int64_t> PostgresStateBackend::begin_run(const std::string& pipeline) {
  std::lock_guard lock(mu_);
  // Run twice, it would record two runs.
  RB_ASSIGN_OR_RETURN(
      auto r, query("cannot record the run",
                    "INSERT INTO rapidbyte_state.runs (pipeline, status) VALUES ($1, 'running') "
                    "RETURNING id",
                    {pipeline}, Rerun::kUnsafe));
  return std::stoll(PQgetvalue(r.get(), 0, 0));
}

StateResult<void> PostgresStateBackend::finish_run(int64_t run_id, RunStatus status,
                                                   uint64_t records, uint64_t bytes,
                                                   const std::string& error) {
  std::lock_guard lock(mu_);
  RB_TRY(query(
      "cannot record the end of run " + std::to_string(run_id),
      "UPDATE rapidbyte_state.runs SET finished_at = now(), status = $1, records = $2, bytes = $3, "
      "error = $4 WHERE id = $5",
      {std::string(run_status_name(status)), std::to_string(records), std::to_string(bytes),
       error.empty() ? std::nullopt : std::optional<std::string>(error), std::to_string(run_id)}));
  return {};
}

StateResult<std::vector<RunRecord>> PostgresStateBackend::recent_runs(const std::string& pipeline,
                                                                      size_t limit) {
  std::lock_guard lock(mu_);
  RB_ASSIGN_OR_RETURN(
      auto r,
      query("cannot read run history",
            "SELECT id, pipeline, started_at, finished_at, status, records, bytes, error FROM "
            "rapidbyte_state.runs "
            "WHERE pipeline = $1 ORDER BY id DESC LIMIT $2",
            {pipeline, std::to_string(limit)}));
  std::vector<RunRecord> out;
  for (int row = 0; row < PQntuples(r.get()); ++row) {
    auto text = [&](int col) { return std::string(PQgetvalue(r.get(), row, col)); };
    RunRecord rec;
    rec.id = std::stoll(text(0));
    rec.pipeline = text(1);
    rec.started_at = iso(PQgetvalue(r.get(), row, 2));
    rec.finished_at = PQgetisnull(r.get(), row, 3) ? "" : iso(PQgetvalue(r.get(), row, 3));
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
  const std::string what = "cannot read the cursor of stream '" + stream + "'";
  RB_ASSIGN_OR_RETURN(
      auto r,
      query(what,
            "SELECT cursor_field, cursor_value FROM rapidbyte_state.cursors WHERE pipeline = "
            "$1 AND stream = $2",
            {pipeline, stream}));
  if (PQntuples(r.get()) == 0) return std::nullopt;
  auto value = decode_cursor_value(PQgetvalue(r.get(), 0, 1));
  if (!value) return std::unexpected(failure(what, value.error(), StateError::Kind::kUnusable));
  std::optional<std::string> field;
  if (!PQgetisnull(r.get(), 0, 0)) field = PQgetvalue(r.get(), 0, 0);
  return StoredCursor{field, std::move(*value)};
}

StateResult<void> PostgresStateBackend::set_cursor(const std::string& pipeline,
                                                   const std::string& stream,
                                                   const StoredCursor& cursor) {
  std::lock_guard lock(mu_);
  RB_TRY(query(
      "cannot store the cursor of stream '" + stream + "'",
      "INSERT INTO rapidbyte_state.cursors (pipeline, stream, cursor_field, cursor_value) VALUES "
      "($1, $2, $3, $4) "
      "ON CONFLICT (pipeline, stream) DO UPDATE SET cursor_field = excluded.cursor_field, "
      "cursor_value = excluded.cursor_value, updated_at = now()",
      {pipeline, stream, cursor.cursor_field, encode_cursor_value(cursor.value)}));
  return {};
}

StateResult<void> PostgresStateBackend::clear_cursor(const std::string& pipeline,
                                                     const std::string& stream) {
  std::lock_guard lock(mu_);
  RB_TRY(query("cannot clear the cursor of stream '" + stream + "'",
               "DELETE FROM rapidbyte_state.cursors WHERE pipeline = $1 AND stream = $2",
               {pipeline, stream}));
  return {};
}

StateResult<std::vector<StreamCursor>> PostgresStateBackend::cursors(const std::string& pipeline) {
  std::lock_guard lock(mu_);
  const std::string what = "cannot read the cursors";
  RB_ASSIGN_OR_RETURN(auto r, query(what,
                                    "SELECT stream, cursor_field, cursor_value, updated_at FROM "
                                    "rapidbyte_state.cursors WHERE pipeline = $1 ORDER BY stream",
                                    {pipeline}));
  std::vector<StreamCursor> out;
  for (int row = 0; row < PQntuples(r.get()); ++row) {
    const std::string stream = PQgetvalue(r.get(), row, 0);
    auto value = decode_cursor_value(PQgetvalue(r.get(), row, 2));
    if (!value) {
      return std::unexpected(
          failure("stream '" + stream + "'", value.error(), StateError::Kind::kUnusable));
    }
    std::optional<std::string> field;
    if (!PQgetisnull(r.get(), row, 1)) field = PQgetvalue(r.get(), row, 1);
    out.push_back({stream, {field, std::move(*value)}, iso(PQgetvalue(r.get(), row, 3))});
  }
  return out;
}

StateResult<std::optional<std::string>> PostgresStateBackend::get(const std::string& key) {
  std::lock_guard lock(mu_);
  RB_ASSIGN_OR_RETURN(
      auto r, query("cannot read state '" + key + "'",
                    "SELECT value FROM rapidbyte_state.connector_state WHERE key = $1", {key}));
  if (PQntuples(r.get()) == 0) return std::nullopt;
  return std::string(PQgetvalue(r.get(), 0, 0));
}

StateResult<void> PostgresStateBackend::put(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  RB_TRY(query("cannot write state '" + key + "'",
               "INSERT INTO rapidbyte_state.connector_state (key, value) VALUES ($1, $2) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()",
               {key, value}));
  return {};
}

StateResult<bool> PostgresStateBackend::compare_and_set(const std::string& key,
                                                        const std::optional<std::string>& expected,
                                                        const std::string& value) {
  std::lock_guard lock(mu_);
  const std::string what = "cannot compare-and-set state '" + key + "'";
  // One statement each way: atomic against every other writer of the table.
  // Not run twice: a second run would find its own first write and report
  // the swap as lost.
  RB_ASSIGN_OR_RETURN(
      auto r, expected
                  ? query(what,
                          "UPDATE rapidbyte_state.connector_state SET value = $1, updated_at = "
                          "now() WHERE key = $2 AND value = $3",
                          {value, key, expected}, Rerun::kUnsafe)
                  : query(what,
                          "INSERT INTO rapidbyte_state.connector_state (key, value) VALUES ($1, "
                          "$2) ON CONFLICT (key) DO NOTHING",
                          {key, value}, Rerun::kUnsafe));
  return std::string(PQcmdTuples(r.get())) == "1";
}

StateResult<std::vector<StateEntry>> PostgresStateBackend::state_entries(
    const std::string& prefix) {
  std::lock_guard lock(mu_);
  RB_ASSIGN_OR_RETURN(auto r, query("cannot read connector state",
                                    "SELECT key, value, updated_at FROM "
                                    "rapidbyte_state.connector_state WHERE left(key, "
                                    "length($1)) = $1 ORDER BY key COLLATE \"C\"",
                                    {prefix}));
  std::vector<StateEntry> out;
  out.reserve(static_cast<size_t>(PQntuples(r.get())));
  for (int row = 0; row < PQntuples(r.get()); ++row) {
    out.push_back({PQgetvalue(r.get(), row, 0), PQgetvalue(r.get(), row, 1),
                   iso(PQgetvalue(r.get(), row, 2))});
  }
  return out;
}

StateResult<uint64_t> PostgresStateBackend::delete_state(const std::string& prefix) {
  std::lock_guard lock(mu_);
  RB_ASSIGN_OR_RETURN(auto r, query("cannot delete connector state",
                                    "DELETE FROM rapidbyte_state.connector_state WHERE left(key, "
                                    "length($1)) = $1",
                                    {prefix}));
  return std::stoull(PQcmdTuples(r.get()));
}

StateResult<void> PostgresStateBackend::add_dead_letters(const std::vector<DlqEntry>& entries) {
  std::lock_guard lock(mu_);
  const std::string what = "cannot store dead letters";
  return transaction(what, [&]() -> StateResult<void> {
    for (const auto& e : entries) {
      auto r =
          query(what,
                "INSERT INTO rapidbyte_state.dead_letters (pipeline, run_id, stream, "
                "record_json, error_code, error_category, error_message) VALUES ($1, $2, $3, "
                "$4, $5, $6, $7)",
                {e.pipeline, std::to_string(e.run_id), e.record.stream_name, e.record.record_json,
                 e.record.error.code, std::to_string(static_cast<int>(e.record.error.category)),
                 e.record.error.message});
      if (!r) return std::unexpected(r.error());
    }
    return {};
  });
}

StateResult<uint64_t> PostgresStateBackend::dead_letter_count(const DeadLetterQuery& query) {
  std::lock_guard lock(mu_);
  RB_ASSIGN_OR_RETURN(auto r, this->query("cannot count dead letters",
                                          "SELECT count(*) FROM rapidbyte_state.dead_letters "
                                          "WHERE pipeline = $1 AND ($2::text IS NULL OR stream = "
                                          "$2)",
                                          {query.pipeline, query.stream}));
  return std::stoull(PQgetvalue(r.get(), 0, 0));
}

StateResult<std::vector<DlqEntry>> PostgresStateBackend::dead_letters(const DeadLetterQuery& query,
                                                                      int64_t after, size_t limit) {
  std::lock_guard lock(mu_);
  RB_ASSIGN_OR_RETURN(
      auto r,
      this->query("cannot read dead letters",
                  "SELECT id, run_id, stream, record_json, error_code, error_category, "
                  "error_message, created_at FROM rapidbyte_state.dead_letters WHERE "
                  "pipeline = $1 AND ($2::text IS NULL OR stream = $2) AND id > $3 "
                  "ORDER BY id LIMIT $4",
                  {query.pipeline, query.stream, std::to_string(after), std::to_string(limit)}));
  std::vector<DlqEntry> out;
  for (int row = 0; row < PQntuples(r.get()); ++row) {
    auto text = [&](int col) { return std::string(PQgetvalue(r.get(), row, col)); };
    DlqEntry e;
    e.pipeline = query.pipeline;
    e.id = std::stoll(text(0));
    e.run_id = std::stoll(text(1));
    e.record.stream_name = text(2);
    e.record.record_json = text(3);
    e.record.error.code = text(4);
    e.record.error.category = error_category_from_index(std::stoll(text(5)));
    e.record.error.message = text(6);
    e.created_at = iso(PQgetvalue(r.get(), row, 7));
    out.push_back(std::move(e));
  }
  return out;
}

StateResult<uint64_t> PostgresStateBackend::purge_dead_letters(const DeadLetterQuery& query) {
  std::lock_guard lock(mu_);
  RB_ASSIGN_OR_RETURN(auto r, this->query("cannot purge dead letters",
                                          "DELETE FROM rapidbyte_state.dead_letters WHERE "
                                          "pipeline = $1 AND ($2::text IS NULL OR stream = $2)",
                                          {query.pipeline, query.stream}));
  return std::stoull(PQcmdTuples(r.get()));
}

}  // namespace rapidbyte::engine
