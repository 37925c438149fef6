#include "portable/postgres/codec/numeric_text.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "portable/base/try.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres {
namespace {

constexpr uint16_t kPositive = 0x0000;
constexpr uint16_t kNegative = 0x4000;
constexpr uint16_t kNaN = 0xC000;
constexpr uint16_t kPlusInfinity = 0xD000;
constexpr uint16_t kMinusInfinity = 0xF000;
constexpr int kMaxDisplayScale = 0x3FFF;

void append_group(std::string& out, int group, bool pad) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + group % 10);
    group /= 10;
  }
  int start = 0;
  if (!pad) {
    while (start < 3 && buf[start] == '0') ++start;
  }
  out.append(buf + start, 4 - start);
}

}  // namespace

Result<std::string> numeric_binary_to_text(std::span<const uint8_t> bytes) {
  if (bytes.size() < 8) return fail(data_error("binary numeric shorter than its header"));
  const int16_t ndigits = wire::load_be<int16_t>(bytes.data());
  const int16_t weight = wire::load_be<int16_t>(bytes.data() + 2);
  const uint16_t sign = wire::load_be<uint16_t>(bytes.data() + 4);
  const int16_t dscale = wire::load_be<int16_t>(bytes.data() + 6);
  if (ndigits < 0 || bytes.size() != 8 + 2 * static_cast<size_t>(ndigits)) {
    return fail(data_error("binary numeric digit count does not match its length"));
  }
  if (sign == kNaN) return std::string("NaN");
  if (sign == kPlusInfinity) return std::string("Infinity");
  if (sign == kMinusInfinity) return std::string("-Infinity");
  if ((sign != kPositive && sign != kNegative) || dscale < 0 || dscale > kMaxDisplayScale) {
    return fail(data_error("binary numeric has a bad sign or scale"));
  }
  std::vector<int> digits(static_cast<size_t>(ndigits));
  for (int i = 0; i < ndigits; ++i) {
    digits[i] = wire::load_be<int16_t>(bytes.data() + 8 + 2 * static_cast<size_t>(i));
    if (digits[i] < 0 || digits[i] > 9999) return fail(data_error("binary numeric digit > 9999"));
  }
  // Group at exponent e (value digit * 10000^e) has index weight - e.
  auto group = [&](int e) {
    const int idx = weight - e;
    return idx >= 0 && idx < ndigits ? digits[static_cast<size_t>(idx)] : 0;
  };
  std::string out;
  if (sign == kNegative) out += '-';
  if (weight < 0) {
    out += '0';
  } else {
    append_group(out, group(weight), false);
    for (int e = weight - 1; e >= 0; --e) append_group(out, group(e), true);
  }
  if (dscale > 0) {
    out += '.';
    std::string frac;
    for (int e = -1; static_cast<int>(frac.size()) < dscale; --e)
      append_group(frac, group(e), true);
    out.append(frac, 0, static_cast<size_t>(dscale));
  }
  return out;
}

Result<void> numeric_text_to_binary(std::string_view text, std::vector<uint8_t>& out) {
  auto header = [&](int16_t ndigits, int16_t weight, uint16_t sign, int16_t dscale) {
    wire::append_be(out, ndigits);
    wire::append_be(out, weight);
    wire::append_be(out, sign);
    wire::append_be(out, dscale);
  };
  if (text == "NaN") return header(0, 0, kNaN, 0), Result<void>{};
  if (text == "Infinity") return header(0, 0, kPlusInfinity, 0), Result<void>{};
  if (text == "-Infinity") return header(0, 0, kMinusInfinity, 0), Result<void>{};

  const std::string_view original = text;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string int_part(text.substr(0, dot));
  std::string frac_part(dot == std::string_view::npos ? "" : text.substr(dot + 1));
  auto all_digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if ((int_part.empty() && frac_part.empty()) || !all_digits(int_part) || !all_digits(frac_part) ||
      frac_part.size() > kMaxDisplayScale) {
    return fail(data_error("not a numeric value: \"" + std::string(original) + "\""));
  }
  const auto dscale = static_cast<int16_t>(frac_part.size());
  int_part.insert(0, (4 - int_part.size() % 4) % 4, '0');
  frac_part.append((4 - frac_part.size() % 4) % 4, '0');
  std::vector<int16_t> groups;
  const std::string all = int_part + frac_part;
  for (size_t i = 0; i < all.size(); i += 4) {
    groups.push_back(static_cast<int16_t>((all[i] - '0') * 1000 + (all[i + 1] - '0') * 100 +
                                          (all[i + 2] - '0') * 10 + (all[i + 3] - '0')));
  }
  int weight = static_cast<int>(int_part.size() / 4) - 1;
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  if (first == last) {
    header(0, 0, kPositive, dscale);
    return {};
  }
  if (weight > 32767 || weight < -32768) return fail(data_error("numeric value out of range"));
  header(static_cast<int16_t>(last - first), static_cast<int16_t>(weight),
         negative ? kNegative : kPositive, dscale);
  for (size_t i = first; i < last; ++i) wire::append_be(out, groups[i]);
  return {};
}

