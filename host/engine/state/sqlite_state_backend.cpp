#include "host/engine/state/sqlite_state_backend.hpp"

#include <fmt/chrono.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "host/engine/state/cursor_codec.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::engine {

namespace {

namespace p = rapidbyte::protocol;

struct FinalizeStatement {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// A prepared statement with positional binding, stepped to completion or row
// by row.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    rc_ = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    stmt_.reset(raw);
  }
  bool ok() const { return rc_ == SQLITE_OK || rc_ == SQLITE_ROW || rc_ == SQLITE_DONE; }

  Statement& bind(int i, const std::string& v) {
    if (ok())
      rc_ =
          sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, const std::optional<std::string>& v) {
    if (!v) {
      if (ok()) rc_ = sqlite3_bind_null(stmt_.get(), i);
      return *this;
    }
    return bind(i, *v);
  }
  Statement& bind(int i, int64_t v) {
    if (ok()) rc_ = sqlite3_bind_int64(stmt_.get(), i, v);
    return *this;
  }
  // Next row: true while rows come, false at the end or on error (see ok()).
  bool step() {
    if (!ok()) return false;
    rc_ = sqlite3_step(stmt_.get());
    return rc_ == SQLITE_ROW;
  }
  std::optional<std::string> text(int col) const {
    if (sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL) return std::nullopt;
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
    return std::string(t, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col)));
  }
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  std::string error() const { return sqlite3_errmsg(db_); }

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> stmt_;
  int rc_;
};

std::string now_iso8601() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

// Schema migrations, in order; entry i moves version i to i + 1.
constexpr const char* kMigrations[] = {
    R"sql(
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        pipeline TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        records INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        error TEXT);
      CREATE INDEX runs_by_pipeline ON runs (pipeline, id);
      CREATE TABLE cursors (
        pipeline TEXT NOT NULL,
        stream TEXT NOT NULL,
        cursor_field TEXT,
        cursor_value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (pipeline, stream));
      CREATE TABLE connector_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL);
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        pipeline TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        stream TEXT NOT NULL,
        record_json TEXT NOT NULL,
        error_code TEXT NOT NULL,
        error_category INTEGER NOT NULL,
        error_message TEXT NOT NULL,
        created_at TEXT NOT NULL);
    )sql",
};
static_assert(std::size(kMigrations) == SqliteStateBackend::kSchemaVersion);

}  // namespace

namespace {

// Why this process cannot write the state database at `path`, if it cannot.
// Besides the file, SQLite must create files next to it: the database when
// it is new, and the -wal and -shm files of WAL mode.
std::optional<std::string> unwritable(const std::filesystem::path& path) {
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored) &&
      ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0) {
    return std::string("the file cannot be written (") + std::strerror(errno) + ")";
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
    return "cannot create files in its directory " + dir.string() + " (" + std::strerror(errno) +
           "), as SQLite must for its -wal and -shm files";
  }
  return std::nullopt;
}

// Why the last call on `db` failed, in the terms of the state database: a
// corrupt file, another connection's lock, a file this process cannot write.
std::string explain_error(sqlite3* db, const std::filesystem::path& path,
                          std::chrono::milliseconds busy_timeout) {
  std::string message = sqlite3_errmsg(db);
  switch (sqlite3_errcode(db) & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return "not a valid state database (" + message + "); the file was left as it is";
    case SQLITE_BUSY:
      return fmt::format("{}: another connection held its write lock for more than {:g} s", message,
                         std::chrono::duration<double>(busy_timeout).count());
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return unwritable(path).value_or(message);
    default:
      return message;
  }
}

}  // namespace

StateError SqliteStateBackend::failure(const std::string& what, const std::string& why,
                                       StateError::Kind kind) const {
  return {kind, "state database " + path_.string() + ": " + what + ": " + why};
}

StateError SqliteStateBackend::failure(const std::string& what) const {
  const int code = sqlite3_errcode(db_.get()) & 0xff;
  const bool corrupt = code == SQLITE_NOTADB || code == SQLITE_CORRUPT;
  return failure(what, explain_error(db_.get(), path_, busy_timeout_),
                 corrupt ? StateError::Kind::kUnusable : StateError::Kind::kUnavailable);
}

