// Text form of a typed cursor value for storage: {"type": ..., "value": ...}
// with 64-bit integers as decimal strings and bytes as hex, so nothing is
// rounded through a double.
#pragma once

#include <expected>
#include <string>

#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

std::string encode_cursor_value(const protocol::CursorValue& value);
std::expected<protocol::CursorValue, std::string> decode_cursor_value(const std::string& text);

}  // namespace rapidbyte::engine
