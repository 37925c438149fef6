// Lower-case hexadecimal text of bytes, the way digests are printed (MD5
// passwords for PostgreSQL, hashed values of transform-mask).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace rapidbyte::crypto {

inline void append_hex(std::span<const uint8_t> bytes, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
}

inline std::string to_hex(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  append_hex(bytes, out);
  return out;
}

}  // namespace rapidbyte::crypto
