// RecordBatch: equal-length columns under one schema — the unit that flows
// between pipeline stages and that one IPC record batch message carries.
//
// The schema is shared by every batch of a stream; columns share their
// buffers (see Array), so copying a batch or slicing it copies no values.
// Thread-safety: immutable, safe to read from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "portable/arrow/array.hpp"
#include "portable/arrow/schema.hpp"
#include "portable/arrow/status.hpp"

namespace rapidbyte::arrow {

class RecordBatch {
 public:
  // Checked construction: one column per field, each of its field's type,
  // all of length num_rows (taken from the first column when not given;
  // required for a batch without columns), and no nulls in a non-nullable
  // field.
  static Result<RecordBatch> make(std::shared_ptr<const Schema> schema, std::vector<Array> columns,
                                  std::optional<int64_t> num_rows = std::nullopt);

  // A batch of no rows: one empty column per field. It still carries the
  // schema, e.g. to a destination that creates its table from it.
  static Result<RecordBatch> empty(std::shared_ptr<const Schema> schema);

  // Unchecked construction. REQUIRES: what make() checks.
  RecordBatch(std::shared_ptr<const Schema> schema, std::vector<Array> columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  // REQUIRES: 0 <= i < num_columns().
  const Array& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  const std::vector<Array>& columns() const { return columns_; }

  // Rows [offset, offset + length), sharing this batch's buffers.
  // REQUIRES: 0 <= offset, 0 <= length, offset + length <= num_rows().
  RecordBatch slice(int64_t offset, int64_t length) const;

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<Array> columns_;
  int64_t num_rows_ = 0;
};

}  // namespace rapidbyte::arrow
