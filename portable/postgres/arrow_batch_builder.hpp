// ArrowBatchBuilder: turns PostgreSQL binary values, row by row, into Arrow
// record batches — one ValueCodec and one Arrow builder per column.
//
// Used by the binary COPY decoder and for binary extended-query results
// (append_row takes a DataRow as the Connection hands it over). The builder
// owns its codecs and the memory of the batch being built; finish_batch()
// hands that memory to the returned RecordBatch. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "portable/arrow/record_batch.hpp"
#include "portable/postgres/backend_messages.hpp"
#include "portable/postgres/codec/value_codec.hpp"

namespace rapidbyte::postgres {

struct ColumnSpec {
  std::string name;
  PgColumnType type;
};

class ArrowBatchBuilder {
 public:
  // Fails when a column type has no codec.
  static Result<ArrowBatchBuilder> make(const std::vector<ColumnSpec>& columns,
                                        const CodecOptions& options = {});
  // Columns of a RowDescription (binary format results).
  static Result<ArrowBatchBuilder> make(const std::vector<FieldDescription>& fields,
                                        const CodecOptions& options = {});

  const std::shared_ptr<const arrow::Schema>& schema() const { return schema_; }
  int num_columns() const { return static_cast<int>(codecs_.size()); }
  int64_t num_rows() const { return rows_; }

  // Appends one value of column `column` (nullopt/null appends a null).
  // REQUIRES: 0 <= column < num_columns(); columns are appended in order.
  Result<void> append_value(int column, const std::optional<std::span<const uint8_t>>& value);
  // Like append_value, but a value the codec refuses without appending
  // anything is appended as null, and the refusal returned (a row the
  // caller can still keep whole, to set aside). A codec that refused after
  // appending part of a value (an array's elements) fails as append_value.
  Result<std::optional<PgError>> append_value_or_null(
      int column, const std::optional<std::span<const uint8_t>>& value);
  // Counts a row whose every column has been appended.
  void end_row() { ++rows_; }

  // Appends a block of values to column `column` in one codec call (see
  // ValueCodec::decode_column); add_rows() counts the block once every
  // column has it.
  Result<void> append_column(int column, std::span<const FieldRef> fields);
  void add_rows(int64_t n) { rows_ += n; }

  // A DataRow from a binary-format result. Fails on a column count mismatch.
  Result<void> append_row(std::span<const ColumnValue> row);

  // The rows appended since the last finish_batch(), as a batch.
  Result<arrow::RecordBatch> finish_batch();
  // Drops whatever was appended since the last finish_batch(), whole rows
  // or not, and starts an empty batch.
  void discard();

 private:
  ArrowBatchBuilder() = default;

  std::shared_ptr<const arrow::Schema> schema_;
  std::vector<std::unique_ptr<ValueCodec>> codecs_;
  std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders_;
  int64_t rows_ = 0;
};

}  // namespace rapidbyte::postgres
