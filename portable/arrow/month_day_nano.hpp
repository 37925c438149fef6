// MonthDayNano: one value of Arrow's month_day_nano interval type — the
// in-memory (and IPC) layout of a slot: int32 months, int32 days, int64
// nanoseconds, little-endian, 16 bytes. PostgreSQL's interval maps onto it
// exactly (months, days, microseconds * 1000). A plain value.
#pragma once

#include <cstdint>

namespace rapidbyte::arrow {

struct MonthDayNano {
  int32_t months = 0;
  int32_t days = 0;
  int64_t nanoseconds = 0;

  bool operator==(const MonthDayNano&) const = default;
};

static_assert(sizeof(MonthDayNano) == 16, "MonthDayNano must match the Arrow slot layout");

}  // namespace rapidbyte::arrow
