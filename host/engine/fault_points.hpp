// FaultPoints: deterministic crash points for the engine's exactly-once
// tests. A test names a point and a count ("destination-commit:2"); the
// process ends with SIGKILL — no cleanup, as a power cut or the OOM killer
// would end it — the count-th time a run passes that point. Tests of crash
// safety then rerun the pipeline and compare source and destination, without
// relying on a sleep landing the kill somewhere interesting. With ":stop"
// ("source-batch:1:stop") the process stops (SIGSTOP) there instead, as a
// frozen machine would, for the test to resume (SIGCONT) once another
// attempt has done its work: a zombie.
//
// The `rapidbyte` binary reads the spec from RAPIDBYTE_TEST_KILL_AT (unset:
// no point is armed). The points, in the order a batch meets them:
//
//   source-batch        a source's batch was queued for the next stage
//   source-checkpoint   a source's checkpoint was queued behind its batches
//   destination-commit  a destination confirmed a commit; the cursor it
//                       covers is not yet persisted
//   cursor-persisted    a stream's cursor was written to the state backend
//   partition-done      a slice of a partitioned stream was recorded as
//                       finished in the state backend
//   stream-finalized    the destination finalized a partitioned stream (a
//                       replace's swap); the record of its slices is not
//                       yet forgotten
//
// Thread-safe: stages of every stream pass points concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace rapidbyte::engine {

enum class FaultPoint : uint8_t {
  kSourceBatch,
  kSourceCheckpoint,
  kDestinationCommit,
  kCursorPersisted,
  kPartitionDone,
  kStreamFinalized,
};

class FaultPoints {
 public:
  // No point armed.
  FaultPoints() = default;
  FaultPoints(const FaultPoints&) = delete;
  FaultPoints& operator=(const FaultPoints&) = delete;

  // Arms the point of `spec` ("NAME:COUNT" or "NAME:COUNT:stop", COUNT >=
  // 1); an empty spec arms none. The error names the bad part and the valid names.
  std::expected<void, std::string> arm(std::string_view spec);

  // Counts a pass of `point`; kills the process on the armed pass.
  void pass(FaultPoint point) const;

 private:
  bool armed_ = false;
  bool stop_ = false;  // SIGSTOP rather than SIGKILL
  FaultPoint point_ = FaultPoint::kSourceBatch;
  uint64_t at_ = 0;
  mutable std::atomic<uint64_t> passes_{0};
};

}  // namespace rapidbyte::engine
