#include "guest/connectors/transform-validate/temporal_bound.hpp"

#include <cstdint>

#include "portable/arrow/civil_date.hpp"

namespace rapidbyte::connectors::validate {

namespace {

// Reads exactly `digits` decimal digits at text[pos].
std::optional<int64_t> number(std::string_view text, size_t& pos, size_t digits) {
  if (text.size() - pos < digits) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += digits;
  return v;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<int64_t> date_at(std::string_view text, size_t& pos) {
  auto y = number(text, pos, 4);
  if (!y || !expect(text, pos, '-')) return std::nullopt;
  auto m = number(text, pos, 2);
  if (!m || !expect(text, pos, '-')) return std::nullopt;
  auto d = number(text, pos, 2);
  if (!d || !arrow::valid_civil(*y, static_cast<int>(*m), static_cast<int>(*d))) {
    return std::nullopt;
  }
  return arrow::days_from_civil(*y, static_cast<int>(*m), static_cast<int>(*d));
}

}  // namespace

std::optional<int64_t> parse_date_days(std::string_view text) {
  size_t pos = 0;
  auto days = date_at(text, pos);
  if (!days || pos != text.size()) return std::nullopt;
  return days;
}

std::optional<int64_t> parse_timestamp(std::string_view text, arrow::TimeUnit unit) {
  size_t pos = 0;
  auto days = date_at(text, pos);
  if (!days) return std::nullopt;
  static constexpr int64_t kPerSecond[] = {1, 1'000, 1'000'000, 1'000'000'000};
  static constexpr size_t kDigits[] = {0, 3, 6, 9};
  const int64_t per_second = kPerSecond[static_cast<size_t>(unit)];
  int64_t seconds = *days * 86400;
  int64_t fraction = 0;  // ticks
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    ++pos;
    auto h = number(text, pos, 2);
    if (!h || !expect(text, pos, ':')) return std::nullopt;
    auto mi = number(text, pos, 2);
    if (!mi || !expect(text, pos, ':')) return std::nullopt;
    auto s = number(text, pos, 2);
    if (!s || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
    seconds += *h * 3600 + *mi * 60 + *s;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (++digits > kDigits[static_cast<size_t>(unit)]) return std::nullopt;
        fraction = fraction * 10 + (text[pos] - '0');
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (size_t i = digits; i < kDigits[static_cast<size_t>(unit)]; ++i) fraction *= 10;
    }
    if (pos < text.size() && text[pos] == 'Z') {
      ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int64_t sign = text[pos] == '+' ? 1 : -1;
      ++pos;
      auto oh = number(text, pos, 2);
      if (!oh) return std::nullopt;
      expect(text, pos, ':');
      auto om = number(text, pos, 2);
      if (!om || *oh > 23 || *om > 59) return std::nullopt;
      seconds -= sign * (*oh * 3600 + *om * 60);
    }
  }
  if (pos != text.size()) return std::nullopt;
  // Beyond what int64 ticks of the unit can hold (nanoseconds: years 1677-2262).
  if (seconds > (INT64_MAX - fraction) / per_second || seconds < INT64_MIN / per_second + 1) {
    return std::nullopt;
  }
  return seconds * per_second + fraction;
}

}  // namespace rapidbyte::connectors::validate
