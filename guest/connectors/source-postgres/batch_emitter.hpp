// BatchEmitter: how a stream's record batches leave source-postgres — each
// batch encoded as one Arrow IPC stream and emitted (split in halves while
// the encoding exceeds max_batch_bytes), the read summary, and source
// checkpoints with the rows and bytes emitted since the previous one. Both
// read paths use it: table reads (table_reader) and change streams
// (cdc_reader); they decide what a checkpoint's cursor is.
//
// The encode buffer is reused from batch to batch. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/sdk/context.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::source_postgres {

// The decoded size a batch of `columns` columns is cut at, so that its IPC
// encoding (schema and batch messages, padding) stays within the stream's
// max_batch_bytes.
uint64_t batch_target_bytes(const protocol::StreamLimits& limits, size_t columns);

class BatchEmitter {
 public:
  using Clock = std::chrono::steady_clock;

  BatchEmitter(sdk::Context& ctx, const protocol::StreamContext& stream);

  // Emits `batch`; one without rows is dropped.
  sdk::Result<void> emit(const arrow::RecordBatch& batch);
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

  // Counts a read done by another emitter (a cdc stream's snapshot).
  void add(const protocol::ReadSummary& other);

  const protocol::ReadSummary& summary() const { return summary_; }

 private:
  sdk::Result<void> encode_and_emit(const arrow::RecordBatch& batch);

  sdk::Context& ctx_;
  const protocol::StreamContext& stream_;
  std::vector<uint8_t> buffer_;
  protocol::ReadSummary summary_;
  uint64_t rows_since_ = 0;
  uint64_t bytes_since_ = 0;
  Clock::time_point last_checkpoint_;
};

}  // namespace rapidbyte::connectors::source_postgres
