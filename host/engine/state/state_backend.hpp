// Where a pipeline's durable state lives: run history, committed cursors per
// stream, connector state with atomic compare-and-set, and the dead-letter
// queue. SQLite (embedded, the default) implements it; a PostgreSQL backend
// implements the same interface.
//
// Thread-safe: every stage thread of every stream uses one backend.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/run_status.hpp"
#include "host/engine/state/state_error.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

template <class T>
using StateResult = std::expected<T, StateError>;

// A stream's position as committed by the destination.
struct StoredCursor {
  std::optional<std::string> cursor_field;
  protocol::CursorValue value;
  bool operator==(const StoredCursor&) const = default;
};

// A stream's committed cursor and when it was written, for `state show`.
struct StreamCursor {
  std::string stream;
  StoredCursor cursor;
  std::string updated_at;  // ISO-8601 UTC
};

// One key of connector state, for `state show`.
struct StateEntry {
  std::string key;  // fully qualified: "<pipeline>/<scope>/..."
  std::string value;
  std::string updated_at;  // ISO-8601 UTC
};

// Who takes a run lease: "pid 4242 on host etl-1, started
// 2026-12-04T17:00:00Z", for the message a refused run prints.
std::string lease_holder_description();

// The run lease name of slice `index` of `stream` ("<pipeline>/<stream>#3"):
// processes running different slices of one pipeline go on at once, two
// attempts of one slice never do.
std::string slice_lease_name(const std::string& pipeline, const std::string& stream,
                             uint32_t index);

// A dead letter's error category as the backends store it (its enum index);
// an index this build does not know reads as internal.
protocol::ErrorCategory error_category_from_index(int64_t index);

// The right to run a pipeline: while one is held, no other run of the same
// pipeline against the same state can take one. Released when destroyed,
// and by the system when its process dies, so a killed run leaves none.
class RunLease {
 public:
  virtual ~RunLease() = default;
};

using LeaseResult = StateResult<std::unique_ptr<RunLease>>;

struct RunRecord {
  int64_t id = 0;
  std::string pipeline;
  std::string started_at;   // ISO-8601 UTC
  std::string finished_at;  // empty while running
  RunStatus status = RunStatus::kRunning;
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::string error;
};

struct DlqEntry {
  std::string pipeline;
  int64_t run_id = 0;
  protocol::DlqRecord record;
  // Set by the backend when read back; ignored by add_dead_letters.
  int64_t id = 0;
  std::string created_at;  // ISO-8601 UTC
};

// Which dead letters: a pipeline's, of every stream or of one.
struct DeadLetterQuery {
  std::string pipeline;
  std::optional<std::string> stream;
};

class StateBackend {
 public:
  virtual ~StateBackend() = default;

  // Takes the run lease of `pipeline`, or fails with kLeaseHeld naming the
  // run that holds it (lease_holder_description()). Runs of the pipeline
  // still recorded as running belong to no live process once the lease is
  // taken: they become abandoned.
  virtual LeaseResult acquire_lease(const std::string& pipeline) = 0;

  // Run history.
  virtual StateResult<int64_t> begin_run(const std::string& pipeline) = 0;
  virtual StateResult<void> finish_run(int64_t run_id, RunStatus status, uint64_t records,
                                       uint64_t bytes, const std::string& error) = 0;
  virtual StateResult<std::vector<RunRecord>> recent_runs(const std::string& pipeline,
                                                          size_t limit) = 0;

  // Cursors, per pipeline and stream.
  virtual StateResult<std::optional<StoredCursor>> cursor(const std::string& pipeline,
                                                          const std::string& stream) = 0;
  virtual StateResult<void> set_cursor(const std::string& pipeline, const std::string& stream,
                                       const StoredCursor& cursor) = 0;
  // Forgets the stream's cursor (its next run starts from scratch); no
  // cursor is not an error.
  virtual StateResult<void> clear_cursor(const std::string& pipeline,
                                         const std::string& stream) = 0;

  // Every committed cursor of the pipeline (also of streams no longer in
  // its file), by stream name.
  virtual StateResult<std::vector<StreamCursor>> cursors(const std::string& pipeline) = 0;

  // Connector state under a fully qualified key (scope already applied).
  virtual StateResult<std::optional<std::string>> get(const std::string& key) = 0;
  virtual StateResult<void> put(const std::string& key, const std::string& value) = 0;
  // Sets `key` to `value` only if it holds `expected` (nullopt: absent).
  virtual StateResult<bool> compare_and_set(const std::string& key,
                                            const std::optional<std::string>& expected,
                                            const std::string& value) = 0;
  // The keys that start with `prefix`, in key order.
  virtual StateResult<std::vector<StateEntry>> state_entries(const std::string& prefix) = 0;
  // Deletes the keys that start with `prefix`; returns how many there were.
  virtual StateResult<uint64_t> delete_state(const std::string& prefix) = 0;

  // Dead letters.
  virtual StateResult<void> add_dead_letters(const std::vector<DlqEntry>& entries) = 0;
  virtual StateResult<uint64_t> dead_letter_count(const DeadLetterQuery& query) = 0;
  // Oldest first, from the one after id `after`, at most `limit`.
  virtual StateResult<std::vector<DlqEntry>> dead_letters(const DeadLetterQuery& query,
                                                          int64_t after, size_t limit) = 0;
  // Deletes them; returns how many there were.
  virtual StateResult<uint64_t> purge_dead_letters(const DeadLetterQuery& query) = 0;
};

}  // namespace rapidbyte::engine
