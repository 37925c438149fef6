// RowValidator: applies a ValidationConfig to record batches and tells, per
// row, the first rule it fails — the logic of transform-validate, free of
// any host call so that it is tested natively.
//
// Semantics:
//   - Rules run in config order, column by column; a row is reported under
//     the first rule it fails, so the per-rule counts add up to the rows
//     that failed.
//   - A null passes every rule but not_null (as in SQL).
//   - max_length counts code points for text and bytes for binary.
//   - range compares integers exactly and floating point and decimal128
//     values as doubles; NaN is outside every range. On date32 and timestamp
//     columns its bounds are ISO-8601 strings (temporal_bound.hpp), compared
//     exactly in the column's encoding.
//   - unique is checked after every other rule of the row, over the whole
//     run, and a key is remembered only for rows that pass every rule (a
//     dropped row does not make a later row a duplicate). Keys are the
//     value's bytes; they are kept in memory, up to unique_max_bytes (each key
//     counted with kUniqueKeyOverhead bytes of bookkeeping) over all
//     columns. Beyond that check() fails: the run cannot promise uniqueness
//     any more.
//
// bind() checks the rules against a schema (unknown column, a regex on a
// non-text column, ...): config errors naming the rule and the column. A
// stream's schema is known from its first batch, so that is where a
// transform binds; later batches with the same schema reuse the binding.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "guest/connectors/transform-validate/validation_config.hpp"
#include "guest/sdk/error.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/arrow/schema.hpp"

namespace rapidbyte::connectors::validate {

class RowValidator {
 public:
  static constexpr uint64_t kUniqueKeyOverhead = 48;

  // One rule bound to a column, and how many rows failed it so far.
  struct RuleStats {
    std::string column;
    RuleKind kind = RuleKind::kNotNull;
    uint64_t failures = 0;
  };

  explicit RowValidator(ValidationConfig config);
  ~RowValidator();
  RowValidator(const RowValidator&) = delete;
  RowValidator& operator=(const RowValidator&) = delete;

  // Binds the rules to `schema` (a no-op when it equals the bound one).
  sdk::Result<void> bind(std::shared_ptr<const arrow::Schema> schema);

  // Per row of `batch`: the index (into stats()) of the first rule it
  // fails, or nullopt when it passes. Counts the failures.
  // REQUIRES: bind() succeeded for batch.schema().
  sdk::Result<std::vector<std::optional<size_t>>> check(const arrow::RecordBatch& batch);

  // Every rule in config order, with its failure count.
  const std::vector<RuleStats>& stats() const { return stats_; }

  // "column 'email' fails rule 'regex' (^[a-z]+$)": a failure, for errors
  // and dead letters.
  std::string describe_failure(size_t rule) const;

  const ValidationConfig& config() const { return config_; }

 private:
  struct Bound;

  ValidationConfig config_;
  std::shared_ptr<const arrow::Schema> schema_;
  std::vector<Bound> bound_;  // parallel to stats_
  std::vector<RuleStats> stats_;
  // One set of remembered keys per unique rule (by rule index), kept across
  // rebinding.
  std::vector<std::unordered_set<std::string>> unique_keys_;
  uint64_t unique_bytes_ = 0;
};

}  // namespace rapidbyte::connectors::validate
