// ValueFormatter: renders the slots of one column as human-readable text and
// as JSON values — the per-type knowledge behind pretty_print.hpp.
//
//   type                text                        JSON
//   null slot           NULL                        null
//   bool, integers      true, -12                   true, -12
//   float32/64          shortest round-trip, NaN,   number; "NaN", "Infinity",
//                       Infinity, -Infinity         "-Infinity" as strings
//   decimal128          exact, e.g. -1234.500       "-1234.500" (exact text)
//   utf8, large_utf8    the text (control chars     JSON string
//                       escaped, e.g. \n)
//   binary, fixed_size  0x + hex                    base64 string
//   arrow.uuid          8-4-4-4-12 hex              "8-4-4-4-12"
//   date32              2024-02-29                  "2024-02-29"
//   timestamp           ISO-8601, fraction digits   same, quoted
//                       by unit, Z when zoned
//   time64              13:45:00.000001             quoted
//   duration            1500ms                      "1500ms"
//   month_day_nano      ISO-8601 P14M-3DT0.0000015S quoted
//   list                [1, 2, NULL]                [1,2,null]
// Dates and timestamps at the int32/int64 extremes print as infinity and
// -infinity (PostgreSQL's spelling for those values).
//
// A formatter borrows the Field and the Array it was made from: both must
// outlive it. Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "portable/arrow/array.hpp"
#include "portable/arrow/field.hpp"

namespace rapidbyte::arrow {

class ValueFormatter {
 public:
  // REQUIRES: column.type() == field.type.
  ValueFormatter(const Field& field, const Array& column);
  ~ValueFormatter();
  ValueFormatter(const ValueFormatter&) = delete;
  ValueFormatter& operator=(const ValueFormatter&) = delete;

  // Appends slot `row` as display text ("NULL" for a null slot).
  // REQUIRES: 0 <= row < column.length().
  void append_text(int64_t row, std::string& out) const;

  // Appends slot `row` as one JSON value. REQUIRES: 0 <= row < column.length().
  void append_json(int64_t row, std::string& out) const;

  // True for types whose text reads best right-aligned (numbers).
  bool is_numeric() const;

 private:
  enum class Style : uint8_t { kText, kJson };
  void append(int64_t row, Style style, std::string& out) const;

  const Field& field_;
  const Array& column_;
  // Lists: the element field and child array, and their formatter.
  std::unique_ptr<Field> element_field_;
  std::unique_ptr<Array> element_array_;
  std::unique_ptr<ValueFormatter> elements_;
};

// Appends `text` (UTF-8) as a quoted JSON string with JSON's escapes.
void append_json_string(std::string_view text, std::string& out);

}  // namespace rapidbyte::arrow
