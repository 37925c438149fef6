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
#include "guest/connectors/transform-common/batch_transform.hpp"
#include "guest/connectors/transform-validate/row_validator.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {
namespace {

using validate::OnFail;
using validate::RowValidator;

class TransformValidate final : public sdk::Transform {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto json, sdk::JsonConfig::parse(config_json));
    RB_ASSIGN_OR_RETURN(auto config, validate::ValidationConfig::parse(json.root()));
    validator_ = std::make_unique<RowValidator>(std::move(config));
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& request) override {
    const std::string stream = request.streams.empty() ? "" : request.streams[0].stream_name;
    uint64_t seen = 0;  // records before the current batch
    auto summary = run_batch_transform(
        ctx, "transform-validate",
        [&](const arrow::RecordBatch& batch, std::vector<arrow::RecordBatch>& out) {
          auto same = validate_batch(ctx, stream, seen, batch, out);
          seen += static_cast<uint64_t>(batch.num_rows());
          return same;
        });
    report_metrics(ctx);
    if (!summary) return std::unexpected(summary.error());
    return sdk::summary(*summary);
  }

 private:
  // Checks `batch` (rows `first` + 1... of the stream), acts on each failing
  // row per on_fail, and appends the valid rows to `out` as slices of
  // `batch`, one per run of consecutive valid rows. True when every row
  // passed (`out` is then untouched).
  sdk::Result<bool> validate_batch(sdk::Context& ctx, const std::string& stream, uint64_t first,
                                   const arrow::RecordBatch& batch,
                                   std::vector<arrow::RecordBatch>& out) {
    RB_TRY(validator_->bind(batch.schema()));
    RB_ASSIGN_OR_RETURN(auto failed, validator_->check(batch));
    const int64_t rows = batch.num_rows();
    int64_t run_start = 0;  // first row of the current run of valid rows
    bool any_failed = false;
    for (int64_t row = 0; row < rows; ++row) {
      const std::optional<size_t> rule = failed[static_cast<size_t>(row)];
      if (!rule) continue;
      any_failed = true;
      if (row > run_start) out.push_back(batch.slice(run_start, row - run_start));
      run_start = row + 1;
      const std::string what = validator_->describe_failure(*rule);
      switch (validator_->config().on_fail) {
        case OnFail::kFail:
          return sdk::data_error("record " +
                                     std::to_string(first + static_cast<uint64_t>(row) + 1) +
                                     " of stream '" + stream + "': " + what,
                                 "VALIDATION_FAILED");
        case OnFail::kSkip:
          break;
        case OnFail::kDlq: {
          protocol::DlqRecord record;
          record.stream_name = stream;
          record.record_json = arrow::row_json(batch, row);
          record.error = sdk::make_error(protocol::ErrorCategory::kData, what,
                                         failure_code(validator_->stats()[*rule].kind));
          ctx.dlq(record);
          break;
        }
      }
    }
    if (!any_failed) return true;
    if (rows > run_start) out.push_back(batch.slice(run_start, rows - run_start));
    return false;
  }

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
