// transform-passthrough: forwards every batch unchanged — the same bytes it
// received, never re-encoded — and reports what went through. Rows are
// counted from the IPC metadata only (census_ipc_stream), so the stage costs
// one host copy in and one out per batch. The baseline for transform
// overhead in benchmarks, and a template for real transforms.
#include "guest/connectors/transform-passthrough/ipc_stream_census.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {
namespace {

class TransformPassthrough final : public sdk::Transform {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_TRY(sdk::JsonConfig::parse(config_json));
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& /*request*/) override {
    protocol::TransformSummary summary;
    while (std::optional<sdk::HostBytes> batch = ctx.batch_next()) {
      auto census = census_ipc_stream(*batch);
      if (!census) return sdk::data_error("invalid Arrow IPC batch: " + census.error().message);
      summary.records_in += census->rows;
      summary.bytes_in += batch->size();
      ++summary.batches_in;
      RB_TRY(ctx.batch_emit(*batch));
      summary.records_out += census->rows;
      summary.bytes_out += batch->size();
      ++summary.batches_out;
    }
    return sdk::summary(summary);
  }
};

}  // namespace
}  // namespace rapidbyte::connectors

RAPIDBYTE_EXPORT_TRANSFORM(rapidbyte::connectors::TransformPassthrough)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "transform-passthrough",
  "version": "0.1.0",
  "description": "Forwards every batch unchanged and counts what went through.",
  RAPIDBYTE_MANIFEST_SANDBOXED_TRANSFORM,
  "resources": {"memory_mb": 32},
  "config_schema": {"type": "object", "properties": {}, "additionalProperties": false}
});
// clang-format on
