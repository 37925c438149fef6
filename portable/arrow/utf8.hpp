// UTF-8 validation for utf8 columns read from untrusted input, and the two
// small measures text functions need on text already validated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rapidbyte::arrow {

// True when `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no
// surrogates, nothing above U+10FFFF, no truncated sequences.
bool is_valid_utf8(std::string_view text);

// Bytes of the code point whose first byte is `lead`. REQUIRES: valid UTF-8.
inline size_t code_point_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Code points in `text` (continuation bytes are not counted).
inline uint64_t count_code_points(std::string_view text) {
  uint64_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace rapidbyte::arrow
