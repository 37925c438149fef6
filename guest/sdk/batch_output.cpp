#include "guest/sdk/batch_output.hpp"

#include <string>
#include <utility>

#include "portable/base/try.hpp"

namespace rapidbyte::sdk {

Result<void> BatchOutput::append(const arrow::RecordBatch& batch) {
  RB_TRY(replace());
  rows_ += static_cast<uint64_t>(batch.num_rows());
  return write(batch);
}

Result<void> BatchOutput::set_schema(std::shared_ptr<const arrow::Schema> schema) {
  if (!writer_) start_writer(std::move(schema));
  return replace();
}

void BatchOutput::begin(std::span<const uint8_t> incoming) {
  clear();
  incoming_ = incoming;
  rows_ = 0;
}

Result<void> BatchOutput::keep(arrow::RecordBatch batch) {
  rows_ += static_cast<uint64_t>(batch.num_rows());
  if (replaced_) return write(batch);
  // Kept, not encoded: if every batch passes, the incoming bytes are the output.
  kept_.push_back(std::move(batch));
  return {};
}

Result<void> BatchOutput::replace() {
  if (replaced_) return {};
  replaced_ = true;
  // The batches that passed so far are part of the output: encode them first.
  for (const arrow::RecordBatch& batch : kept_) RB_TRY(write(batch));
  kept_.clear();
  return {};
}

std::optional<std::span<const uint8_t>> BatchOutput::finish(uint64_t rows_in, bool emit_emptied) {
  const bool empty = replaced_ ? !writer_ : kept_.empty();
  const bool emptied = rows_ == 0 && rows_in > 0 && !emit_emptied;
  if (empty || emptied) {
    clear();
    return std::nullopt;
  }
  if (!replaced_) return incoming_;
  buffer_ = writer_->finish();
  writer_.reset();
  return std::span<const uint8_t>(buffer_);
}

void BatchOutput::clear() {
  if (writer_) {
    buffer_ = writer_->finish();
    writer_.reset();
  }
  kept_.clear();
  replaced_ = false;
  incoming_ = {};
}

Result<void> BatchOutput::write(const arrow::RecordBatch& batch) {
  if (!writer_) start_writer(batch.schema());
  if (auto written = writer_->write(batch); !written) {
    return internal_error("cannot encode the transform's output: " + written.error().message);
  }
  return {};
}

void BatchOutput::start_writer(std::shared_ptr<const arrow::Schema> schema) {
  buffer_.clear();  // the previous stream's bytes: only the capacity is wanted
  writer_.emplace(std::move(schema), std::exchange(buffer_, {}));
}

}  // namespace rapidbyte::sdk
