#include "portable/arrow/value_formatter.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <string_view>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/boolean_array.hpp"
#include "portable/arrow/civil_date.hpp"
#include "portable/arrow/extension_type.hpp"
#include "portable/arrow/list_array.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/crypto/base64.hpp"
#include "portable/crypto/hex.hpp"

namespace rapidbyte::arrow {
namespace {

template <class T>
void append_number(T value, std::string& out) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, ec == std::errc() ? end : buf);
}

// Appends `value` in decimal with at least `width` digits.
void append_padded(int64_t value, int width, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  for (int n = static_cast<int>(end - buf); n < width; ++n) out += '0';
  out.append(buf, end);
}

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// YYYY-MM-DD of a day count since 1970-01-01 (proleptic Gregorian; years
// outside 0..9999 get a sign, as ISO-8601's expanded form).
void append_date(int64_t days, std::string& out) {
  const CivilDate date = civil_from_days(days);
  const int64_t year = date.year;
  const int64_t month = date.month;
  const int64_t day = date.day;
  if (year < 0) {
    out += '-';
    append_padded(-year, 4, out);
  } else {
    if (year > 9999) out += '+';
    append_padded(year, 4, out);
  }
  out += '-';
  append_padded(month, 2, out);
  out += '-';
  append_padded(day, 2, out);
}

int64_t ticks_per_second(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return 1;
    case TimeUnit::kMilli:
      return 1000;
    case TimeUnit::kMicro:
      return 1000000;
    case TimeUnit::kNano:
      return 1000000000;
  }
  return 1;
}

int fraction_digits(TimeUnit unit) {
  return unit == TimeUnit::kSecond  ? 0
         : unit == TimeUnit::kMilli ? 3
         : unit == TimeUnit::kMicro ? 6
                                    : 9;
}

// HH:MM:SS[.fraction] of `ticks` (of `unit`) into a day, 0 <= ticks.
void append_time_of_day(int64_t ticks, TimeUnit unit, std::string& out) {
  const int64_t tps = ticks_per_second(unit);
  const int64_t seconds = ticks / tps;
  append_padded(seconds / 3600, 2, out);
  out += ':';
  append_padded(seconds / 60 % 60, 2, out);
  out += ':';
  append_padded(seconds % 60, 2, out);
  if (tps > 1) {
    out += '.';
    append_padded(ticks % tps, fraction_digits(unit), out);
  }
}

void append_timestamp(int64_t value, const DataType& type, std::string& out) {
  const int64_t tps = ticks_per_second(type.unit());
  const int64_t seconds = floor_div(value, tps);
  const int64_t days = floor_div(seconds, 86400);
  append_date(days, out);
  out += 'T';
  append_time_of_day((seconds - days * 86400) * tps + (value - seconds * tps), type.unit(), out);
  if (!type.timezone().empty()) out += 'Z';  // the value is a UTC instant
}

// P<months>M<days>DT<seconds>S, seconds exact to the nanosecond.
void append_interval(const MonthDayNano& v, std::string& out) {
  out += 'P';
  append_number(v.months, out);
  out += 'M';
  append_number(v.days, out);
  out += "DT";
  const uint64_t magnitude = v.nanoseconds < 0 ? 0 - static_cast<uint64_t>(v.nanoseconds)
                                               : static_cast<uint64_t>(v.nanoseconds);
  if (v.nanoseconds < 0) out += '-';
  append_number(magnitude / 1000000000u, out);
  if (const uint64_t frac = magnitude % 1000000000u; frac != 0) {
    std::string digits;
    append_padded(static_cast<int64_t>(frac), 9, digits);
    while (digits.back() == '0') digits.pop_back();
    out += '.';
    out += digits;
  }
  out += 'S';
}

// The exact decimal text of a decimal128 value with `scale`.
void append_decimal(const uint8_t* bytes, int32_t scale, std::string& out) {
  uint32_t limbs[4];  // little-endian 32-bit limbs of the magnitude
  std::memcpy(limbs, bytes, 16);
  const bool negative = (limbs[3] & 0x80000000u) != 0;
  if (negative) {  // two's complement negate
    uint64_t carry = 1;
    for (uint32_t& limb : limbs) {
      const uint64_t sum = static_cast<uint64_t>(~limb) + carry;
      limb = static_cast<uint32_t>(sum);
      carry = sum >> 32;
    }
  }
  std::string digits;  // least significant first
  auto is_zero = [&] { return (limbs[0] | limbs[1] | limbs[2] | limbs[3]) == 0; };
  do {
    uint64_t rem = 0;
    for (int k = 3; k >= 0; --k) {
      const uint64_t cur = (rem << 32) | limbs[k];
      limbs[k] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    for (int k = 0; k < 9; ++k, rem /= 10) digits += static_cast<char>('0' + rem % 10);
  } while (!is_zero());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (scale > 0) {
    while (static_cast<int32_t>(digits.size()) <= scale) digits += '0';
  }
  if (negative) out += '-';
  for (size_t k = digits.size(); k-- > 0;) {
    out += digits[k];
    if (scale > 0 && k == static_cast<size_t>(scale)) out += '.';
  }
  for (int32_t k = scale; k < 0; ++k) out += '0';  // negative scale: trailing zeros
}

void append_uuid(std::span<const uint8_t> bytes, std::string& out) {
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    crypto::append_hex(bytes.subspan(i, 1), out);
  }
}

// Text: control characters escaped so a value stays on one line. JSON: a
// quoted string with JSON's escapes.
void append_string(std::string_view s, bool json, std::string& out) {
  if (json) out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' && json) {
      out += "\\\"";
    } else if (c == '\\' && json) {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7F) {
      static constexpr char kDigits[] = "0123456789abcdef";
      out += json ? "\\u00" : "\\x";
      out += kDigits[u >> 4];
      out += kDigits[u & 15];
    } else {
      out += c;
    }
  }
  if (json) out += '"';
}

