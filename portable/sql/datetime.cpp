#include "portable/sql/datetime.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>

#include "portable/sql/ascii.hpp"

namespace rapidbyte::sql {

std::optional<int64_t> add_interval(int64_t micros, const arrow::MonthDayNano& iv, int sign) {
  if (micros == kTimestampInfinity || micros == kTimestampMinusInfinity) return micros;
  int64_t result = micros;
  if (iv.months != 0) {
    const int64_t day = floor_div(result, kMicrosPerDay);
    const int64_t time = result - day * kMicrosPerDay;
    CivilDate c = civil_from_days(day);
    int64_t months = c.year * 12 + (c.month - 1) + sign * int64_t{iv.months};
    const int64_t y = floor_div(months, 12);
    const int m = static_cast<int>(floor_mod(months, 12)) + 1;
    const int d = std::min(c.day, days_in_month(y, m));
    result = days_from_civil(y, m, d) * kMicrosPerDay + time;
  }
  int64_t delta = 0;
  if (__builtin_mul_overflow(int64_t{iv.days}, kMicrosPerDay, &delta)) return std::nullopt;
  const int64_t time = iv.nanoseconds / 1000;
  if (__builtin_add_overflow(delta, time, &delta)) return std::nullopt;
  if (sign < 0) delta = -delta;
  if (__builtin_add_overflow(result, delta, &result)) return std::nullopt;
  return result;
}

std::optional<int64_t> trunc_timestamp(std::string_view unit, int64_t micros) {
  if (micros == kTimestampInfinity || micros == kTimestampMinusInfinity) return micros;
  const int64_t day = floor_div(micros, kMicrosPerDay);
  const int64_t time = micros - day * kMicrosPerDay;
  const CivilDate c = civil_from_days(day);
  auto at = [](int64_t y, int m, int d) { return days_from_civil(y, m, d) * kMicrosPerDay; };
  if (unit == "microseconds") return micros;
  if (unit == "milliseconds") return floor_div(micros, 1000) * 1000;
  if (unit == "second") return floor_div(micros, kMicrosPerSecond) * kMicrosPerSecond;
  if (unit == "minute") return day * kMicrosPerDay + time / 60000000 * 60000000;
  if (unit == "hour") return day * kMicrosPerDay + time / 3600000000LL * 3600000000LL;
  if (unit == "day") return day * kMicrosPerDay;
  if (unit == "week") {
    const int64_t dow = floor_mod(day + 3, 7);  // 0 = Monday
    return (day - dow) * kMicrosPerDay;
  }
  if (unit == "month") return at(c.year, c.month, 1);
  if (unit == "quarter") return at(c.year, (c.month - 1) / 3 * 3 + 1, 1);
  if (unit == "year") return at(c.year, 1, 1);
  if (unit == "decade") return at(floor_div(c.year, 10) * 10, 1, 1);
  if (unit == "century") {
    const int64_t y = c.year > 0 ? (c.year - 1) / 100 * 100 + 1 : -((-c.year) / 100 * 100) - 99;
    return at(y, 1, 1);
  }
  if (unit == "millennium") {
    const int64_t y = c.year > 0 ? (c.year - 1) / 1000 * 1000 + 1 : c.year;
    return at(y, 1, 1);
  }
  return std::nullopt;
}

std::optional<FieldValue> extract_timestamp(std::string_view f, int64_t micros) {
  const int64_t day = floor_div(micros, kMicrosPerDay);
  const int64_t time = micros - day * kMicrosPerDay;
  const CivilDate c = civil_from_days(day);
  auto whole = [](int64_t v) { return FieldValue{v, 0}; };
  if (f == "year" || f == "years") return whole(c.year);
  if (f == "month" || f == "months" || f == "mon") return whole(c.month);
  if (f == "day" || f == "days") return whole(c.day);
  if (f == "hour" || f == "hours") return whole(time / 3600000000LL);
  if (f == "minute" || f == "minutes") return whole(time / 60000000 % 60);
  if (f == "second" || f == "seconds") return FieldValue{time % 60000000, 6};
  if (f == "milliseconds") return FieldValue{time % 60000000, 3};
  if (f == "microseconds") return whole(time % 60000000);
  if (f == "quarter") return whole((c.month - 1) / 3 + 1);
  if (f == "dow") return whole(floor_mod(day + 4, 7));
  if (f == "isodow") return whole(floor_mod(day + 3, 7) + 1);
  if (f == "doy") return whole(day - days_from_civil(c.year, 1, 1) + 1);
  if (f == "decade") return whole(floor_div(c.year, 10));
  if (f == "century") return whole(c.year > 0 ? (c.year + 99) / 100 : -((99 - c.year) / 100));
  if (f == "epoch") return FieldValue{micros, 6};
  if (f == "week") {
    // ISO week: the week with the year's first Thursday is week 1.
    const int64_t dow = floor_mod(day + 3, 7);  // 0 = Monday
    const int64_t thursday = day - dow + 3;
    const CivilDate tc = civil_from_days(thursday);
    return whole((thursday - days_from_civil(tc.year, 1, 1)) / 7 + 1);
  }
  if (f == "isoyear") {
    const int64_t dow = floor_mod(day + 3, 7);
    return whole(civil_from_days(day - dow + 3).year);
  }
  return std::nullopt;
}

std::optional<FieldValue> extract_interval(std::string_view f, const arrow::MonthDayNano& iv) {
  const int64_t time = iv.nanoseconds / 1000;
  auto whole = [](int64_t v) { return FieldValue{v, 0}; };
  if (f == "year" || f == "years") return whole(iv.months / 12);
  if (f == "month" || f == "months" || f == "mon") return whole(iv.months % 12);
  if (f == "day" || f == "days") return whole(iv.days);
  if (f == "hour" || f == "hours") return whole(time / 3600000000LL);
  if (f == "minute" || f == "minutes") return whole(time / 60000000 % 60);
  if (f == "second" || f == "seconds") return FieldValue{time % 60000000, 6};
  if (f == "epoch") {
    // PostgreSQL: a year is 365.25 days, a month 30 days.
    const __int128 months_us = __int128{iv.months / 12} * 36525 * 864 * kMicrosPerSecond +
                               __int128{iv.months % 12} * 30 * kMicrosPerDay;
    return FieldValue{months_us + __int128{iv.days} * kMicrosPerDay + time, 6};
  }
  return std::nullopt;
}

std::string format_date(int64_t days) {
  if (days == kDateInfinity) return "infinity";
  if (days == kDateMinusInfinity) return "-infinity";
  const CivilDate c = civil_from_days(days);
  char buf[48];
  const int64_t y = c.year > 0 ? c.year : 1 - c.year;
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d%s", static_cast<long long>(y), c.month, c.day,
                c.year > 0 ? "" : " BC");
  return buf;
}

