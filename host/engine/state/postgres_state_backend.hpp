// The PostgreSQL state backend: the same state as the SQLite backend, in the
// schema `rapidbyte_state` of a PostgreSQL database the team already runs, so
// several hosts can share cursors and run history. Host side only (libpq).
// The schema is versioned and migrated in place under an advisory lock.
//
// Thread-safe: one connection, calls serialised by a mutex.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <mutex>

#include "host/engine/state/state_backend.hpp"

namespace rapidbyte::engine {

class PostgresStateBackend final : public StateBackend {
 public:
  // Connects with a libpq connection string or URI and migrates the schema.
  // Errors never include the connection string (it may hold a password).
  static StateResult<std::unique_ptr<PostgresStateBackend>> open(const std::string& conninfo);

  static constexpr int kSchemaVersion = 1;

  // A session advisory lock on the backend's connection, keyed by the
  // pipeline; the session's application_name describes the holder. (If the
  // connection is lost, so is the lock.)
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
  struct FinishConnection {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  struct ClearResult {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using ResultPtr = std::unique_ptr<PGresult, ClearResult>;

  explicit PostgresStateBackend(std::unique_ptr<PGconn, FinishConnection> conn)
      : conn_(std::move(conn)) {}

  // Runs `sql` with text parameters (nullopt: NULL); fails unless the result
  // is one of the OK statuses.
  StateResult<ResultPtr> query(const char* sql,
                               const std::vector<std::optional<std::string>>& params);
  StateResult<void> migrate();
  void release_lease(const std::string& key);
  friend class AdvisoryLease;

  std::unique_ptr<PGconn, FinishConnection> conn_;
  std::mutex mu_;
};

}  // namespace rapidbyte::engine
