#include "guest/connectors/transform-common/batch_transform.hpp"

#include <string>

#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {

sdk::Result<protocol::TransformSummary> run_batch_transform(sdk::Context& ctx,
                                                            std::string_view connector,
                                                            const BatchFunction& function) {
  protocol::TransformSummary summary;
  std::vector<arrow::RecordBatch> changed;  // every output batch of the current stream
  std::vector<arrow::RecordBatch> in;       // the input batches, while nothing changed
  while (std::optional<sdk::HostBytes> bytes = ctx.batch_next()) {
    ++summary.batches_in;
    summary.bytes_in += bytes->size();
    auto reader = arrow::IpcStreamReader::open(*bytes);
    if (!reader) return sdk::data_error("invalid Arrow IPC batch: " + reader.error().message);
    changed.clear();
    in.clear();
    bool unchanged = true;
    const uint64_t records_before = summary.records_in;
    while (true) {
      auto batch = reader->next();
      if (!batch) return sdk::data_error("invalid Arrow IPC batch: " + batch.error().message);
      if (!*batch) break;
      summary.records_in += static_cast<uint64_t>((*batch)->num_rows());
      std::vector<arrow::RecordBatch> out;
      RB_ASSIGN_OR_RETURN(auto same, function(**batch, out));
      if (same) {
        (unchanged ? in : changed).push_back(std::move(**batch));
        continue;
      }
      if (unchanged) {
        // The first change: what passed so far is output too.
        changed = std::move(in);
        in.clear();
        unchanged = false;
      }
      for (auto& b : out) changed.push_back(std::move(b));
    }
    const std::vector<arrow::RecordBatch>& output = unchanged ? in : changed;
    uint64_t rows = 0;
    for (const auto& b : output) rows += static_cast<uint64_t>(b.num_rows());
    // Rows all dropped: nothing to emit. A batch that came without rows goes
    // on, though: it carries the stream's schema to the destination.
    const bool came_empty = summary.records_in == records_before;
    if (rows == 0 && (!came_empty || output.empty())) continue;
    if (unchanged) {
      RB_TRY(ctx.batch_emit(*bytes));
      summary.bytes_out += bytes->size();
    } else {
      auto encoded = arrow::write_ipc_stream(output.front().schema(), output);
      if (!encoded) {
        return sdk::internal_error(std::string(connector) +
                                   " cannot encode its output: " + encoded.error().message);
      }
      RB_TRY(ctx.batch_emit(*encoded));
      summary.bytes_out += encoded->size();
    }
    ++summary.batches_out;
    summary.records_out += rows;
  }
  return summary;
}

}  // namespace rapidbyte::connectors
