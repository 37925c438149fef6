// transform-validate: checks every row against per-column rules (not_null,
// regex, range, allowed, unique, max_length) and lets the valid rows
// through. A failing row fails the run, is dropped, or goes to the
// dead-letter queue with the rule it failed (on_fail: fail | skip | dlq).
// Batches whose rows all pass are forwarded byte for byte; otherwise the
// runs of valid rows are re-encoded as slices, never copied row by row.
//
// Rule failures are reported as one counter per rule,
// `validation_failures{column, rule}` (a row counts under the first rule it
// fails), plus their sum `records_invalid`; the engine shows them in the run
// summary.
#include <cctype>

#include "guest/connectors/transform-common/arrow_cells.hpp"
#include "guest/connectors/transform-validate/row_validator.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {
namespace {

using validate::OnFail;
using validate::RowValidator;

class TransformValidate final : public sdk::BatchTransform {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto json, sdk::JsonConfig::parse(config_json));
    RB_ASSIGN_OR_RETURN(auto config, validate::ValidationConfig::parse(json.root()));
    validator_ = std::make_unique<RowValidator>(std::move(config));
    return {};
  }

 private:
  sdk::Result<void> begin_run(sdk::Context& /*ctx*/, const protocol::RunRequest& request) override {
    stream_ = request.streams.empty() ? "" : request.streams[0].stream_name;
    return {};
  }

  // Checks `batch`, acts on each failing row per on_fail, and appends the
  // valid rows to `out` as slices of `batch`, one per run of consecutive
  // valid rows. kUnchanged when every row passed (`out` is then untouched).
  sdk::Result<sdk::BatchVerdict> transform_batch(sdk::Context& ctx, const arrow::RecordBatch& batch,
                                                 const sdk::BatchPosition& at,
                                                 sdk::BatchOutput& out) override {
    RB_TRY(validator_->bind(batch.schema()));
    RB_ASSIGN_OR_RETURN(auto failed, validator_->check(batch));
    const int64_t rows = batch.num_rows();
    int64_t run_start = 0;  // first row of the current run of valid rows
    bool any_failed = false;
    for (int64_t row = 0; row < rows; ++row) {
      const std::optional<size_t> rule = failed[static_cast<size_t>(row)];
      if (!rule) continue;
      any_failed = true;
      if (row > run_start) RB_TRY(out.append(batch.slice(run_start, row - run_start)));
      run_start = row + 1;
      RB_TRY(on_failure(ctx, batch, row, at.first_row + static_cast<uint64_t>(row), *rule));
    }
    if (!any_failed) return sdk::BatchVerdict::kUnchanged;
    if (rows > run_start) RB_TRY(out.append(batch.slice(run_start, rows - run_start)));
    return sdk::BatchVerdict::kReplaced;
  }

  // Acts on `row` of `batch` (0-based `row_in_stream` of the stream), which
  // failed `rule`: fails the run, or drops it, or sends it to the dead-letter
  // queue, per on_fail.
  sdk::Result<void> on_failure(sdk::Context& ctx, const arrow::RecordBatch& batch, int64_t row,
                               uint64_t row_in_stream, size_t rule) {
    const std::string what = validator_->describe_failure(rule);
    switch (validator_->config().on_fail) {
      case OnFail::kFail:
        return sdk::data_error(
            "record " + std::to_string(row_in_stream + 1) + " of stream '" + stream_ + "': " + what,
            "VALIDATION_FAILED");
      case OnFail::kSkip:
        return {};
      case OnFail::kDlq: {
        protocol::DlqRecord record;
        record.stream_name = stream_;
        record.record_json = arrow::row_json(batch, row);
        record.error = sdk::make_error(protocol::ErrorCategory::kData, what,
                                       failure_code(validator_->stats()[rule].kind));
        ctx.dlq(record);
        return {};
      }
    }
    return {};
  }

  void end_run(sdk::Context& ctx) override { report_metrics(ctx); }

  // "VALIDATION_NOT_NULL": the error code of a dead letter, per rule.
  static std::string failure_code(validate::RuleKind kind) {
    std::string code = std::string("VALIDATION_") + validate::rule_name(kind);
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return code;
  }

  void report_metrics(sdk::Context& ctx) {
    uint64_t invalid = 0;
    for (const auto& s : validator_->stats()) {
      invalid += s.failures;
      protocol::MetricSample sample;
      sample.name = "validation_failures";
      sample.value.emplace<protocol::metric_kind::kCounter>(s.failures);
      sample.labels = {{"column", s.column}, {"rule", validate::rule_name(s.kind)}};
      ctx.metric(sample);
    }
    ctx.counter("records_invalid", invalid);
  }

  std::unique_ptr<RowValidator> validator_;
  std::string stream_;  // of the current run
};

}  // namespace
}  // namespace rapidbyte::connectors

RAPIDBYTE_EXPORT_TRANSFORM(rapidbyte::connectors::TransformValidate)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "transform-validate",
  "version": "0.1.0",
  "description": "Checks rows against per-column rules; drops, dead-letters or fails on invalid rows.",
  RAPIDBYTE_MANIFEST_SANDBOXED_TRANSFORM,
  "resources": {"memory_mb": 256},
  "config_schema": {
    "type": "object",
    "required": ["columns"],
    "additionalProperties": false,
    "properties": {
      "on_fail": {"enum": ["fail", "skip", "dlq"]},
      "unique_max_bytes": {"type": "integer", "minimum": 1},
      "columns": {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": {
          "type": "object",
          "minProperties": 1,
          "additionalProperties": false,
          "properties": {
            "not_null": {"type": "boolean"},
            "unique": {"type": "boolean"},
            "regex": {"type": "string"},
            "max_length": {"type": "integer", "minimum": 0},
            "range": {"type": "object", "minProperties": 1, "additionalProperties": false,
                      "properties": {"min": {"type": ["number", "string"]},
                                     "max": {"type": ["number", "string"]}}},
            "allowed": {"type": "array", "minItems": 1,
                        "items": {"type": ["string", "integer"]}}
          }
        }
      }
    }
  }
});
// clang-format on