std::string format_timestamp(int64_t micros, bool with_zone) {
  if (micros == kTimestampInfinity) return "infinity";
  if (micros == kTimestampMinusInfinity) return "-infinity";
  const int64_t day = floor_div(micros, kMicrosPerDay);
  const int64_t time = micros - day * kMicrosPerDay;
  const CivilDate c = civil_from_days(day);
  const int64_t y = c.year > 0 ? c.year : 1 - c.year;
  char buf[80];
  int n =
      std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d %02d:%02d:%02d", static_cast<long long>(y),
                    c.month, c.day, static_cast<int>(time / 3600000000LL),
                    static_cast<int>(time / 60000000 % 60), static_cast<int>(time / 1000000 % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (int64_t frac = time % 1000000; frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  if (with_zone) out += "+00";
  if (c.year <= 0) out += " BC";
  return out;
}

std::string format_interval(const arrow::MonthDayNano& iv) {
  std::string out;
  auto part = [&](int64_t n, const char* unit, const char* units) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + ' ' + (n == 1 || n == -1 ? unit : units);
  };
  part(iv.months / 12, "year", "years");
  part(iv.months % 12, "mon", "mons");
  part(iv.days, "day", "days");
  int64_t us = iv.nanoseconds / 1000;
  if (us != 0) {
    if (!out.empty()) out += ' ';
    const bool neg = us < 0;
    if (neg) us = -us;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%02lld:%02d:%02d", neg ? "-" : "",
                  static_cast<long long>(us / 3600000000LL), static_cast<int>(us / 60000000 % 60),
                  static_cast<int>(us / 1000000 % 60));
    out += buf;
    if (int64_t frac = us % 1000000; frac != 0) {
      std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
      std::string f = buf;
      while (f.back() == '0') f.pop_back();
      out += f;
    }
  }
  return out.empty() ? "00:00:00" : out;
}

