// transform-mask: masks sensitive columns in flight — a salted hash, a
// constant, a partial mask or null per column (see column_masker.hpp for
// each method's exact output). The salt is a secret: it keys the hash and
// appears nowhere else, not in errors and not in logs; put it in the
// environment and reference it as ${VAR} in the pipeline.
#include "guest/connectors/transform-mask/column_masker.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {
namespace {

class TransformMask final : public sdk::BatchTransform {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto json, sdk::JsonConfig::parse(config_json));
    RB_ASSIGN_OR_RETURN(auto config, mask::MaskConfig::parse(json.root()));
    masker_ = std::make_unique<mask::ColumnMasker>(std::move(config));
    return {};
  }

 private:
  // Every batch is rebuilt, also one without rows: it carries the masked
  // schema downstream.
  sdk::Result<sdk::BatchVerdict> transform_batch(sdk::Context& /*ctx*/,
                                                 const arrow::RecordBatch& batch,
                                                 const sdk::BatchPosition& /*at*/,
                                                 sdk::BatchOutput& out) override {
    RB_TRY(masker_->bind(batch.schema()));
    RB_ASSIGN_OR_RETURN(auto masked, masker_->apply(batch));
    RB_TRY(out.append(masked));
    return sdk::BatchVerdict::kReplaced;
  }

  std::unique_ptr<mask::ColumnMasker> masker_;
};

}  // namespace
}  // namespace rapidbyte::connectors

RAPIDBYTE_EXPORT_TRANSFORM(rapidbyte::connectors::TransformMask)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "transform-mask",
  "version": "0.1.0",
  "description": "Masks columns in flight: salted hash, constant, partial mask or null.",
  RAPIDBYTE_MANIFEST_SANDBOXED_TRANSFORM,
  "resources": {"memory_mb": 64},
  "config_schema": {
    "type": "object",
    "required": ["columns"],
    "additionalProperties": false,
    "properties": {
      "salt": {"type": "string"},
      "columns": {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": {
          "type": "object",
          "required": ["method"],
          "additionalProperties": false,
          "properties": {
            "method": {"enum": ["hash", "redact", "partial", "null"]},
            "value": {"type": "string"},
            "keep_first": {"type": "integer", "minimum": 0},
            "keep_last": {"type": "integer", "minimum": 0},
            "mask_char": {"type": "string", "minLength": 1}
          }
        }
      }
    }
  }
});
// clang-format on
