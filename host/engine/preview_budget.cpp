#include "host/engine/preview_budget.hpp"

#include <algorithm>

#include "portable/arrow/ipc_census.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"

namespace rapidbyte::engine {

std::optional<std::vector<uint8_t>> PreviewBudget::take(const std::vector<uint8_t>& ipc_stream) {
  if (spent_) return std::nullopt;
  // Rows from the metadata alone; only a stream that crosses the limit is
  // decoded (to be sliced), since the preview decodes what it gets anyway.
  auto census = arrow::census_ipc_stream(ipc_stream);
  if (!census) return ipc_stream;
  if (census->rows <= remaining_) {
    remaining_ -= census->rows;
    spent_ = remaining_ == 0 && census->rows > 0;
    return ipc_stream;
  }
  spent_ = true;
  if (remaining_ == 0) return std::nullopt;
  auto contents = arrow::read_ipc_stream(ipc_stream);
  if (!contents) return ipc_stream;
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