namespace {

struct Scanner {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return i < s.size() ? s[i] : '\0'; }
  void skip_space() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  // Up to `max` digits, at least `min`.
  std::optional<int64_t> digits(int min, int max) {
    int64_t v = 0;
    int n = 0;
    while (n < max && i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i++] - '0');
      ++n;
    }
    if (n < min) return std::nullopt;
    return v;
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::optional<int64_t> scan_date(Scanner& sc) {
  auto y = sc.digits(4, 7);
  if (!y || !sc.accept('-')) return std::nullopt;
  auto m = sc.digits(1, 2);
  if (!m || !sc.accept('-')) return std::nullopt;
  auto d = sc.digits(1, 2);
  if (!d || !valid_civil(*y, static_cast<int>(*m), static_cast<int>(*d))) return std::nullopt;
  return days_from_civil(*y, static_cast<int>(*m), static_cast<int>(*d));
}

}  // namespace

std::optional<int64_t> parse_date(std::string_view text) {
  text = trim(text);
  const std::string l = ascii_lower(text);
  if (l == "infinity") return kDateInfinity;
  if (l == "-infinity") return kDateMinusInfinity;
  Scanner sc{text};
  auto days = scan_date(sc);
  if (!days || !sc.done()) return std::nullopt;
  return days;
}

std::optional<int64_t> parse_timestamp(std::string_view text, bool with_zone) {
  text = trim(text);
  const std::string l = ascii_lower(text);
  if (l == "infinity") return kTimestampInfinity;
  if (l == "-infinity") return kTimestampMinusInfinity;
  Scanner sc{text};
  auto days = scan_date(sc);
  if (!days) return std::nullopt;
  int64_t micros = *days * kMicrosPerDay;
  if (sc.accept(' ') || sc.accept('T') || sc.accept('t')) {
    sc.skip_space();
    auto h = sc.digits(1, 2);
    if (!h || !sc.accept(':')) return std::nullopt;
    auto mi = sc.digits(2, 2);
    if (!mi) return std::nullopt;
    int64_t sec = 0, frac = 0;
    if (sc.accept(':')) {
      auto s = sc.digits(2, 2);
      if (!s) return std::nullopt;
      sec = *s;
      if (sc.accept('.')) {
        int n = 0;
        while (sc.peek() >= '0' && sc.peek() <= '9') {
          if (n < 6) frac = frac * 10 + (sc.peek() - '0');
          if (n == 6 && sc.peek() >= '5') frac += 1;  // round to microseconds
          ++n;
          ++sc.i;
        }
        for (; n < 6; ++n) frac *= 10;
      }
    }
    if (*h > 24 || *mi > 59 || sec > 60) return std::nullopt;
    micros += (*h * 3600 + *mi * 60 + sec) * kMicrosPerSecond + frac;
  }
  sc.skip_space();
  if (!sc.done()) {
    // A zone: Z, UTC, +HH, +HHMM, +HH:MM. Ignored for timestamp without
    // time zone, as PostgreSQL does.
    int64_t offset = 0;
    if (sc.accept('Z') || sc.accept('z')) {
    } else if (ascii_lower(sc.s.substr(sc.i)) == "utc") {
      sc.i = sc.s.size();
    } else if (sc.peek() == '+' || sc.peek() == '-') {
      const int sign = sc.s[sc.i++] == '-' ? -1 : 1;
      auto hh = sc.digits(1, 2);
      if (!hh) return std::nullopt;
      int64_t mm = 0;
      if (sc.accept(':')) {
        auto m = sc.digits(2, 2);
        if (!m) return std::nullopt;
        mm = *m;
      } else if (auto m = sc.digits(2, 2)) {
        mm = *m;
      }
      offset = sign * (*hh * 3600 + mm * 60) * kMicrosPerSecond;
    } else {
      return std::nullopt;
    }
    if (!sc.done()) return std::nullopt;
    if (with_zone) micros -= offset;
  }
  return micros;
}

