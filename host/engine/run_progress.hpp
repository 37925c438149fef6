// Live counters of a running pipeline, per stream, for progress display.
// Stage threads add to them; a display thread reads them at any time.
//
// Thread-safe: relaxed atomics (a display may be a moment behind, never
// torn), and the stream list is fixed before the run starts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace rapidbyte::engine {

class RunProgress {
 public:
  enum class Phase : uint8_t { kWaiting, kRunning, kRetrying, kDone, kFailed };

  struct Stream {
    std::string name;
    std::atomic<uint64_t> bytes{0};    // Arrow IPC bytes the source emitted
    std::atomic<uint64_t> batches{0};  // batches the source emitted
    std::atomic<uint64_t> records{0};  // records covered by source checkpoints
    // Rows in the batches the source emitted, as they flow (counted from
    // each batch's IPC metadata).
    std::atomic<uint64_t> rows{0};
    // Rows the source expects the stream to have (its
    // source_estimated_records gauge, e.g. PostgreSQL's planner estimate);
    // -1 when it reports none.
    std::atomic<int64_t> estimated_rows{-1};
    std::atomic<Phase> phase{Phase::kWaiting};
    std::atomic<uint32_t> attempt{1};
    // WAL bytes a cdc source is behind the server (its replication_lag_bytes
    // gauge); -1 when the stream does not report one.
    std::atomic<int64_t> lag_bytes{-1};
    // Milliseconds since the commit of the last change it received, while
    // behind (replication_lag_seconds); -1 when not reported.
    std::atomic<int64_t> lag_ms{-1};
  };

  explicit RunProgress(const std::vector<std::string>& streams) : streams_(streams.size()) {
    for (size_t i = 0; i < streams.size(); ++i) streams_[i].name = streams[i];
  }
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

  Stream& stream(size_t i) { return streams_[i]; }
  const std::vector<Stream>& streams() const { return streams_; }
  std::chrono::steady_clock::time_point started() const { return started_; }

 private:
  std::vector<Stream> streams_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// How a stream's phase is shown: "waiting", "running", "retrying", "done",
// "failed".
constexpr const char* phase_name(RunProgress::Phase phase) {
  constexpr const char* kNames[] = {"waiting", "running", "retrying", "done", "failed"};
  return kNames[static_cast<size_t>(phase)];
}

}  // namespace rapidbyte::engine