std::string decimal128_to_text(__int128 unscaled, int32_t scale) {
  const bool negative = unscaled < 0;
  // Digits of |unscaled|, least significant first (safe for the minimum too).
  std::string digits;
  unsigned __int128 v = negative ? -static_cast<unsigned __int128>(unscaled)
                                 : static_cast<unsigned __int128>(unscaled);
  do {
    digits += static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  if (scale > 0 && digits.size() <= static_cast<size_t>(scale)) {
    digits.append(static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  std::reverse(digits.begin(), digits.end());
  if (scale > 0) digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  if (scale < 0) digits.append(static_cast<size_t>(-scale), '0');
  return negative ? "-" + digits : digits;
}

Result<__int128> text_to_decimal128(std::string_view text, int32_t precision, int32_t scale) {
  const std::string_view original = text;
  auto bad = [&](const char* why) {
    return fail(data_error("numeric " + std::string(original) + " does not fit decimal128(" +
                           std::to_string(precision) + ", " + std::to_string(scale) + "): " + why));
  };
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string_view int_part = text.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (int_part.empty() && frac_part.empty()) return bad("not a finite number");
  // Extra fraction digits are allowed only when they are zeros.
  while (frac_part.size() > static_cast<size_t>(std::max(scale, 0)) && frac_part.back() == '0') {
    frac_part.remove_suffix(1);
  }
  if (frac_part.size() > static_cast<size_t>(std::max(scale, 0)))
    return bad("too many fraction digits");
  while (!int_part.empty() && int_part.front() == '0') int_part.remove_prefix(1);
  if (static_cast<int64_t>(int_part.size()) > int64_t{precision} - std::max(scale, 0)) {
    return bad("too many digits");
  }
  __int128 v = 0;
  for (std::string_view part : {int_part, frac_part}) {
    for (char c : part) {
      if (c < '0' || c > '9') return bad("not a finite number");
      v = v * 10 + (c - '0');
    }
  }
  for (size_t i = frac_part.size(); i < static_cast<size_t>(std::max(scale, 0)); ++i) v *= 10;
  return negative ? -v : v;
}

}  // namespace rapidbyte::postgres

namespace rapidbyte::postgres {
namespace {

constexpr uint64_t kPow10[20] = {1ull,
                                 10ull,
                                 100ull,
                                 1000ull,
                                 10000ull,
                                 100000ull,
                                 1000000ull,
                                 10000000ull,
                                 100000000ull,
                                 1000000000ull,
                                 10000000000ull,
                                 100000000000ull,
                                 1000000000000ull,
                                 10000000000000ull,
                                 100000000000000ull,
                                 1000000000000000ull,
                                 10000000000000000ull,
                                 100000000000000000ull,
                                 1000000000000000000ull,
                                 10000000000000000000ull};

// The 64-bit fast paths cover scales up to 16: the fraction, padded to whole
// base-10000 digits (at most 3 more decimal digits), still fits 64 bits.
constexpr int32_t kMaxFastScale = 16;

// |unscaled| when it fits 64 bits.
std::optional<uint64_t> magnitude64(__int128 unscaled) {
  const unsigned __int128 magnitude =
      unscaled < 0 ? -static_cast<unsigned __int128>(unscaled) : unscaled;
  if (magnitude > std::numeric_limits<uint64_t>::max()) return std::nullopt;
  return static_cast<uint64_t>(magnitude);
}

}  // namespace

Result<__int128> numeric_binary_to_decimal128(std::span<const uint8_t> bytes, int32_t precision,
                                              int32_t scale) {
  auto through_text = [&]() -> Result<__int128> {
    RB_ASSIGN_OR_RETURN(std::string text, numeric_binary_to_text(bytes));
    return text_to_decimal128(text, precision, scale);
  };
  if (bytes.size() < 8 || scale < 0 || scale > kMaxFastScale) return through_text();
  const int16_t ndigits = wire::load_be<int16_t>(bytes.data());
  const int16_t weight = wire::load_be<int16_t>(bytes.data() + 2);
  const uint16_t sign = wire::load_be<uint16_t>(bytes.data() + 4);
  if ((sign != kPositive && sign != kNegative) || ndigits < 0 || ndigits > 5 ||
      bytes.size() != 8 + 2 * static_cast<size_t>(ndigits)) {
    return through_text();  // NaN, infinities, malformed or large: the text path decides
  }
  // value = digits (as one base-10000 integer) * 10^exponent.
  uint64_t digits = 0;
  for (int i = 0; i < ndigits; ++i) {
    const int16_t d = wire::load_be<int16_t>(bytes.data() + 8 + 2 * static_cast<size_t>(i));
    if (d < 0 || d > 9999 || __builtin_mul_overflow(digits, 10000u, &digits) ||
        __builtin_add_overflow(digits, static_cast<uint64_t>(d), &digits)) {
      return through_text();
    }
  }
  const int exponent = 4 * (weight - ndigits + 1) + scale;
  uint64_t magnitude = 0;
  if (ndigits == 0) {
    magnitude = 0;
  } else if (exponent >= 0) {
    if (exponent > 19 || __builtin_mul_overflow(digits, kPow10[exponent], &magnitude)) {
      return through_text();
    }
  } else {
    if (-exponent > 19 || digits % kPow10[-exponent] != 0) return through_text();
    magnitude = digits / kPow10[-exponent];
  }
  if (precision < 20 && magnitude >= kPow10[precision]) return through_text();
  const __int128 value = magnitude;
  return sign == kNegative ? -value : value;
}

Result<void> decimal128_to_numeric_binary(__int128 unscaled, int32_t scale,
                                          std::vector<uint8_t>& out) {
  const std::optional<uint64_t> magnitude = magnitude64(unscaled);
  if (!magnitude || scale < 0 || scale > kMaxFastScale) {
    return numeric_text_to_binary(decimal128_to_text(unscaled, scale), out);
  }
  // Base-10000 digits, most significant first: the integer part's, then the
  // fraction's padded on the right to whole digits.
  int16_t groups[10];  // up to 5 integer digits (2^64 < 10^20) + 5 fraction digits
  int count = 0;
  uint64_t integer = *magnitude / kPow10[scale];
  int16_t reversed[5];
  int integer_groups = 0;
  while (integer != 0) {
    reversed[integer_groups++] = static_cast<int16_t>(integer % 10000);
    integer /= 10000;
  }
  for (int i = integer_groups - 1; i >= 0; --i) groups[count++] = reversed[i];
  const int fraction_groups = (scale + 3) / 4;
  const uint64_t fraction = (*magnitude % kPow10[scale]) * kPow10[4 * fraction_groups - scale];
  for (int i = fraction_groups - 1; i >= 0; --i) {
    groups[count++] = static_cast<int16_t>(fraction / kPow10[4 * static_cast<size_t>(i)] % 10000);
  }
  int weight = integer_groups - 1;
  int first = 0;
  while (first < count && groups[first] == 0) {
    ++first;
    --weight;
  }
  int last = count;
  while (last > first && groups[last - 1] == 0) --last;
  const bool zero = first == last;
  wire::append_be(out, static_cast<int16_t>(last - first));
  wire::append_be(out, static_cast<int16_t>(zero ? 0 : weight));
  wire::append_be(out, unscaled < 0 && !zero ? kNegative : kPositive);
  wire::append_be(out, static_cast<int16_t>(scale));
  for (int i = first; i < last; ++i) wire::append_be(out, groups[i]);
  return {};
}

}  // namespace rapidbyte::postgres
