#include "guest/sdk/batch_transform.hpp"

#include <optional>
#include <string>
#include <utility>

#include "guest/sdk/summary.hpp"
#include "portable/arrow/ipc_census.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::sdk {

Result<protocol::RunSummary> BatchTransform::run(Context& ctx,
                                                 const protocol::RunRequest& request) {
  auto summary = begin_run(ctx, request).and_then([&] { return run_streams(ctx); });
  output_.clear();  // holds views into input that is gone once the run ends
  end_run(ctx);
  if (!summary) return std::unexpected(std::move(summary).error());
  return sdk::summary(*summary);
}

Result<void> BatchTransform::begin_run(Context&, const protocol::RunRequest&) {
  return {};
}

Result<void> BatchTransform::begin_stream(Context&, arrow::IpcStreamReader&, const BatchPosition&) {
  return {};
}

Result<BatchVerdict> BatchTransform::transform_batch(Context&, const arrow::RecordBatch&,
                                                     const BatchPosition&, BatchOutput&) {
  return BatchVerdict::kUnchanged;
}

void BatchTransform::end_run(Context&) {}

Result<protocol::TransformSummary> BatchTransform::run_streams(Context& ctx) {
  protocol::TransformSummary summary;
  while (std::optional<HostBytes> bytes = ctx.batch_next()) {
    ++summary.batches_in;
    summary.bytes_in += bytes->size();
    if (options_.decode) {
      RB_TRY(transform_stream(ctx, *bytes, summary));
    } else {
      RB_TRY(forward_stream(ctx, *bytes, summary));
    }
  }
  return summary;
}

Result<void> BatchTransform::forward_stream(Context& ctx, const HostBytes& bytes,
                                            protocol::TransformSummary& summary) {
  auto census = arrow::census_ipc_stream(bytes);
  if (!census) return data_error("invalid Arrow IPC batch: " + census.error().message);
  summary.records_in += census->rows;
  RB_TRY(ctx.batch_emit(bytes));
  summary.records_out += census->rows;
  summary.bytes_out += bytes.size();
  ++summary.batches_out;
  return {};
}

Result<void> BatchTransform::transform_stream(Context& ctx, const HostBytes& bytes,
                                              protocol::TransformSummary& summary) {
  auto reader = arrow::IpcStreamReader::open(bytes);
  if (!reader) return data_error("invalid Arrow IPC batch: " + reader.error().message);
  const BatchPosition at{summary.batches_in - 1, summary.records_in, bytes, 0};
  RB_TRY(begin_stream(ctx, *reader, at));
  output_.begin(bytes);
  RB_TRY(transform_batches(ctx, *reader, at, summary));
  const std::optional<std::span<const uint8_t>> out =
      output_.finish(summary.records_in - at.first_row, options_.emit_emptied_streams);
  if (!out) return {};
  RB_TRY(ctx.batch_emit(*out));
  summary.records_out += output_.rows();
  summary.bytes_out += out->size();
  ++summary.batches_out;
  return {};
}

Result<void> BatchTransform::transform_batches(Context& ctx, arrow::IpcStreamReader& reader,
                                               BatchPosition at,
                                               protocol::TransformSummary& summary) {
  for (;; ++at.record_batch) {
    auto batch = reader.next();
    if (!batch) return data_error("invalid Arrow IPC batch: " + batch.error().message);
    if (!*batch) return {};
    at.first_row = summary.records_in;
    RB_ASSIGN_OR_RETURN(const BatchVerdict verdict, transform_batch(ctx, **batch, at, output_));
    summary.records_in += static_cast<uint64_t>((*batch)->num_rows());
    if (verdict == BatchVerdict::kUnchanged) {
      RB_TRY(output_.keep(std::move(**batch)));
    } else {
      RB_TRY(output_.replace());
    }
  }
}

}  // namespace rapidbyte::sdk
