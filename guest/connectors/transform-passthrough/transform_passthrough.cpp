// transform-passthrough: forwards every batch unchanged — the same bytes it
// received, never re-encoded — and reports what went through. It is an
// sdk::BatchTransform that does not decode: rows are counted from the IPC
// metadata only (arrow::census_ipc_stream), so the stage costs one host copy
// in and one out per batch. The baseline for transform overhead in
// benchmarks.
#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {
namespace {

class TransformPassthrough final : public sdk::BatchTransform {
 public:
  TransformPassthrough() : sdk::BatchTransform({.decode = false}) {}

  sdk::Result<void> open(std::string_view config_json) override {
    RB_TRY(sdk::JsonConfig::parse(config_json));
    return {};
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
