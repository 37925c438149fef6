#include "portable/sql/value_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "portable/sql/ascii.hpp"
#include "portable/sql/datetime.hpp"

namespace rapidbyte::sql {

__int128 pow10_i128(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

bool fits_precision(__int128 v, int precision) {
  static const __int128 kLimit38 = pow10_i128(38);
  const __int128 limit = precision >= 38 ? kLimit38 : pow10_i128(precision);
  return v < limit && v > -limit;
}

std::optional<__int128> rescale(__int128 v, int from, int to) {
  if (to == from) return v;
  if (to > from) {
    __int128 out;
    if (mul_overflow_i128(v, pow10_i128(to - from), &out) || !fits_precision(out, 38)) {
      return std::nullopt;
    }
    return out;
  }
  const __int128 div = pow10_i128(from - to);
  __int128 q = v / div;
  const __int128 r = v % div;
  if (r * 2 >= div) ++q;
  if (r * 2 <= -div) --q;
  return q;
}

std::string format_numeric(__int128 v, int scale) {
  const bool neg = v < 0;
  unsigned __int128 u =
      neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) {
      digits.insert(0, static_cast<size_t>(scale + 1 - static_cast<int>(digits.size())), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return neg ? "-" + digits : digits;
}

std::string format_float8(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  auto sci = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, sci.ptr);
  const size_t e = s.find('e');
  const int exponent = std::atoi(s.c_str() + e + 1);
  if (exponent < -4 || exponent >= 15) return s;  // already "1.5e-05" / "1e+20"
  auto fixed = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, fixed.ptr);
}

std::string format_slot(const Vector& v, int64_t i) {
  const size_t s = static_cast<size_t>(v.at(i));
  switch (v.type.id) {
    case TypeId::kBool:
      return v.i64[s] ? "true" : "false";
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return std::to_string(v.i64[s]);
    case TypeId::kFloat64:
      return format_float8(v.f64[s]);
    case TypeId::kNumeric:
      return format_numeric(v.dec[s], v.type.scale);
    case TypeId::kText:
    case TypeId::kUnknown:
      return std::string(v.str[s]);
    case TypeId::kDate:
      return format_date(v.i64[s]);
    case TypeId::kTimestamp:
      return format_timestamp(v.i64[s], false);
    case TypeId::kTimestampTz:
      return format_timestamp(v.i64[s], true);
    case TypeId::kInterval:
      return format_interval(v.iv[s]);
    case TypeId::kTextList: {
      std::string out = "{";
      for (size_t k = 0; k < v.list[s].size(); ++k) {
        if (k) out += ',';
        out += v.list[s][k];
      }
      return out + "}";
    }
    default:
      return "";
  }
}

namespace {

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_integer(std::string_view text, bool& out_of_range) {
  out_of_range = false;
  text = trim_spaces(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ptr != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    out_of_range = true;
    return std::nullopt;
  }
  if (ec != std::errc()) return std::nullopt;
  return v;
}

std::optional<double> parse_float8(std::string_view text) {
  text = trim_spaces(text);
  if (iequals(text, "nan")) return std::nan("");
  if (iequals(text, "infinity") || iequals(text, "+infinity") || iequals(text, "inf"))
    return HUGE_VAL;
  if (iequals(text, "-infinity") || iequals(text, "-inf")) return -HUGE_VAL;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  // strtod, not std::from_chars: the wasm guests' libc++ has no
  // floating-point from_chars. Only decimal digits, point, sign and exponent
  // (strtod alone would also take hex floats and "nan(...)").
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
      return std::nullopt;
  }
  const std::string terminated(text);
  char* end = nullptr;
  const double v = std::strtod(terminated.c_str(), &end);
  if (end != terminated.c_str() + terminated.size()) return std::nullopt;
  return v;
}

std::optional<__int128> parse_numeric(std::string_view text, int scale, bool& out_of_range) {
  out_of_range = false;
  text = trim_spaces(text);
  bool neg = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    neg = text.front() == '-';
    text.remove_prefix(1);
  }
  std::string digits;
  int frac_digits = 0;
  bool seen_point = false, any = false;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      any = true;
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    bool r = false;
    auto e = parse_integer(text.substr(i + 1), r);
    if (!e || *e > 1000 || *e < -1000) return std::nullopt;
    exponent = static_cast<int>(*e);
    i = text.size();
  }
  if (i != text.size()) return std::nullopt;
  // value = digits * 10^(exponent - frac_digits); want digits * 10^(scale + exponent - frac)
  const int shift = scale + exponent - frac_digits;
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return __int128{0};
  digits = digits.substr(first);
  __int128 v = 0;
  if (shift >= 0) {
    if (static_cast<int>(digits.size()) + shift > 38) {
      out_of_range = true;
      return std::nullopt;
    }
    for (char c : digits) v = v * 10 + (c - '0');
    v *= pow10_i128(shift);
  } else {
    const int keep = static_cast<int>(digits.size()) + shift;
    if (keep > 38) {
      out_of_range = true;
      return std::nullopt;
    }
    for (int k = 0; k < keep; ++k) v = v * 10 + (digits[static_cast<size_t>(k)] - '0');
    if (keep >= 0 && keep < static_cast<int>(digits.size()) &&
        digits[static_cast<size_t>(keep)] >= '5')
      ++v;
  }
  return neg ? -v : v;
}

std::optional<bool> parse_bool(std::string_view text) {
  text = trim_spaces(text);
  for (std::string_view t : {"t", "true", "yes", "y", "on", "1"}) {
    if (iequals(text, t)) return true;
  }
  for (std::string_view f : {"f", "false", "no", "n", "off", "0"}) {
    if (iequals(text, f)) return false;
  }
  return std::nullopt;
}

}  // namespace rapidbyte::sql
