#include "portable/text/text_values.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <variant>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/civil_date.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/utf8.hpp"

namespace rapidbyte::text {
namespace {

using Kind = TextType::Kind;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

std::optional<int64_t> parse_int64(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_float64(std::string_view text) {
  if (equals_ignoring_case(text, "nan")) return std::numeric_limits<double>::quiet_NaN();
  bool negative = false;
  std::string_view magnitude = text;
  if (!magnitude.empty() && (magnitude.front() == '-' || magnitude.front() == '+')) {
    negative = magnitude.front() == '-';
    magnitude.remove_prefix(1);
  }
  if (equals_ignoring_case(magnitude, "inf") || equals_ignoring_case(magnitude, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  // strtod (wasm's libc++ has no from_chars for doubles): digits, one
  // point and an exponent only, so that it takes no hex, no spaces.
  if (magnitude.empty() || magnitude.find_first_not_of("0123456789.eE+-") != std::string::npos ||
      (!(magnitude.front() >= '0' && magnitude.front() <= '9') && magnitude.front() != '.')) {
    return std::nullopt;
  }
  const std::string terminated(text);
  char* end = nullptr;
  const double value = std::strtod(terminated.c_str(), &end);
  if (end != terminated.c_str() + terminated.size()) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  for (std::string_view yes : {"true", "t", "yes"}) {
    if (equals_ignoring_case(text, yes)) return true;
  }
  for (std::string_view no : {"false", "f", "no"}) {
    if (equals_ignoring_case(text, no)) return false;
  }
  return std::nullopt;
}

// `count` digits at `at` as a number.
std::optional<int> digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// YYYY-MM-DD at the start of `text`: days since 1970-01-01.
std::optional<int64_t> parse_date_prefix(std::string_view text) {
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!arrow::valid_civil(*year, *month, *day)) return std::nullopt;
  return arrow::days_from_civil(*year, *month, *day);
}

std::optional<int32_t> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  auto days = parse_date_prefix(text);
  if (!days) return std::nullopt;
  return static_cast<int32_t>(*days);
}

struct Timestamp {
  int64_t micros = 0;
  bool zoned = false;
};

// YYYY-MM-DD[T ]hh:mm:ss[.ffffff][Z|+hh[:mm]|-hh[:mm]].
std::optional<Timestamp> parse_timestamp(std::string_view text) {
  if (text.size() < 19 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  const auto days = parse_date_prefix(text);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (!days || !hour || !minute || !second || text[13] != ':' || text[16] != ':' || *hour > 23 ||
      *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  Timestamp out;
  out.micros = ((*days * 24 + *hour) * 60 + *minute) * 60'000'000LL + *second * 1'000'000LL;
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int64_t fraction = 0;
    int places = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (places < 6) {
        fraction = fraction * 10 + (text[at] - '0');
        ++places;
      } else if (text[at] != '0') {
        return std::nullopt;  // finer than microseconds
      }
      ++at;
    }
    if (places == 0) return std::nullopt;
    while (places++ < 6) fraction *= 10;
    out.micros += fraction;
  }
  if (at == text.size()) return out;
  if (text[at] == 'Z' && at + 1 == text.size()) {
    out.zoned = true;
    return out;
  }
  if (text[at] != '+' && text[at] != '-') return std::nullopt;
  const int sign = text[at] == '-' ? -1 : 1;
  const auto offset_hours = digits(text, at + 1, 2);
  if (!offset_hours) return std::nullopt;
  int offset_minutes = 0;
  size_t end = at + 3;
  if (end < text.size()) {
    if (text[end] == ':') ++end;
    const auto minutes = digits(text, end, 2);
    if (!minutes) return std::nullopt;
    offset_minutes = *minutes;
    end += 2;
  }
  if (end != text.size() || *offset_hours > 15 || offset_minutes > 59) return std::nullopt;
  out.micros -= sign * (*offset_hours * 60LL + offset_minutes) * 60'000'000LL;
  out.zoned = true;
  return out;
}

// A decimal with at most `scale` fraction digits and `precision` digits in
// all, as its unscaled integer.
std::optional<__int128> parse_decimal(std::string_view text, int precision, int scale) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  __int128 value = 0;
  int integer_digits = 0;
  int fraction_digits = 0;
  bool point = false;
  bool any = false;
  for (const char c : text) {
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any = true;
    if (point) {
      if (++fraction_digits > scale) {
        if (c != '0') return std::nullopt;  // would round
        continue;
      }
    } else if (integer_digits > 0 || c != '0') {
      ++integer_digits;
    }
    value = value * 10 + (c - '0');
  }
  if (!any || integer_digits > precision - scale) return std::nullopt;
  for (int i = std::min(fraction_digits, scale); i < scale; ++i) value *= 10;
  return negative ? -value : value;
}

bool parses_as(std::string_view text, const TextType& type) {
  switch (type.kind) {
    case Kind::kText:
      return arrow::is_valid_utf8(text);
    case Kind::kInt64:
      return parse_int64(text).has_value();
    case Kind::kFloat64:
      return parse_float64(text).has_value();
    case Kind::kBool:
      return parse_bool(text).has_value();
    case Kind::kDate:
      return parse_date(text).has_value();
    case Kind::kTimestamp: {
      auto t = parse_timestamp(text);
      return t && !t->zoned;
    }
    case Kind::kTimestampTz: {
      auto t = parse_timestamp(text);
      return t && t->zoned;
    }
    case Kind::kDecimal:
      return parse_decimal(text, type.precision, type.scale).has_value();
  }
  return false;
}

std::string type_text(const TextType& type) {
  switch (type.kind) {
    case Kind::kText:
      return "text (UTF-8)";
    case Kind::kInt64:
      return "int64";
    case Kind::kFloat64:
      return "float64";
    case Kind::kBool:
      return "bool";
    case Kind::kDate:
      return "date";
    case Kind::kTimestamp:
      return "timestamp";
    case Kind::kTimestampTz:
      return "timestamptz";
    case Kind::kDecimal:
      return "decimal(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
  }
  return "?";
}

}  // namespace

arrow::DataType TextType::arrow_type() const {
  switch (kind) {
    case Kind::kText:
      return arrow::utf8();
    case Kind::kInt64:
      return arrow::int64();
    case Kind::kFloat64:
      return arrow::float64();
    case Kind::kBool:
      return arrow::boolean();
    case Kind::kDate:
      return arrow::date32();
    case Kind::kTimestamp:
      return arrow::timestamp(arrow::TimeUnit::kMicro);
    case Kind::kTimestampTz:
      return arrow::timestamp(arrow::TimeUnit::kMicro, "UTC");
    case Kind::kDecimal:
      return arrow::decimal128(precision, scale);
  }
  return arrow::utf8();
}

std::optional<TextType> text_type_named(std::string_view name) {
  static constexpr std::pair<std::string_view, Kind> kNames[] = {
      {"text", Kind::kText},
      {"string", Kind::kText},
      {"int64", Kind::kInt64},
      {"bigint", Kind::kInt64},
      {"float64", Kind::kFloat64},
      {"double", Kind::kFloat64},
      {"bool", Kind::kBool},
      {"boolean", Kind::kBool},
      {"date", Kind::kDate},
      {"timestamp", Kind::kTimestamp},
      {"timestamptz", Kind::kTimestampTz}};
  for (const auto& [candidate, kind] : kNames) {
    if (equals_ignoring_case(name, candidate)) return TextType{kind, 0, 0};
  }
  for (std::string_view prefix : {"decimal(", "numeric("}) {
    if (!name.starts_with(prefix) || !name.ends_with(")")) continue;
    std::string_view args = name.substr(prefix.size(), name.size() - prefix.size() - 1);
    const size_t comma = args.find(',');
    std::string_view p = args.substr(0, comma);
    std::string_view s = comma == std::string_view::npos ? "0" : args.substr(comma + 1);
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    int precision = 0;
    int scale = 0;
    auto pr = std::from_chars(p.data(), p.data() + p.size(), precision);
    auto sr = std::from_chars(s.data(), s.data() + s.size(), scale);
    if (pr.ec != std::errc() || sr.ec != std::errc() || pr.ptr != p.data() + p.size() ||
        sr.ptr != s.data() + s.size() || precision < 1 || precision > 38 || scale < 0 ||
        scale > precision) {
      return std::nullopt;
    }
    return TextType{Kind::kDecimal, precision, scale};
  }
  return std::nullopt;
}

TextType infer_text_type(const std::vector<std::string>& values) {
  if (values.empty()) return TextType{};
  for (Kind kind : {Kind::kInt64, Kind::kFloat64, Kind::kBool, Kind::kDate, Kind::kTimestamp,
                    Kind::kTimestampTz}) {
    const TextType type{kind, 0, 0};
    bool all = true;
    for (const std::string& value : values) {
      if (!parses_as(value, type)) {
        all = false;
        break;
      }
    }
    if (all) return type;
  }
  return TextType{};
}

TextBatchBuilder::TextBatchBuilder(std::shared_ptr<const arrow::Schema> schema,
                                   std::vector<TextType> types)
    : schema_(std::move(schema)), types_(std::move(types)) {
  for (const TextType& type : types_) builders_.push_back(arrow::make_builder(type.arrow_type()));
}

std::optional<std::string> TextBatchBuilder::add_row(const std::vector<TextCell>& cells) {
  // Every cell is checked before any is appended: a refused row leaves the
  // columns of equal length.
  for (size_t c = 0; c < types_.size(); ++c) {
    if (!cells[c] || parses_as(*cells[c], types_[c])) continue;
    return "column '" + schema_->field(static_cast<int>(c)).name + "': '" + std::string(*cells[c]) +
           "' is not a " + type_text(types_[c]);
  }
  for (size_t c = 0; c < types_.size(); ++c) {
    arrow::ArrayBuilder& builder = *builders_[c];
    if (!cells[c]) {
      builder.append_null();
      continue;
    }
    const std::string_view text = *cells[c];
    switch (types_[c].kind) {
      case Kind::kText:
        static_cast<arrow::BinaryBuilder&>(builder).append(text);
        break;
      case Kind::kInt64:
        static_cast<arrow::Int64Builder&>(builder).append(*parse_int64(text));
        break;
      case Kind::kFloat64:
        static_cast<arrow::Float64Builder&>(builder).append(*parse_float64(text));
        break;
      case Kind::kBool:
        static_cast<arrow::BooleanBuilder&>(builder).append(*parse_bool(text));
        break;
      case Kind::kDate:
        static_cast<arrow::Int32Builder&>(builder).append(*parse_date(text));
        break;
      case Kind::kTimestamp:
      case Kind::kTimestampTz:
        static_cast<arrow::Int64Builder&>(builder).append(parse_timestamp(text)->micros);
        break;
      case Kind::kDecimal: {
        const __int128 value = *parse_decimal(text, types_[c].precision, types_[c].scale);
        uint8_t bytes[16];
        std::memcpy(bytes, &value, 16);
        static_cast<arrow::FixedSizeBinaryBuilder&>(builder).append(bytes);
        break;
      }
    }
  }
  ++rows_;
  return std::nullopt;
}

arrow::Result<arrow::RecordBatch> TextBatchBuilder::finish() {
  std::vector<arrow::Array> columns;
  for (auto& builder : builders_) {
    auto array = builder->finish();
    if (!array) return std::unexpected(array.error());
    columns.push_back(std::move(*array));
  }
  const int64_t rows = rows_;
  rows_ = 0;
  for (size_t c = 0; c < types_.size(); ++c)
    builders_[c] = arrow::make_builder(types_[c].arrow_type());
  return arrow::RecordBatch(schema_, std::move(columns), rows);
}

}  // namespace rapidbyte::text
