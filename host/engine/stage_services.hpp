// What one stage does for one stream: its input and output queues, the
// state backend, and the StageReport its telemetry lands in. A stage's
// HostServices (StageHost) routes each call to the StageServices of the
// stream it concerns.
//
// Checkpoints travel in-band (DESIGN.md §4): a source checkpoint is queued
// behind the batches it covers; transforms forward it in order; the
// destination holds it as pending until the destination confirms a commit
// (its own checkpoint, or a successful end of its run), and only then is the
// source cursor written to the state backend.
//
// Thread-safety: used only from the stage's own thread; the queues and the
// state backend synchronise what is shared.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <string>
#include <vector>

#include "host/engine/batch_queue.hpp"
#include "host/engine/fault_points.hpp"
#include "host/engine/run_progress.hpp"
#include "host/engine/run_report.hpp"
#include "host/engine/state/state_backend.hpp"
#include "host/runtime/host_services.hpp"  // ConnectorResult

namespace rapidbyte::engine {

class StageServices {
 public:
  struct Wiring {
    std::string pipeline;
    std::string stream;
    int64_t run_id = 0;
    protocol::ConnectorRole role = protocol::ConnectorRole::kSource;
    BatchQueue* input = nullptr;   // null for a source
    BatchQueue* output = nullptr;  // null for a destination
    StateBackend* state = nullptr;
    RunProgress::Stream* progress = nullptr;  // optional
    spdlog::logger* log = nullptr;            // REQUIRED
    const FaultPoints* faults = nullptr;      // optional: test kill points
    // The largest batch the stage may emit (0: no limit): what waits in the
    // queues on a guest's behalf stays within max_inflight_batches of these.
    uint64_t max_batch_bytes = 0;
    // A dry run: cursors and dead letters are counted, never persisted.
    bool dry_run = false;
    // One slice of a partitioned stream: its cursors are not persisted.
    bool slice = false;
  };

  // Dead letters held in memory before they are written to the backend: at
  // most this many, and at most this many bytes (plus the last one's).
  static constexpr size_t kDeadLetterBuffer = 1000;
  static constexpr size_t kDeadLetterBufferBytes = 8 << 20;
  // A stage keeps the latest sample of at most kMaxMetricSeries metrics
  // (name and labels), each named in at most kMaxMetricKeyBytes; further
  // samples are dropped and counted, so a guest cannot grow the report.
  static constexpr size_t kMaxMetricSeries = 1000;
  static constexpr size_t kMaxMetricKeyBytes = 1024;
  // A guest's log (its log calls and its stdout/stderr) is bounded: a line
  // is cut at kMaxLogLine bytes, and past kMaxLogLinesPerSecond lines in one
  // second the rest of that second is dropped and counted.
  static constexpr size_t kMaxLogLine = 16 << 10;
  static constexpr uint32_t kMaxLogLinesPerSecond = 200;

  // REQUIRES: everything in `wiring` and `report` outlives the services.
  StageServices(Wiring wiring, StageReport* report) : wiring_(std::move(wiring)), report_(report) {}

  const std::string& stream() const { return wiring_.stream; }
  StageReport& report() const { return *report_; }

  void log(protocol::LogLevel level, std::string_view message);
  void checkpoint(protocol::CheckpointInfo info);
  void metric(protocol::MetricSample sample);
  void dlq(protocol::DlqRecord record);

  runtime::ConnectorResult<void> batch_emit(std::vector<uint8_t> ipc_stream);
  runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next();
  bool batch_ready(std::chrono::milliseconds timeout);
  runtime::ConnectorResult<std::optional<protocol::CursorValue>> committed_cursor();

  runtime::ConnectorResult<std::optional<std::string>> state_get(protocol::StateScope scope,
                                                                 const std::string& key);
  runtime::ConnectorResult<void> state_put(protocol::StateScope scope, const std::string& key,
                                           const std::string& value);
  runtime::ConnectorResult<bool> state_cas(protocol::StateScope scope, const std::string& key,
                                           const std::optional<std::string>& expected,
                                           const std::string& new_value);

  // The stage is done with its output: the next stage drains it, then sees
  // the end. Nothing for a destination.
  void close_output() {
    if (wiring_.output) wiring_.output->close();
  }

  // For the destination after its run succeeded: everything it received is
  // committed, so every pending source checkpoint becomes the stored cursor.
  // Also writes buffered dead letters. Fails when the state backend does.
  runtime::ConnectorResult<void> finish();

 private:
  std::string state_key(protocol::StateScope scope, const std::string& key) const;
  // A source checkpoint read from the input: a transform passes it on behind
  // what it emitted so far; a destination holds it until its next commit.
  void take_checkpoint(protocol::CheckpointInfo checkpoint);
  runtime::ConnectorResult<void> commit_pending_checkpoints();
  runtime::ConnectorResult<void> flush_dead_letters();
  void pass(FaultPoint point) const {
    if (wiring_.faults) wiring_.faults->pass(point);
  }

  Wiring wiring_;
  StageReport* report_;
  // Source checkpoints the destination has received but not yet confirmed:
  // how many, and the newest with a cursor (a commit stores only that one)
  // with the number of batches received before it. Constant size however
  // long the destination goes without committing.
  struct Pending {
    protocol::CheckpointInfo checkpoint;
    uint64_t batches_before = 0;
  };
  uint64_t pending_count_ = 0;
  std::optional<Pending> newest_pending_;
  // Destination: batches received; of them, those covered by the cursor
  // persisted last (a retry reads the others again).
  uint64_t batches_received_ = 0;
  uint64_t batches_covered_ = 0;
  std::vector<DlqEntry> dead_letters_;
  size_t dead_letter_bytes_ = 0;
  // The current second of the log limit: when it began, lines logged and
  // lines dropped in it.
  std::chrono::steady_clock::time_point log_window_{};
  uint32_t log_lines_ = 0;
  uint64_t log_dropped_ = 0;
  // A state failure seen where it cannot be returned (checkpoint, dlq).
  std::optional<protocol::ConnectorError> deferred_error_;
};

}  // namespace rapidbyte::engine