StateResult<std::unique_ptr<SqliteStateBackend>> SqliteStateBackend::open(
    const std::filesystem::path& path, std::chrono::milliseconds busy_timeout) {
  std::error_code ec;  // a directory that cannot be created fails the open below
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  std::unique_ptr<sqlite3, CloseDb> db(raw);
  const std::string cannot_open = "state database " + path.string() + ": cannot open: ";
  if (rc != SQLITE_OK) {
    return std::unexpected(StateError::unavailable(
        cannot_open + (raw ? explain_error(raw, path, busy_timeout) : sqlite3_errstr(rc))));
  }
  // SQLite opens a file it may not write for reading instead; a run writes.
  if (sqlite3_db_readonly(raw, "main") == 1) {
    return std::unexpected(StateError::unavailable(
        cannot_open + unwritable(path).value_or("the file cannot be written")));
  }
  sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));
  std::unique_ptr<SqliteStateBackend> backend(
      new SqliteStateBackend(std::move(db), path, busy_timeout));
  RB_TRY(backend->migrate());
  return backend;
}

StateResult<int64_t> SqliteStateBackend::schema_version() {
  Statement version(db_.get(), "PRAGMA user_version");
  if (!version.step()) return std::unexpected(failure("cannot open"));
  return version.integer(0);
}

// A SQLite database without a schema version that holds tables belongs to
// something else; migrating would add the state tables into it.
StateResult<void> SqliteStateBackend::refuse_foreign_database() {
  Statement tables(db_.get(),
                   "SELECT group_concat(name, ', ') FROM (SELECT name FROM sqlite_schema WHERE "
                   "type = 'table' ORDER BY name)");
  if (!tables.step()) return std::unexpected(failure("cannot open"));
  if (auto names = tables.text(0)) {
    return std::unexpected(failure("cannot open",
                                   "not a valid state database (a SQLite database "
                                   "with other tables: " +
                                       *names + "); the file was left as it is",
                                   StateError::Kind::kUnusable));
  }
  return {};
}

StateResult<void> SqliteStateBackend::migrate() {
  std::lock_guard lock(mu_);
  sqlite3* db = db_.get();
  // Everything that may refuse the file only reads it, so a refused file is
  // left as it is.
  RB_ASSIGN_OR_RETURN(auto current, schema_version());
  if (current > kSchemaVersion) {
    return std::unexpected(
        failure("cannot open",
                fmt::format("written by a newer version of rapidbyte (schema {}, this build "
                            "knows {}); the file was left as it is",
                            current, kSchemaVersion),
                StateError::Kind::kUnusable));
  }
  if (current == 0) {
    RB_TRY(refuse_foreign_database());
  }
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr,
                   nullptr) != SQLITE_OK) {
    return std::unexpected(failure("cannot enable WAL"));
  }
  for (int64_t v = current; v < kSchemaVersion; ++v) {
    const std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[v] +
                            "PRAGMA user_version = " + std::to_string(v + 1) + "; COMMIT;";
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      StateError why = failure("cannot migrate to schema version " + std::to_string(v + 1));
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return std::unexpected(why);
    }
  }
  return {};
}

StateResult<void> SqliteStateBackend::in_place(const std::string& what) {
  // SQLite compares the inode it holds open with the one the path names now.
  int moved = 0;
  if (sqlite3_file_control(db_.get(), "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK ||
      !moved) {
    return {};
  }
  // The -wal file at the path still holds the gone file's last writes, and
  // whoever opens the path next would apply them to the file there now (nor
  // does SQLite, seeing the file moved, clean up on close): move them into
  // the gone file and empty the -wal. Through the open files, so a -wal that
  // came with a replacement is not touched.
  sqlite3_wal_checkpoint_v2(db_.get(), "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  return std::unexpected(failure(
      what, "the file was deleted or replaced while the run had it open; this write is lost",
      StateError::Kind::kUnusable));
}

// Checked before the write, so nothing goes through a stale -wal file into
// a replacement; and after, since the file may have gone meanwhile. A
// failed write leaves no transaction open.
template <class Write>
StateResult<void> SqliteStateBackend::write(const std::string& what, Write&& write) {
  RB_TRY(in_place(what));
  if (!write()) {
    StateError why = failure(what);  // before ROLLBACK replaces the error
    if (!sqlite3_get_autocommit(db_.get()))
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    return std::unexpected(why);
  }
  return in_place(what);
}

namespace {

// Holds a flock on the lease file; closing the file releases it, and so
// does the end of the process.
class FileLease final : public RunLease {
 public:
  explicit FileLease(int fd) : fd_(fd) {}
  ~FileLease() override { ::close(fd_); }
  FileLease(const FileLease&) = delete;
  FileLease& operator=(const FileLease&) = delete;

