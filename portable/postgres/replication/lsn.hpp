// Lsn: a PostgreSQL log sequence number (a byte position in the WAL) and
// its text form "XXXXXXXX/XXXXXXXX" (two hex halves, as pg_lsn prints it).
// Also the replication protocol's clock: microseconds since 2000-01-01 UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

using Lsn = uint64_t;

// "16/B374D848" (upper case hex, no leading zeros, as the server prints).
std::string format_lsn(Lsn lsn);

// Parses "hi/lo" with 1-8 hex digits per half; anything else is an error.
Result<Lsn> parse_lsn(std::string_view text);

// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01 UTC).
inline constexpr int64_t kPostgresEpochUnixMicros = 946'684'800'000'000;

// The current time as the replication protocol counts it.
int64_t postgres_clock_now_us();

}  // namespace rapidbyte::postgres
