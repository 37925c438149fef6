// The embedded state backend: one SQLite file in WAL mode, its schema
// versioned and migrated in place on open.
//
// Thread-safe: one connection, calls serialised by a mutex (state writes are
// small and rare next to the data path).
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <mutex>

#include "host/engine/state/state_backend.hpp"

namespace rapidbyte::engine {

class SqliteStateBackend final : public StateBackend {
 public:
  // Opens (creating if needed) the database at `path` and brings its schema to
  // the current version. Errors name the file and what failed, e.g. a file
  // that is not a database or is locked by another writer.
  static StateResult<std::unique_ptr<SqliteStateBackend>> open(const std::filesystem::path& path);

  // The newest schema version this build writes.
  static constexpr int kSchemaVersion = 1;

  // A lock (flock) on the file "<database>.lease-<pipeline>" next to the
  // database; the file holds the holder's description.
  StateResult<std::unique_ptr<RunLease>> acquire_lease(const std::string& pipeline) override;
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

  StateResult<std::optional<std::string>> get(const std::string& key) override;
  StateResult<void> put(const std::string& key, const std::string& value) override;
  StateResult<bool> compare_and_set(const std::string& key,
                                    const std::optional<std::string>& expected,
                                    const std::string& value) override;

  StateResult<void> add_dead_letters(const std::vector<DlqEntry>& entries) override;
  StateResult<uint64_t> dead_letter_count(const std::string& pipeline) override;

 private:
  struct CloseDb {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };

  SqliteStateBackend(std::unique_ptr<sqlite3, CloseDb> db, std::filesystem::path path)
      : db_(std::move(db)), path_(std::move(path)) {}

  StateResult<void> migrate();
  std::string failure(const std::string& what) const;

  std::unique_ptr<sqlite3, CloseDb> db_;
  std::filesystem::path path_;
  std::mutex mu_;
};

}  // namespace rapidbyte::engine
