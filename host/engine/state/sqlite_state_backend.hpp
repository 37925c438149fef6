// The embedded state backend: one SQLite file in WAL mode, its schema
// versioned and migrated in place on open.
//
// Thread-safe: one connection, calls serialised by a mutex (state writes are
// small and rare next to the data path).
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "host/engine/state/state_backend.hpp"

namespace rapidbyte::engine {

class SqliteStateBackend final : public StateBackend {
 public:
  // How long a statement waits for a lock another connection holds (another
  // run sharing the file, the CLI, sqlite3 in a shell) before it fails
  // naming the file: long enough to outlast any other writer's commit or
  // checkpoint, short enough that a stuck holder fails the run instead of
  // hanging it.
  static constexpr std::chrono::milliseconds kBusyTimeout{10'000};

  // Opens (creating if needed) the database at `path` and brings its schema to
  // the current version. Errors name the file and what failed: a file that
  // is not a valid state database, that this process may not write (nor
  // create files next to), that a newer build wrote, or that is locked. A
  // file it refuses is left as it is. `busy_timeout`: kBusyTimeout but in
  // tests.
  static StateResult<std::unique_ptr<SqliteStateBackend>> open(
      const std::filesystem::path& path, std::chrono::milliseconds busy_timeout = kBusyTimeout);

  // The newest schema version this build writes.
  static constexpr int kSchemaVersion = 1;

  // Every write below fails, naming the file, once the file was deleted or
  // replaced under the backend: SQLite would go on writing into the unlinked
  // file, and the run would report success with its cursors lost.

  // A lock (flock) on the file "<database>.lease-<pipeline>" next to the
  // database; the file holds the holder's description.
  LeaseResult acquire_lease(const std::string& pipeline) override;
  StateResult<int64_t> begin_run(const std::string& pipeline) override;
  StateResult<void> finish_run(int64_t run_id, RunStatus status, uint64_t records, uint64_t bytes,
                               const std::string& error) override;
  StateResult<std::vector<RunRecord>> recent_runs(const std::string& pipeline,
                                                  size_t limit) override;

  StateResult<std::optional<StoredCursor>> cursor(const std::string& pipeline,
                                                  const std::string& stream) override;
  StateResult<void> set_cursor(const std::string& pipeline, const std::string& stream,
                               const StoredCursor& cursor) override;
  StateResult<void> clear_cursor(const std::string& pipeline, const std::string& stream) override;
  StateResult<std::vector<StreamCursor>> cursors(const std::string& pipeline) override;

  StateResult<std::optional<std::string>> get(const std::string& key) override;
  StateResult<void> put(const std::string& key, const std::string& value) override;
  StateResult<bool> compare_and_set(const std::string& key,
                                    const std::optional<std::string>& expected,
                                    const std::string& value) override;
  StateResult<std::vector<StateEntry>> state_entries(const std::string& prefix) override;
  StateResult<uint64_t> delete_state(const std::string& prefix) override;

  StateResult<void> add_dead_letters(const std::vector<DlqEntry>& entries) override;
  StateResult<uint64_t> dead_letter_count(const DeadLetterQuery& query) override;
  StateResult<std::vector<DlqEntry>> dead_letters(const DeadLetterQuery& query, int64_t after,
                                                  size_t limit) override;
  StateResult<uint64_t> purge_dead_letters(const DeadLetterQuery& query) override;

 private:
  struct CloseDb {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };

  SqliteStateBackend(std::unique_ptr<sqlite3, CloseDb> db, std::filesystem::path path,
                     std::chrono::milliseconds busy_timeout)
      : db_(std::move(db)), path_(std::move(path)), busy_timeout_(busy_timeout) {}

  StateResult<void> migrate();
  StateResult<int64_t> schema_version();
  StateResult<void> refuse_foreign_database();
  // "state database <path>: <what>: <why>"; without `why`, the connection's
  // last error, explained.
  StateError failure(const std::string& what) const;
  StateError failure(const std::string& what, const std::string& why,
                     StateError::Kind kind = StateError::Kind::kUnavailable) const;
  // Fails unless `path_` still names the file the backend opened.
  StateResult<void> in_place(const std::string& what);
  // Runs `write` (false on an SQLite error) as one write; see
  // add_dead_letters.
  template <class Write>
  StateResult<void> write(const std::string& what, Write&& write);

  std::unique_ptr<sqlite3, CloseDb> db_;
  std::filesystem::path path_;
  std::chrono::milliseconds busy_timeout_;
  std::mutex mu_;
};

}  // namespace rapidbyte::engine
