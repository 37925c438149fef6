#include "guest/connectors/source-postgres/batch_emitter.hpp"

#include <algorithm>
#include <utility>

#include "portable/arrow/ipc_writer.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

// IPC framing besides the buffers: schema and batch messages, padding.
constexpr uint64_t kIpcOverheadPerColumn = 256;

}  // namespace

uint64_t batch_target_bytes(const protocol::StreamLimits& limits, size_t columns) {
  const uint64_t max_batch = std::max<uint64_t>(limits.max_batch_bytes, 64u << 10);
  const uint64_t overhead = 1024 + kIpcOverheadPerColumn * columns;
  return max_batch > 2 * overhead ? max_batch - overhead : max_batch / 2;
}

BatchEmitter::BatchEmitter(sdk::Context& ctx, const protocol::StreamContext& stream)
    : ctx_(ctx), stream_(stream), last_checkpoint_(Clock::now()) {}

sdk::Result<void> BatchEmitter::emit(const arrow::RecordBatch& batch) {
  if (batch.num_rows() == 0) return {};
  return encode_and_emit(batch);
}

sdk::Result<void> BatchEmitter::emit_empty(std::shared_ptr<const arrow::Schema> schema) {
  auto empty = arrow::RecordBatch::empty(std::move(schema));
  if (!empty) return sdk::internal_error("cannot make an empty batch: " + empty.error().message);
  return encode_and_emit(*empty);
}

sdk::Result<void> BatchEmitter::encode_and_emit(const arrow::RecordBatch& batch) {
  arrow::IpcStreamWriter writer(batch.schema(), std::move(buffer_));
  if (auto written = writer.write(batch); !written) {
    return sdk::internal_error("cannot encode a batch: " + written.error().message);
  }
  buffer_ = writer.finish();
  if (buffer_.size() > stream_.limits.max_batch_bytes && batch.num_rows() > 1) {
    // Too big after all: split and encode the halves.
    const int64_t half = batch.num_rows() / 2;
    buffer_.clear();
    RB_TRY(emit(batch.slice(0, half)));
    return emit(batch.slice(half, batch.num_rows() - half));
  }
  RB_TRY(ctx_.batch_emit(stream_.stream_name, buffer_));
  summary_.records += static_cast<uint64_t>(batch.num_rows());
  summary_.bytes += buffer_.size();
  ++summary_.batches;
  rows_since_ += static_cast<uint64_t>(batch.num_rows());
  bytes_since_ += buffer_.size();
  buffer_.clear();
  return {};
}

bool BatchEmitter::checkpoint_due(std::optional<Clock::duration> also_after) const {
  const auto& limits = stream_.limits;
  const bool any = limits.checkpoint_interval_rows || limits.checkpoint_interval_bytes ||
                   limits.checkpoint_interval_seconds;
  if (!any) return true;
  if (limits.checkpoint_interval_rows && rows_since_ >= limits.checkpoint_interval_rows) {
    return true;
  }
  if (limits.checkpoint_interval_bytes && bytes_since_ >= limits.checkpoint_interval_bytes) {
    return true;
  }
  const auto elapsed = Clock::now() - last_checkpoint_;
  if (limits.checkpoint_interval_seconds &&
      elapsed >= std::chrono::seconds(limits.checkpoint_interval_seconds)) {
    return true;
  }
  return also_after && elapsed >= *also_after;
}

void BatchEmitter::checkpoint(std::optional<std::string> cursor_field,
                              std::optional<protocol::CursorValue> value) {
  protocol::CheckpointInfo info;
  info.kind = protocol::CheckpointKind::kSource;
  info.stream_name = stream_.stream_name;
  info.cursor_field = std::move(cursor_field);
  info.cursor_value = std::move(value);
  info.records = rows_since_;
  info.bytes = bytes_since_;
  ctx_.checkpoint(info);
  ++summary_.checkpoints;
  rows_since_ = 0;
  bytes_since_ = 0;
  last_checkpoint_ = Clock::now();
}

void BatchEmitter::add(const protocol::ReadSummary& other) {
  summary_.records += other.records;
  summary_.bytes += other.bytes;
  summary_.batches += other.batches;
  summary_.checkpoints += other.checkpoints;
}

}  // namespace rapidbyte::connectors::source_postgres