 private:
  int fd_;
};

// The pipeline name in a file name: characters other than letters, digits,
// '-', '_' and '.' become '_', plus a hash when any did, so names stay apart.
std::string file_name_part(const std::string& pipeline) {
  std::string out;
  bool exact = true;
  for (char c : pipeline) {
    const bool plain =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += plain ? c : '_';
    exact &= plain;
  }
  if (exact) return out;
  uint64_t hash = 14695981039346656037ull;  // FNV-1a: stable across builds
  for (char c : pipeline) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return out + "-" + std::to_string(hash);
}

}  // namespace

LeaseResult SqliteStateBackend::acquire_lease(const std::string& pipeline) {
  const std::string path = path_.string() + ".lease-" + file_name_part(pipeline);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return std::unexpected(failure("cannot open the lease file " + path, std::strerror(errno)));
  }
  auto lease = std::make_unique<FileLease>(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error != EWOULDBLOCK) {
      return std::unexpected(failure("cannot lock " + path, std::strerror(error)));
    }
    char holder[512] = {};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    const std::string who =
        n > 0 ? std::string(holder, static_cast<size_t>(n)) : std::string("another process");
    return std::unexpected(StateError::lease_held(
        "pipeline '" + pipeline + "' is already running (" + who + ", state " + path_.string() +
        "); wait for it to finish or stop it"));
  }
  const std::string me = lease_holder_description();
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    return std::unexpected(failure("cannot write " + path, std::strerror(errno)));
  }
  std::lock_guard lock(mu_);
  RB_TRY(write("cannot mark abandoned runs", [&] {
    Statement s(db_.get(),
                "UPDATE runs SET status = 'abandoned', finished_at = ? WHERE pipeline = ? AND "
                "status = 'running'");
    s.bind(1, now_iso8601()).bind(2, pipeline).step();
    return s.ok();
  }));
  return lease;
}

StateResult<int64_t> SqliteStateBackend::begin_run(const std::string& pipeline) {
  std::lock_guard lock(mu_);
  RB_TRY(write("cannot record the run", [&] {
    Statement s(db_.get(),
                "INSERT INTO runs (pipeline, started_at, status) VALUES (?, ?, 'running')");
    s.bind(1, pipeline).bind(2, now_iso8601()).step();
    return s.ok();
  }));
  return sqlite3_last_insert_rowid(db_.get());
}

StateResult<void> SqliteStateBackend::finish_run(int64_t run_id, RunStatus status, uint64_t records,
                                                 uint64_t bytes, const std::string& error) {
  std::lock_guard lock(mu_);
  return write("cannot record the end of run " + std::to_string(run_id), [&] {
    Statement s(db_.get(),
                "UPDATE runs SET finished_at = ?, status = ?, records = ?, bytes = ?, error = ? "
                "WHERE id = ?");
    s.bind(1, now_iso8601())
        .bind(2, std::string(run_status_name(status)))
        .bind(3, static_cast<int64_t>(records))
        .bind(4, static_cast<int64_t>(bytes))
        .bind(5, error.empty() ? std::nullopt : std::optional<std::string>(error))
        .bind(6, run_id)
        .step();
    return s.ok();
  });
}

StateResult<std::vector<RunRecord>> SqliteStateBackend::recent_runs(const std::string& pipeline,
                                                                    size_t limit) {
  std::lock_guard lock(mu_);
  Statement s(
      db_.get(),
      "SELECT id, pipeline, started_at, finished_at, status, records, bytes, error FROM runs "
      "WHERE pipeline = ? ORDER BY id DESC LIMIT ?");
  s.bind(1, pipeline).bind(2, static_cast<int64_t>(limit));
  std::vector<RunRecord> out;
  while (s.step()) {
    RunRecord r;
    r.id = s.integer(0);
    r.pipeline = s.text(1).value_or("");
    r.started_at = s.text(2).value_or("");
    r.finished_at = s.text(3).value_or("");
    r.status = run_status_from_name(s.text(4).value_or(""));
    r.records = static_cast<uint64_t>(s.integer(5));
    r.bytes = static_cast<uint64_t>(s.integer(6));
    r.error = s.text(7).value_or("");
    out.push_back(std::move(r));
  }
  if (!s.ok()) return std::unexpected(failure("cannot read run history"));
  return out;
}

