// Reading single cells of Arrow arrays by what a rule needs — text bytes,
// an exact integer, a double, a key that identifies the value, the row as
// JSON — whatever the column's physical type. Shared by the transforms that
// look at values one by one (transform-validate, transform-mask).
// Pure functions over immutable arrays; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "portable/arrow/array.hpp"
#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/field.hpp"
#include "portable/arrow/fixed_size_binary_array.hpp"
#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::connectors::cells {

// utf8 or large_utf8.
bool is_text(const arrow::DataType& type);
// binary, large_binary or fixed_size_binary (not decimal128).
bool is_binary(const arrow::DataType& type);
// Signed and unsigned integers of every width.
bool is_integer(const arrow::DataType& type);
// Integers, float32/64 and decimal128.
bool is_numeric(const arrow::DataType& type);

// The bytes of a text or binary cell. REQUIRES: is_text or is_binary, row valid.
std::string_view bytes(const arrow::Array& array, int64_t row);

// The same for every row of one column: the typed view is made once, so a
// loop over rows builds none per value.
class BytesColumn {
 public:
  // REQUIRES: is_text or is_binary of array.type().
  explicit BytesColumn(const arrow::Array& array);
  // REQUIRES: row valid.
  std::string_view value(int64_t row) const {
    return std::visit(
        [row](const auto& view) -> std::string_view {
          if constexpr (std::is_same_v<std::decay_t<decltype(view)>, arrow::FixedSizeBinaryArray>) {
            return view.value_view(row);
          } else {
            return view.value(row);
          }
        },
        view_);
  }

 private:
  std::variant<arrow::BinaryArray, arrow::LargeBinaryArray, arrow::FixedSizeBinaryArray> view_;
};

// An integer cell exactly, or the integer encoding of a date32 (days) or
// timestamp (ticks) cell. REQUIRES: is_integer or date32 or timestamp.
__int128 integer(const arrow::Array& array, int64_t row);

// A numeric cell as a double (decimal128 rounded). REQUIRES: is_numeric.
double number(const arrow::Array& array, int64_t row);

// Appends bytes that identify the cell's value among the values of its
// column (equal values, equal keys). REQUIRES: row is not null.
void append_key(const arrow::Field& field, const arrow::Array& array, int64_t row,
                std::string& out);

// The cell's canonical text: the bytes for text, ValueFormatter's text for
// everything else (42, 2024-02-29, 0x00ff). REQUIRES: row is not null.
void append_text(const arrow::Field& field, const arrow::Array& array, int64_t row,
                 std::string& out);

}  // namespace rapidbyte::connectors::cells
