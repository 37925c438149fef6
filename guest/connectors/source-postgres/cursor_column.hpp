// CursorColumn: what source-postgres knows about the cursor of an
// incremental stream — how to read a cursor value out of a decoded Arrow
// column, how to compare two rows of it, and how to write a committed value
// back into SQL as a typed expression.
//
// Supported cursor types: smallint, integer, bigint (int64 values), real and
// double precision (float64), timestamp and timestamptz (microseconds),
// date (days), numeric (exact text), and text-like types (text). A plain
// value; the arrays it is given are borrowed for the call only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "guest/sdk/error.hpp"
#include "portable/arrow/array.hpp"
#include "portable/arrow/field.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"

namespace rapidbyte::connectors::source_postgres {

class CursorColumn {
 public:
  enum class Kind : uint8_t { kInt, kFloat, kTimestamp, kTimestampTz, kDate, kNumeric, kText };

  // The cursor for a column whose decoded Arrow field is `field`; a config
  // error when the type cannot order a stream.
  static sdk::Result<CursorColumn> make(const arrow::Field& field);
  // Whether a column of this Arrow type can be a cursor (for discover).
  static bool supports(const arrow::DataType& type);

  Kind kind() const { return kind_; }

  // The value of row `row`; nullopt for a null slot.
  // REQUIRES: `column` has the field's type; 0 <= row < length.
  std::optional<protocol::CursorValue> value_at(const arrow::Array& column, int64_t row) const;

  // Whether rows `a` and `b` hold the same value (two nulls are the same).
  bool same(const arrow::Array& column, int64_t a, int64_t b) const;
  // The same for two values read (nullopt for NULL).
  static bool same_value(const std::optional<protocol::CursorValue>& a,
                         const std::optional<protocol::CursorValue>& b);
  // The same for two values as binary COPY sends them (nullopt for NULL),
  // before they are decoded: equal values that COPY may send in different
  // bytes (0 and -0, numeric 1.0 and 1.00) are the same.
  bool same_in_copy(postgres::RunColumn::Value a, postgres::RunColumn::Value b) const;

  // A SQL expression of the column's type for `value`, e.g.
  // ('1970-01-01 00:00:00+00'::timestamptz + 1700000000000000 * interval '1 microsecond').
  // A config error when the value's kind cannot be compared with this column.
  sdk::Result<std::string> sql_literal(const protocol::CursorValue& value) const;

 private:
  explicit CursorColumn(Kind kind, arrow::Field field) : kind_(kind), field_(std::move(field)) {}

  Kind kind_;
  arrow::Field field_;
};

}  // namespace rapidbyte::connectors::source_postgres
