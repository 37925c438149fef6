// BatchEmitter: how a source's record batches leave it — each batch encoded
// as one Arrow IPC stream and emitted (split in halves while the encoding
// exceeds max_batch_bytes), the read summary, and source checkpoints with
// the rows and bytes emitted since the previous one, at the stream's
// checkpoint intervals. The source decides what a checkpoint's cursor is.
//
// The encode buffer is reused from batch to batch. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/sdk/checkpoint_schedule.hpp"
#include "guest/sdk/context.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::sdk {

// The decoded size a batch of `columns` columns is cut at, so that its IPC
// encoding (schema and batch messages, padding) stays within the stream's
// max_batch_bytes.
uint64_t batch_target_bytes(const protocol::StreamLimits& limits, size_t columns);

class BatchEmitter {
 public:
  using Clock = std::chrono::steady_clock;

  BatchEmitter(sdk::Context& ctx, const protocol::StreamContext& stream);

  // Called after each IPC stream a batch was emitted as, with the rows of
  // the batch emitted so far: a source whose position can stand between
  // any two rows checkpoints there, on the same batches its destination
  // counts.
  using Emitted = std::function<void(int64_t rows)>;

  // Emits `batch`; one without rows is dropped.
  sdk::Result<void> emit(const arrow::RecordBatch& batch, const Emitted& emitted = {});
  // Emits a batch of no rows: a read that found none still tells the
  // destination the stream's schema, so it creates (or, replacing, empties)
  // its table.
  sdk::Result<void> emit_empty(std::shared_ptr<const arrow::Schema> schema);

  // Whether the stream's checkpoint intervals (rows, bytes, seconds) call
  // for a checkpoint; with none set, after every batch. `also_after`: due,
  // too, once that long has passed since the last checkpoint.
  bool checkpoint_due(std::optional<Clock::duration> also_after = std::nullopt) const;

  // Emits a source checkpoint with the counts since the previous one.
  void checkpoint(std::optional<std::string> cursor_field,
                  std::optional<protocol::CursorValue> value);
  // A checkpoint was due where the source cannot name its position (inside
  // a run of rows with one cursor value): starts the next interval without
  // one, as its destination does after the commit it makes there, so both
  // keep counting the same intervals. The counts carry to the next
  // checkpoint.
  void skip_checkpoint();

  // Counts a read done by another emitter (a cdc stream's snapshot).
  void add(const protocol::ReadSummary& other);

  const protocol::ReadSummary& summary() const { return summary_; }

 private:
  sdk::Result<void> encode_and_emit(const arrow::RecordBatch& batch, int64_t offset,
                                    const Emitted& emitted);

  sdk::Context& ctx_;
  const protocol::StreamContext& stream_;
  std::vector<uint8_t> buffer_;
  protocol::ReadSummary summary_;
  CheckpointSchedule schedule_;
  uint64_t skipped_rows_ = 0;  // of intervals that ended without a checkpoint
  uint64_t skipped_bytes_ = 0;
};

}  // namespace rapidbyte::sdk