template <class T>
void append_float(T v, bool json, std::string& out) {
  if (std::isnan(v)) {
    out += json ? "\"NaN\"" : "NaN";
  } else if (std::isinf(v)) {
    out += json ? (v > 0 ? "\"Infinity\"" : "\"-Infinity\"") : (v > 0 ? "Infinity" : "-Infinity");
  } else {
    append_number(v, out);
  }
}

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  append_string(text, true, out);
}

ValueFormatter::ValueFormatter(const Field& field, const Array& column)
    : field_(field), column_(column) {
  if (column.type().id() == TypeId::kList) {
    element_field_ = std::make_unique<Field>(column.type().value_field());
    element_array_ = std::make_unique<Array>(ListArray(column).elements());
    elements_ = std::make_unique<ValueFormatter>(*element_field_, *element_array_);
  }
}

ValueFormatter::~ValueFormatter() = default;

bool ValueFormatter::is_numeric() const {
  return arrow::is_numeric(column_.type().id());
}

void ValueFormatter::append_text(int64_t row, std::string& out) const {
  append(row, Style::kText, out);
}

void ValueFormatter::append_json(int64_t row, std::string& out) const {
  append(row, Style::kJson, out);
}

void ValueFormatter::append(int64_t row, Style style, std::string& out) const {
  const bool json = style == Style::kJson;
  if (column_.is_null(row)) {
    out += json ? "null" : "NULL";
    return;
  }
  // Quotes around values whose text is not a JSON literal.
  auto quoted = [&](auto&& write) {
    if (json) out += '"';
    write();
    if (json) out += '"';
  };
  const DataType& type = column_.type();
  const uint8_t* fixed = column_.data().values.data();
  const int64_t at = column_.offset() + row;
  switch (type.id()) {
    case TypeId::kNull:
      out += json ? "null" : "NULL";
      return;
    case TypeId::kBool:
      out += BooleanArray(column_).value(row) ? "true" : "false";
      return;
    case TypeId::kInt8:
      return append_number(Int8Array(column_).value(row), out);
    case TypeId::kInt16:
      return append_number(Int16Array(column_).value(row), out);
    case TypeId::kInt32:
      return append_number(Int32Array(column_).value(row), out);
    case TypeId::kInt64:
      return append_number(Int64Array(column_).value(row), out);
    case TypeId::kUInt8:
      return append_number(UInt8Array(column_).value(row), out);
    case TypeId::kUInt16:
      return append_number(UInt16Array(column_).value(row), out);
    case TypeId::kUInt32:
      return append_number(UInt32Array(column_).value(row), out);
    case TypeId::kUInt64:
      return append_number(UInt64Array(column_).value(row), out);
    case TypeId::kFloat32:
      return append_float(Float32Array(column_).value(row), json, out);
    case TypeId::kFloat64:
      return append_float(Float64Array(column_).value(row), json, out);
    case TypeId::kDecimal128:
      return quoted([&] { append_decimal(fixed + at * 16, type.scale(), out); });
    case TypeId::kUtf8:
      return append_string(StringArray(column_).value(row), json, out);
    case TypeId::kLargeUtf8:
      return append_string(LargeStringArray(column_).value(row), json, out);
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary: {
      std::span<const uint8_t> bytes =
          type.id() == TypeId::kBinary ? BinaryArray(column_).value_bytes(row)
          : type.id() == TypeId::kLargeBinary
              ? LargeBinaryArray(column_).value_bytes(row)
              : std::span<const uint8_t>(fixed + at * type.byte_width(),
                                         static_cast<size_t>(type.byte_width()));
      if (is_uuid(field_)) return quoted([&] { append_uuid(bytes, out); });
      if (json) return quoted([&] { crypto::append_base64(bytes, out); });
      out += "0x";
      return crypto::append_hex(bytes, out);
    }
    case TypeId::kDate32: {
      const int32_t days = Date32Array(column_).value(row);
      return quoted([&] {
        if (days == std::numeric_limits<int32_t>::max()) return void(out += "infinity");
        if (days == std::numeric_limits<int32_t>::min()) return void(out += "-infinity");
        append_date(days, out);
      });
    }
    case TypeId::kTimestamp: {
      const int64_t v = TimestampArray(column_).value(row);
      return quoted([&] {
        if (v == std::numeric_limits<int64_t>::max()) return void(out += "infinity");
        if (v == std::numeric_limits<int64_t>::min()) return void(out += "-infinity");
        append_timestamp(v, type, out);
      });
    }
    case TypeId::kTime64: {
      const int64_t v = Time64Array(column_).value(row);
      return quoted([&] {
        if (v < 0) return append_number(v, out);  // not a time of day; show the raw ticks
        append_time_of_day(v, type.unit(), out);
      });
    }
    case TypeId::kDuration:
      return quoted([&] {
        append_number(DurationArray(column_).value(row), out);
        out += time_unit_name(type.unit());
      });
    case TypeId::kIntervalMonthDayNano:
      return quoted([&] { append_interval(MonthDayNanoArray(column_).value(row), out); });
    case TypeId::kList: {
      const ListArray lists(column_);
      const int32_t begin = lists.value_offset(row);
      const int32_t end = lists.value_offset(row + 1);
      out += '[';
      for (int32_t k = begin; k < end; ++k) {
        if (k > begin) out += json ? "," : ", ";
        elements_->append(k, style, out);
      }
      out += ']';
      return;
    }
  }
}

}  // namespace rapidbyte::arrow
