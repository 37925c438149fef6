// RowGenerator: deterministic synthetic rows for the source-generator
// connector, built straight into Arrow record batches.
//
// Every cell is a pure function of (seed, row id, column index) — splitmix64
// of the three — so any range of rows comes out identical however the rows
// are split into batches, and a resumed incremental read continues exactly
// where the previous one stopped. Row ids start at 1. A column named "id" of
// type int64 holds the row id and is never null; every other column is null
// for about one row in kNullOneIn.
//
// Memory: the generator keeps one builder per column and reuses their
// allocations from batch to batch; generating a batch allocates nothing per
// row. Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/arrow/schema.hpp"
#include "portable/arrow/status.hpp"

namespace rapidbyte::connectors {

enum class ColumnKind : uint8_t { kInt64, kFloat64, kText, kBool, kTimestamp };

struct ColumnSpec {
  std::string name;
  ColumnKind kind = ColumnKind::kInt64;
};

// "int64", "float64", "text", "bool" or "timestamp"; nullopt otherwise.
std::optional<ColumnKind> parse_column_kind(std::string_view name);
std::string_view column_kind_name(ColumnKind kind);
// The Arrow type of a kind; timestamps are timestamp[us, tz=UTC].
arrow::DataType column_arrow_type(ColumnKind kind);

// id int64, value float64, name text, flag bool, ts timestamp.
std::vector<ColumnSpec> default_columns();

class RowGenerator {
 public:
  static constexpr uint64_t kNullOneIn = 16;
  // Longest text value, for batch size estimates.
  static constexpr size_t kMaxTextBytes = 24;

  RowGenerator(std::vector<ColumnSpec> columns, uint64_t seed);

  const std::shared_ptr<const arrow::Schema>& schema() const { return schema_; }

  // An upper bound of the bytes one row adds to an IPC record batch body.
  size_t max_row_bytes() const;

  // Rows with ids [first_id, first_id + count).
  arrow::Result<arrow::RecordBatch> generate(uint64_t first_id, uint64_t count);

 private:
  void append_column(size_t column, uint64_t first_id, uint64_t count);

  std::vector<ColumnSpec> columns_;
  uint64_t seed_;
  std::shared_ptr<const arrow::Schema> schema_;
  std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders_;
};

}  // namespace rapidbyte::connectors
