// The record limit of a dry run, enforced by the host: a source is asked
// for at most N records (max-records), but what it sends is not trusted to
// honour that. Each stream's batches pass through its budget on their way
// to the preview; rows past the limit are cut off (a batch that crosses it
// is sliced and re-encoded) and later batches are dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace rapidbyte::engine {

class PreviewBudget {
 public:
  explicit PreviewBudget(uint64_t limit) : remaining_(limit) {}

  // What of `ipc_stream` (one Arrow IPC stream) the preview gets: all of it
  // while it fits, its first rows when it crosses the limit, nullopt once
  // the limit is reached. Bytes that do not decode go on unchanged, for the
  // preview to report (they carry no rows to count).
  std::optional<std::vector<uint8_t>> take(const std::vector<uint8_t>& ipc_stream);

 private:
  uint64_t remaining_;
  bool spent_ = false;
};

}  // namespace rapidbyte::engine
