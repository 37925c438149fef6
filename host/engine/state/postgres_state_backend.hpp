// The PostgreSQL state backend: the same state as the SQLite backend, in the
// schema `rapidbyte_state` of a PostgreSQL database the team already runs, so
// several hosts can share cursors and run history. Host side only (libpq).
// The schema is versioned and migrated in place under an advisory lock.
//
// A connection found lost (the server ended the session or restarted) is
// made again once per call, and the run leases it held are taken again on
// the new session before anything else runs there. A statement the lost
// session may have applied runs again only when running it twice is the
// same as once; a lease another run took meanwhile fails every later call.
//
// Thread-safe: one connection, calls serialised by a mutex.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "host/engine/state/state_backend.hpp"

namespace rapidbyte::engine {

class PostgresStateBackend final : public StateBackend {
 public:
  // Connects with a libpq connection string or URI and migrates the schema.
  // Errors name the database as postgres://user:****@host:port/dbname and
  // never show a password, not even where libpq quotes the string.
  static StateResult<std::unique_ptr<PostgresStateBackend>> open(const std::string& conninfo);

  static constexpr int kSchemaVersion = 1;

  // A session advisory lock on the backend's connection, keyed by the
  // pipeline; the session's application_name describes the holder. The
  // lock ends with the session; a new session takes it again (see above).
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
  struct FinishConnection {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  struct ClearResult {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using ResultPtr = std::unique_ptr<PGresult, ClearResult>;
  using Params = std::vector<std::optional<std::string>>;
  // May a statement run again after the connection was lost while it ran?
  enum class Rerun { kSafe, kUnsafe };
  struct HeldLease {
    std::string pipeline;
    std::optional<std::string> lost;  // why, once another run took it
  };

  explicit PostgresStateBackend(std::unique_ptr<PGconn, FinishConnection> conn);

  // Runs `sql` with text parameters (nullopt: NULL) on a live session (see
  // the class comment); fails unless the result is one of the OK statuses.
  // Errors say "cannot <what>" (`what` names the operation).
  StateResult<ResultPtr> query(const std::string& what, const char* sql, const Params& params,
                               Rerun rerun = Rerun::kSafe);
  // Runs `body` between BEGIN and COMMIT; once more on a new session when the
  // connection was lost before COMMIT (the server rolled it back).
  StateResult<void> transaction(const std::string& what,
                                const std::function<StateResult<void>()>& body);
  // One attempt on the current session (check the result with succeeded()).
  ResultPtr run(const char* sql, const Params& params);
  bool connection_lost() const;
  StateResult<void> reconnect(const std::string& what);
  StateResult<void> take_leases_again(const std::string& what);
  StateResult<void> describe_holder(const std::string& what);
  std::string lease_holder(const std::string& key);
  StateResult<void> migrate();
  void release_lease(const std::string& key);
  friend class AdvisoryLease;

  // "state database <name>: <what>: <why>", the password masked.
  StateError failure(const std::string& what, const std::string& why,
                     StateError::Kind kind = StateError::Kind::kUnavailable) const;
  // libpq's last error, without its trailing newlines.
  std::string last_error() const;

  std::unique_ptr<PGconn, FinishConnection> conn_;
  std::string name_;
  std::map<std::string, HeldLease> leases_;  // by the lock's key
  bool in_transaction_ = false;
  std::mutex mu_;
};

}  // namespace rapidbyte::engine
