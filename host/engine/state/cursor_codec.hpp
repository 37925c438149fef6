// Text form of a typed cursor value for storage: {"type": ..., "value": ...}
// with 64-bit integers as decimal strings and bytes as hex, so nothing is
// rounded through a double.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

std::string encode_cursor_value(const protocol::CursorValue& value);

// The value as a person reads it: timestamps and dates in ISO-8601 (UTC),
// an LSN as PostgreSQL prints it (16/B374D848), bytes as \x hex.
std::string describe_cursor_value(const protocol::CursorValue& value);

// The kind of value, as stored: "int64", "timestamp_micros", "lsn", ...
std::string_view cursor_type_name(const protocol::CursorValue& value);
std::expected<protocol::CursorValue, std::string> decode_cursor_value(const std::string& text);

}  // namespace rapidbyte::engine
