#include "guest/sdk/batch_emitter.hpp"

#include <algorithm>
#include <utility>

#include "portable/arrow/ipc_writer.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::sdk {
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
    : ctx_(ctx), stream_(stream), schedule_(stream.limits) {}

sdk::Result<void> BatchEmitter::emit(const arrow::RecordBatch& batch, const Emitted& emitted) {
  if (batch.num_rows() == 0) return {};
  return encode_and_emit(batch, 0, emitted);
}

sdk::Result<void> BatchEmitter::emit_empty(std::shared_ptr<const arrow::Schema> schema) {
  auto empty = arrow::RecordBatch::empty(std::move(schema));
  if (!empty) return sdk::internal_error("cannot make an empty batch: " + empty.error().message);
  return encode_and_emit(*empty, 0, {});
}

sdk::Result<void> BatchEmitter::encode_and_emit(const arrow::RecordBatch& batch, int64_t offset,
                                                const Emitted& emitted) {
  arrow::IpcStreamWriter writer(batch.schema(), std::move(buffer_));
  if (auto written = writer.write(batch); !written) {
    return sdk::internal_error("cannot encode a batch: " + written.error().message);
  }
  buffer_ = writer.finish();
  if (buffer_.size() > stream_.limits.max_batch_bytes && batch.num_rows() > 1) {
    // Too big after all: split and encode the halves.
    const int64_t half = batch.num_rows() / 2;
    buffer_.clear();
    RB_TRY(encode_and_emit(batch.slice(0, half), offset, emitted));
    return encode_and_emit(batch.slice(half, batch.num_rows() - half), offset + half, emitted);
  }
  RB_TRY(ctx_.batch_emit(stream_.stream_name, buffer_));
  summary_.records += static_cast<uint64_t>(batch.num_rows());
  summary_.bytes += buffer_.size();
  ++summary_.batches;
  schedule_.add(static_cast<uint64_t>(batch.num_rows()), buffer_.size());
  buffer_.clear();
  if (emitted) emitted(offset + batch.num_rows());
  return {};
}

bool BatchEmitter::checkpoint_due(std::optional<Clock::duration> also_after) const {
  return schedule_.due() || (also_after && schedule_.elapsed() >= *also_after);
}

void BatchEmitter::checkpoint(std::optional<std::string> cursor_field,
                              std::optional<protocol::CursorValue> value) {
  protocol::CheckpointInfo info;
  info.kind = protocol::CheckpointKind::kSource;
  info.stream_name = stream_.stream_name;
  info.cursor_field = std::move(cursor_field);
  info.cursor_value = std::move(value);
  info.records = skipped_rows_ + schedule_.rows();
  info.bytes = skipped_bytes_ + schedule_.bytes();
  ctx_.checkpoint(info);
  ++summary_.checkpoints;
  schedule_.restart();
  skipped_rows_ = 0;
  skipped_bytes_ = 0;
}

void BatchEmitter::skip_checkpoint() {
  skipped_rows_ += schedule_.rows();
  skipped_bytes_ += schedule_.bytes();
  schedule_.restart();
}

void BatchEmitter::add(const protocol::ReadSummary& other) {
  summary_.records += other.records;
  summary_.bytes += other.bytes;
  summary_.batches += other.batches;
  summary_.checkpoints += other.checkpoints;
}

}  // namespace rapidbyte::sdk