StateResult<std::optional<StoredCursor>> SqliteStateBackend::cursor(const std::string& pipeline,
                                                                    const std::string& stream) {
  std::lock_guard lock(mu_);
  Statement s(db_.get(),
              "SELECT cursor_field, cursor_value FROM cursors WHERE pipeline = ? AND stream = ?");
  s.bind(1, pipeline).bind(2, stream);
  if (!s.step()) {
    if (!s.ok())
      return std::unexpected(failure("cannot read the cursor of stream '" + stream + "'"));
    return std::nullopt;
  }
  auto value = decode_cursor_value(s.text(1).value_or(""));
  if (!value)
    return std::unexpected(
        failure("stream '" + stream + "'", value.error(), StateError::Kind::kUnusable));
  return StoredCursor{s.text(0), std::move(*value)};
}

StateResult<void> SqliteStateBackend::set_cursor(const std::string& pipeline,
                                                 const std::string& stream,
                                                 const StoredCursor& cursor) {
  std::lock_guard lock(mu_);
  return write("cannot store the cursor of stream '" + stream + "'", [&] {
    Statement s(db_.get(),
                "INSERT INTO cursors (pipeline, stream, cursor_field, cursor_value, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (pipeline, stream) DO UPDATE SET "
                "cursor_field = excluded.cursor_field, cursor_value = excluded.cursor_value, "
                "updated_at = excluded.updated_at");
    s.bind(1, pipeline)
        .bind(2, stream)
        .bind(3, cursor.cursor_field)
        .bind(4, encode_cursor_value(cursor.value));
    s.bind(5, now_iso8601()).step();
    return s.ok();
  });
}

StateResult<void> SqliteStateBackend::clear_cursor(const std::string& pipeline,
                                                   const std::string& stream) {
  std::lock_guard lock(mu_);
  return write("cannot clear the cursor of stream '" + stream + "'", [&] {
    Statement s(db_.get(), "DELETE FROM cursors WHERE pipeline = ? AND stream = ?");
    s.bind(1, pipeline).bind(2, stream).step();
    return s.ok();
  });
}

StateResult<std::vector<StreamCursor>> SqliteStateBackend::cursors(const std::string& pipeline) {
  std::lock_guard lock(mu_);
  Statement s(db_.get(),
              "SELECT stream, cursor_field, cursor_value, updated_at FROM cursors WHERE pipeline = "
              "? ORDER BY stream");
  s.bind(1, pipeline);
  std::vector<StreamCursor> out;
  while (s.step()) {
    const std::string stream = s.text(0).value_or("");
    auto value = decode_cursor_value(s.text(2).value_or(""));
    if (!value) {
      return std::unexpected(
          failure("stream '" + stream + "'", value.error(), StateError::Kind::kUnusable));
    }
    out.push_back({stream, {s.text(1), std::move(*value)}, s.text(3).value_or("")});
  }
  if (!s.ok()) return std::unexpected(failure("cannot read the cursors"));
  return out;
}

StateResult<std::optional<std::string>> SqliteStateBackend::get(const std::string& key) {
  std::lock_guard lock(mu_);
  Statement s(db_.get(), "SELECT value FROM connector_state WHERE key = ?");
  s.bind(1, key);
  if (!s.step()) {
    if (!s.ok()) return std::unexpected(failure("cannot read state '" + key + "'"));
    return std::nullopt;
  }
  return s.text(0);
}

