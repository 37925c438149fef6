// ColumnMasker: applies a MaskConfig to record batches — the logic of
// transform-mask, free of host calls so that it is tested natively.
//
// Per method, on a non-null cell (a null stays null under every method):
//   hash     lowercase hex of HMAC-SHA256 keyed by the salt over the value:
//            the bytes of text and binary values, the canonical text of
//            anything else (42, 2024-02-29, true). The column becomes utf8.
//   redact   the constant `value`. The column becomes utf8.
//   partial  keeps keep_first and keep_last code points and replaces each
//            one between with mask_char; a value of keep_first + keep_last
//            code points or fewer is masked whole, so a short value never
//            passes in the clear. Text columns only (utf8).
//   null     every cell null; the column keeps its type, becomes nullable.
// Masked columns keep their name and position; utf8 results are nullable
// when the input column is. Field metadata (such as an extension type) is
// dropped from a column whose type changes. Not thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "guest/connectors/transform-mask/mask_config.hpp"
#include "guest/sdk/error.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/arrow/schema.hpp"
#include "portable/crypto/hmac_sha256.hpp"

namespace rapidbyte::connectors::mask {

class ColumnMasker {
 public:
  explicit ColumnMasker(MaskConfig config);

  // Checks the masks against `schema` (unknown column, partial on a
  // non-text column: config errors naming the column) and derives the output
  // schema. A no-op when `schema` equals the bound one.
  sdk::Result<void> bind(std::shared_ptr<const arrow::Schema> schema);

  // The masked copy of `batch`; unmasked columns are shared, not copied.
  // REQUIRES: bind() succeeded for batch.schema().
  sdk::Result<arrow::RecordBatch> apply(const arrow::RecordBatch& batch);

  const std::shared_ptr<const arrow::Schema>& output_schema() const { return output_; }

 private:
  sdk::Result<arrow::Array> mask_column(const ColumnMask& mask, const arrow::Field& field,
                                        const arrow::Array& array);

  MaskConfig config_;
  crypto::HmacSha256 hmac_;
  std::shared_ptr<const arrow::Schema> input_;
  std::shared_ptr<const arrow::Schema> output_;
  std::vector<const ColumnMask*> by_column_;  // per input column; null: unmasked
};

}  // namespace rapidbyte::connectors::mask
