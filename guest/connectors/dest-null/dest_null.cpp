// dest-null: a destination that writes nowhere but checks everything. Each
// batch is decoded and validated in full (IpcStreamReader checks every
// buffer, offset and UTF-8 string), rows and bytes are counted, and a
// ContentChecksum of the rows is computed, so tests can compare what
// arrived with what was sent, and benchmarks can measure the pipeline
// without a database. At the end it reports the metrics `records` and
// `checksum` (both counters), emits a destination checkpoint, and returns
// a write summary.
#include "guest/sdk/sdk.hpp"
#include "portable/arrow/checksum.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {
namespace {

class DestNull final : public sdk::Destination {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_TRY(sdk::JsonConfig::parse(config_json));
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& request) override {
    const std::string stream = request.streams.empty() ? "" : request.streams[0].stream_name;
    arrow::ContentChecksum checksum;
    protocol::WriteSummary summary;
    while (std::optional<sdk::HostBytes> batch = ctx.batch_next()) {
      RB_ASSIGN_OR_RETURN(auto rows,
                          sdk::write_ipc_batches(*batch, summary.batches + 1,
                                                 [&](const arrow::RecordBatch& record_batch) {
                                                   checksum.add(record_batch);
                                                   return sdk::Result<void>{};
                                                 }));
      summary.records_written += rows;
      summary.bytes_written += batch->size();
      ++summary.batches;
    }
    ctx.counter("records", summary.records_written);
    ctx.counter("checksum", checksum.value());
    ctx.checkpoint({protocol::CheckpointKind::kDestination, stream, std::nullopt, std::nullopt,
                    summary.records_written, summary.bytes_written});
    ++summary.checkpoints;
    return sdk::summary(summary);
  }
};

}  // namespace
}  // namespace rapidbyte::connectors

RAPIDBYTE_EXPORT_DESTINATION(rapidbyte::connectors::DestNull)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "dest-null",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["destination"],
  "description": "Validates, counts and checksums every batch, then discards it.",
  "capabilities": {"sync_modes": ["full_refresh", "incremental", "cdc"],
                   "write_modes": ["append", "replace", "upsert"]},
  "permissions": {"network": {"hosts": [], "hosts_from_config": []}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 64},
  "config_schema": {"type": "object", "properties": {}, "additionalProperties": false}
});
// clang-format on