StateResult<void> SqliteStateBackend::put(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  return write("cannot write state '" + key + "'", [&] {
    Statement s(
        db_.get(),
        "INSERT INTO connector_state (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
    s.bind(1, key).bind(2, value).bind(3, now_iso8601()).step();
    return s.ok();
  });
}

StateResult<bool> SqliteStateBackend::compare_and_set(const std::string& key,
                                                      const std::optional<std::string>& expected,
                                                      const std::string& value) {
  std::lock_guard lock(mu_);
  // One statement each way, so the check and the write are atomic even
  // against other processes sharing the file.
  RB_TRY(write("cannot compare-and-set state '" + key + "'", [&] {
    Statement s(db_.get(), expected ? "UPDATE connector_state SET value = ?1, updated_at = ?3 "
                                      "WHERE key = ?2 AND value = ?4"
                                    : "INSERT INTO connector_state (key, value, updated_at) "
                                      "VALUES (?2, ?1, ?3) ON CONFLICT (key) DO NOTHING");
    s.bind(1, value).bind(2, key).bind(3, now_iso8601());
    if (expected) s.bind(4, *expected);
    s.step();
    return s.ok();
  }));
  return sqlite3_changes(db_.get()) == 1;
}

StateResult<std::vector<StateEntry>> SqliteStateBackend::state_entries(const std::string& prefix) {
  std::lock_guard lock(mu_);
  Statement s(db_.get(),
              "SELECT key, value, updated_at FROM connector_state WHERE substr(key, 1, length(?1)) "
              "= ?1 ORDER BY key");
  s.bind(1, prefix);
  std::vector<StateEntry> out;
  while (s.step())
    out.push_back({s.text(0).value_or(""), s.text(1).value_or(""), s.text(2).value_or("")});
  if (!s.ok()) return std::unexpected(failure("cannot read connector state"));
  return out;
}

StateResult<uint64_t> SqliteStateBackend::delete_state(const std::string& prefix) {
  std::lock_guard lock(mu_);
  RB_TRY(write("cannot delete connector state", [&] {
    Statement s(db_.get(), "DELETE FROM connector_state WHERE substr(key, 1, length(?1)) = ?1");
    s.bind(1, prefix).step();
    return s.ok();
  }));
  return static_cast<uint64_t>(sqlite3_changes(db_.get()));
}

StateResult<void> SqliteStateBackend::add_dead_letters(const std::vector<DlqEntry>& entries) {
  std::lock_guard lock(mu_);
  sqlite3* db = db_.get();
  return write("cannot store dead letters", [&] {
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return false;
    const std::string now = now_iso8601();
    for (const auto& e : entries) {
      Statement s(db,
                  "INSERT INTO dead_letters (pipeline, run_id, stream, record_json, error_code, "
                  "error_category, error_message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      s.bind(1, e.pipeline)
          .bind(2, e.run_id)
          .bind(3, e.record.stream_name)
          .bind(4, e.record.record_json);
      s.bind(5, e.record.error.code).bind(6, static_cast<int64_t>(e.record.error.category));
      s.bind(7, e.record.error.message).bind(8, now).step();
      if (!s.ok()) return false;
    }
    return sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  });
}

StateResult<uint64_t> SqliteStateBackend::dead_letter_count(const DeadLetterQuery& query) {
  std::lock_guard lock(mu_);
  Statement s(db_.get(),
              "SELECT count(*) FROM dead_letters WHERE pipeline = ?1 AND (?2 IS NULL OR stream = "
              "?2)");
  s.bind(1, query.pipeline).bind(2, query.stream);
  if (!s.step()) return std::unexpected(failure("cannot count dead letters"));
  return static_cast<uint64_t>(s.integer(0));
}

StateResult<std::vector<DlqEntry>> SqliteStateBackend::dead_letters(const DeadLetterQuery& query,
                                                                    int64_t after, size_t limit) {
  std::lock_guard lock(mu_);
  Statement s(db_.get(),
              "SELECT id, run_id, stream, record_json, error_code, error_category, error_message, "
              "created_at FROM dead_letters WHERE pipeline = ?1 AND (?2 IS NULL OR stream = ?2) "
              "AND id > ?3 ORDER BY id LIMIT ?4");
  s.bind(1, query.pipeline).bind(2, query.stream).bind(3, after);
  s.bind(4, static_cast<int64_t>(limit));
  std::vector<DlqEntry> out;
  while (s.step()) {
    DlqEntry e;
    e.pipeline = query.pipeline;
    e.id = s.integer(0);
    e.run_id = s.integer(1);
    e.record.stream_name = s.text(2).value_or("");
    e.record.record_json = s.text(3).value_or("");
    e.record.error.code = s.text(4).value_or("");
    e.record.error.category = error_category_from_index(s.integer(5));
    e.record.error.message = s.text(6).value_or("");
    e.created_at = s.text(7).value_or("");
    out.push_back(std::move(e));
  }
  if (!s.ok()) return std::unexpected(failure("cannot read dead letters"));
  return out;
}

StateResult<uint64_t> SqliteStateBackend::purge_dead_letters(const DeadLetterQuery& query) {
  std::lock_guard lock(mu_);
  RB_TRY(write("cannot purge dead letters", [&] {
    Statement s(db_.get(),
                "DELETE FROM dead_letters WHERE pipeline = ?1 AND (?2 IS NULL OR stream = ?2)");
    s.bind(1, query.pipeline).bind(2, query.stream).step();
    return s.ok();
  }));
  return static_cast<uint64_t>(sqlite3_changes(db_.get()));
}

}  // namespace rapidbyte::engine
