#include "host/engine/preview_budget.hpp"

#include <algorithm>

#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"

namespace rapidbyte::engine {

std::optional<std::vector<uint8_t>> PreviewBudget::take(const std::vector<uint8_t>& ipc_stream) {
  if (spent_) return std::nullopt;
  auto contents = arrow::read_ipc_stream(ipc_stream);
  if (!contents) return ipc_stream;
  uint64_t rows = 0;
  for (const auto& batch : contents->batches) rows += static_cast<uint64_t>(batch.num_rows());
  if (rows <= remaining_) {
    remaining_ -= rows;
    spent_ = remaining_ == 0 && rows > 0;
    return ipc_stream;
  }
  spent_ = true;
  if (remaining_ == 0) return std::nullopt;
  arrow::IpcStreamWriter writer(contents->schema);
  for (const auto& batch : contents->batches) {
    const auto kept = static_cast<int64_t>(std::min<uint64_t>(remaining_, batch.num_rows()));
    if (kept == 0) break;
    if (!writer.write(batch.slice(0, kept))) return std::nullopt;
    remaining_ -= static_cast<uint64_t>(kept);
  }
  return writer.finish();
}

}  // namespace rapidbyte::engine
