// Calendar arithmetic for date, timestamp and interval values: days since
// 1970-01-01 to and from year/month/day (proleptic Gregorian, Howard
// Hinnant's algorithms), microsecond timestamps, PostgreSQL's interval
// arithmetic (months, then days, then microseconds) and the fields of
// date_trunc / extract. All time zones are UTC: the engine's session time
// zone is UTC (see docs/SQL.md).
#pragma once

#include "portable/arrow/civil_date.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "portable/arrow/month_day_nano.hpp"

namespace rapidbyte::sql {

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

using arrow::civil_from_days;
using arrow::CivilDate;
using arrow::days_from_civil;
using arrow::days_in_month;
using arrow::valid_civil;

// floor(a / b), floor(a mod b) for b > 0.
inline int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
inline int64_t floor_mod(int64_t a, int64_t b) {
  return a - floor_div(a, b) * b;
}

// ts + interval as PostgreSQL does: months first (clamping the day to the
// month's length), then days, then the time part. nullopt on overflow.
std::optional<int64_t> add_interval(int64_t micros, const arrow::MonthDayNano& iv, int sign);

// date_trunc(unit, ts). nullopt for an unknown unit.
std::optional<int64_t> trunc_timestamp(std::string_view unit, int64_t micros);

// extract(field from ts) scaled by 10^6 for second-based fields (so exact),
// `scale` tells the caller how to read it: 0 (integer) or 6 (micro units).
// nullopt for an unknown field.
struct FieldValue {
  __int128 value;
  int scale;
};
std::optional<FieldValue> extract_timestamp(std::string_view field, int64_t micros);
std::optional<FieldValue> extract_interval(std::string_view field, const arrow::MonthDayNano& iv);

// Text forms, as PostgreSQL prints them (ISO DateStyle, UTC).
std::string format_date(int64_t days);
std::string format_timestamp(int64_t micros, bool with_zone);
std::string format_interval(const arrow::MonthDayNano& iv);

// Parsers for the text forms PostgreSQL accepts most often: ISO dates
// (YYYY-MM-DD), timestamps with ' ' or 'T' and optional fraction and zone
// (Z, +HH, +HH:MM), 'infinity'/'-infinity', and intervals as quantity/unit
// pairs ("1 year 2 mons 3 days", "2 hours 30 minutes", "-1 day") with an
// optional trailing HH:MM[:SS[.f]].
std::optional<int64_t> parse_date(std::string_view text);
std::optional<int64_t> parse_timestamp(std::string_view text, bool with_zone);
std::optional<arrow::MonthDayNano> parse_interval(std::string_view text);

// Infinity: PostgreSQL's infinite dates and timestamps.
inline constexpr int64_t kDateInfinity = INT32_MAX;
inline constexpr int64_t kDateMinusInfinity = INT32_MIN;
inline constexpr int64_t kTimestampInfinity = INT64_MAX;
inline constexpr int64_t kTimestampMinusInfinity = INT64_MIN;

}  // namespace rapidbyte::sql
