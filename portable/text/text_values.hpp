// The values of text files (CSV fields, JSON Lines strings and numbers):
// the column types they are read as, inferring a type from a sample of a
// column's values, and the builder that turns rows of text cells into an
// Arrow record batch.
//
//   type          Arrow                   text accepted
//   text          utf8                    anything
//   int64         int64                   -12, +7
//   float64       float64                 1.5, -2e-3, NaN, Infinity, -inf
//   bool          bool                    true/false, t/f, yes/no (any case)
//   date          date32                  2026-12-04
//   timestamp     timestamp[us]           2026-12-04 13:45:00[.ffffff] (or T)
//   timestamptz   timestamp[us, UTC]      the same with Z or +hh[:mm]
//   decimal(p,s)  decimal128(p, s)        -1234.5 (at most s fraction digits)
//
// Inference takes, for each column, the first type of int64, float64,
// bool, date, timestamp, timestamptz that every sampled value has; else
// text. A column named in `columns` has the type given there.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::text {

struct TextType {
  enum class Kind : uint8_t {
    kText,
    kInt64,
    kFloat64,
    kBool,
    kDate,
    kTimestamp,
    kTimestampTz,
    kDecimal
  };
  Kind kind = Kind::kText;
  int precision = 0;  // decimal
  int scale = 0;      // decimal

  arrow::DataType arrow_type() const;
  bool operator==(const TextType&) const = default;
};

// "text", "int64" (or bigint), "float64" (double), "bool" (boolean),
// "date", "timestamp", "timestamptz", "decimal(p,s)" (numeric(p,s)).
std::optional<TextType> text_type_named(std::string_view name);

// The type every one of `values` has (see above).
TextType infer_text_type(const std::vector<std::string>& values);

// A cell of a row: its text, or nullopt for NULL.
using TextCell = std::optional<std::string_view>;

class TextBatchBuilder {
 public:
  explicit TextBatchBuilder(std::shared_ptr<const arrow::Schema> schema,
                            std::vector<TextType> types);

  // Appends a row, or, when a cell is not of its column's type, appends
  // nothing and returns what is wrong ("column 'amount': 'abc' is not a
  // decimal(12,2)").
  std::optional<std::string> add_row(const std::vector<TextCell>& cells);

  int64_t rows() const { return rows_; }
  // The rows added since the last finish, as a batch.
  arrow::Result<arrow::RecordBatch> finish();

 private:
  std::shared_ptr<const arrow::Schema> schema_;
  std::vector<TextType> types_;
  std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders_;
  int64_t rows_ = 0;
};

}  // namespace rapidbyte::text
