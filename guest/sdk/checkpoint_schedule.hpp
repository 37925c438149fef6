// CheckpointSchedule: when a stream's next checkpoint is due by its
// checkpoint intervals (StreamLimits) — a source's checkpoint, or a
// destination's commit: after every batch when the stream sets none, else
// when the rows, bytes or seconds since the last one reach an interval.
// With a seconds interval, idle_wait() says how long a destination waits
// for input (Context::batch_ready) before committing an idle stream on time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "portable/protocol/types.hpp"

namespace rapidbyte::sdk {

class CheckpointSchedule {
 public:
  explicit CheckpointSchedule(const protocol::StreamLimits& limits)
      : limits_(limits), last_checkpoint_(std::chrono::steady_clock::now()) {}

  // Counts a batch since the last checkpoint.
  void add(uint64_t rows, uint64_t bytes) {
    rows_ += rows;
    bytes_ += bytes;
  }
  // Whether a checkpoint is due.
  bool due() const;
  // What is left of the seconds interval; nullopt without one.
  std::optional<std::chrono::milliseconds> idle_wait() const;

  // Starts the next interval after a checkpoint.
  void restart() {
    rows_ = 0;
    bytes_ = 0;
    postpone();
  }
  // Starts the next seconds interval only: what was written stays counted
  // (an idle commit that could not commit).
  void postpone() { last_checkpoint_ = std::chrono::steady_clock::now(); }

  std::chrono::steady_clock::duration elapsed() const {
    return std::chrono::steady_clock::now() - last_checkpoint_;
  }
  uint64_t rows() const { return rows_; }
  uint64_t bytes() const { return bytes_; }

 private:
  protocol::StreamLimits limits_;
  uint64_t rows_ = 0;
  uint64_t bytes_ = 0;
  std::chrono::steady_clock::time_point last_checkpoint_;
};

}  // namespace rapidbyte::sdk