namespace {

// An interval as it is summed up, wider than its result so that an overflow
// of the result is seen before it happens.
struct IntervalParts {
  int64_t months = 0;
  int64_t days = 0;
  int64_t micros = 0;
};

// How much one unit of an interval is: months, days or microseconds.
struct IntervalUnit {
  std::initializer_list<std::string_view> names;
  int64_t months = 0;
  int64_t days = 0;
  int64_t micros = 0;
};

// Adds n units and f millionths of a unit to `parts`; false for an unknown
// unit or when a part overflows. A fraction of a month is counted in 30-day
// days, a fraction of a day or week in microseconds (as PostgreSQL does).
bool add_interval_units(IntervalParts& parts, std::string_view unit, int64_t n, int64_t f) {
  static const IntervalUnit kUnits[] = {
      {{"year", "years", "y", "yr", "yrs"}, 12, 0, 0},
      {{"month", "months", "mon", "mons"}, 1, 0, 0},
      {{"week", "weeks", "w"}, 0, 7, 0},
      {{"day", "days", "d"}, 0, 1, 0},
      {{"hour", "hours", "h", "hr", "hrs"}, 0, 0, 3600 * kMicrosPerSecond},
      {{"minute", "minutes", "min", "mins", "m"}, 0, 0, 60 * kMicrosPerSecond},
      {{"second", "seconds", "sec", "secs", "s", ""}, 0, 0, kMicrosPerSecond},  // "": bare number
      {{"millisecond", "milliseconds", "ms"}, 0, 0, 1000},
      {{"microsecond", "microseconds", "us"}, 0, 0, 1},
  };
  constexpr int64_t kMillionths = 1000000;
  for (const IntervalUnit& u : kUnits) {
    if (std::find(u.names.begin(), u.names.end(), unit) == u.names.end()) continue;
    // |f| < 10^6, so the fraction terms cannot overflow; the whole ones can.
    int64_t months = 0, days = 0, micros = 0;
    if (__builtin_mul_overflow(n, u.months, &months) || __builtin_mul_overflow(n, u.days, &days) ||
        __builtin_mul_overflow(n, u.micros, &micros)) {
      return false;
    }
    months += f * u.months / kMillionths;
    if (u.months == 1) days += f * 30 / kMillionths;
    micros += f * u.days * 86400 + f * (u.micros / kMicrosPerSecond) +
              f * (u.micros % kMicrosPerSecond) / kMillionths;
    return !__builtin_add_overflow(parts.months, months, &parts.months) &&
           !__builtin_add_overflow(parts.days, days, &parts.days) &&
           !__builtin_add_overflow(parts.micros, micros, &parts.micros);
  }
  return false;
}

}  // namespace

std::optional<arrow::MonthDayNano> parse_interval(std::string_view text) {
  Scanner sc{trim(text)};
  if (sc.done()) return std::nullopt;
  IntervalParts parts;
  bool any = false;
  while (true) {
    sc.skip_space();
    if (sc.done()) break;
    const size_t start = sc.i;
    int sign = 1;
    if (sc.accept('-')) {
      sign = -1;
    } else {
      sc.accept('+');
    }
    auto whole = sc.digits(1, 18);
    if (!whole) return std::nullopt;
    if (sc.peek() == ':') {
      // HH:MM[:SS[.f]]
      sc.i = start;
      sc.accept('-') || sc.accept('+');
      auto h = sc.digits(1, 9);
      sc.accept(':');
      auto m = sc.digits(2, 2);
      if (!h || !m) return std::nullopt;
      int64_t s = 0, frac = 0;
      if (sc.accept(':')) {
        auto sv = sc.digits(2, 2);
        if (!sv) return std::nullopt;
        s = *sv;
        if (sc.accept('.')) {
          int n = 0;
          while (sc.peek() >= '0' && sc.peek() <= '9') {
            if (n < 6) frac = frac * 10 + (sc.peek() - '0');
            ++n;
            ++sc.i;
          }
          for (; n < 6; ++n) frac *= 10;
        }
      }
      // At most 9 digits of hours: the product stays far below 2^63.
      const int64_t clock = sign * ((*h * 3600 + *m * 60 + s) * kMicrosPerSecond + frac);
      if (__builtin_add_overflow(parts.micros, clock, &parts.micros)) return std::nullopt;
      any = true;
      continue;
    }
    int64_t frac_us = 0;  // fraction of the unit, in millionths
    if (sc.accept('.')) {
      int n = 0;
      while (sc.peek() >= '0' && sc.peek() <= '9') {
        if (n < 6) frac_us = frac_us * 10 + (sc.peek() - '0');
        ++n;
        ++sc.i;
      }
      for (; n < 6; ++n) frac_us *= 10;
    }
    sc.skip_space();
    const size_t unit_start = sc.i;
    while (!sc.done() &&
           ((sc.peek() >= 'a' && sc.peek() <= 'z') || (sc.peek() >= 'A' && sc.peek() <= 'Z')))
      ++sc.i;
    const std::string unit = ascii_lower(sc.s.substr(unit_start, sc.i - unit_start));
    if (!add_interval_units(parts, unit, sign * *whole, sign * frac_us)) return std::nullopt;
    any = true;
  }
  int64_t nanos = 0;
  if (!any || parts.months > INT32_MAX || parts.months < INT32_MIN || parts.days > INT32_MAX ||
      parts.days < INT32_MIN || __builtin_mul_overflow(parts.micros, 1000, &nanos)) {
    return std::nullopt;
  }
  return arrow::MonthDayNano{static_cast<int32_t>(parts.months), static_cast<int32_t>(parts.days),
                             nanos};
}

}  // namespace rapidbyte::sql
