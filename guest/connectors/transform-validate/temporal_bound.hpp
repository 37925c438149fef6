// Parsing the bounds of a range rule on a date or timestamp column: ISO-8601
// text into the column's own integer encoding, so that the rule compares
// integers exactly, as it does for integer columns.
//
//   date32 column:     "2024-02-29"                     -> days since 1970-01-01
//   timestamp column:  "2024-02-29", "2024-02-29T13:45:00", "2024-02-29 13:45:00.25",
//                      "...Z", "...+02:00", "...-0530"  -> ticks of the column's unit
//                                                          since the epoch
// A bound with an offset is converted to UTC; one without is taken as UTC,
// which is also how a timestamp column without a time zone stores its wall
// clock. Fractions finer than the column's unit are an error, not rounded.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "portable/arrow/type.hpp"

namespace rapidbyte::connectors::validate {

// Days since 1970-01-01 of "YYYY-MM-DD"; nullopt when `text` is not one.
std::optional<int64_t> parse_date_days(std::string_view text);

// Ticks of `unit` since 1970-01-01T00:00:00Z; nullopt when `text` is not a
// date or timestamp as above or is more precise than `unit`.
std::optional<int64_t> parse_timestamp(std::string_view text, arrow::TimeUnit unit);

}  // namespace rapidbyte::connectors::validate
