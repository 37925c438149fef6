// The integer forms Parquet's bytes are made of: ULEB128 varints (Thrift,
// RLE run headers, Snappy lengths, delta headers), zigzag for signed ones,
// and 4-byte little-endian lengths (level runs, byte arrays, the footer's
// length). Header-only; every reader checks its bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rapidbyte::parquet {

inline void append_varint(uint64_t value, std::vector<uint8_t>& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<uint8_t>(value));
}

inline void append_le32(uint32_t value, std::vector<uint8_t>& out) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

constexpr uint64_t zigzag_encode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

constexpr int64_t zigzag_decode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// A varint read from `in` at `pos` (advanced past it); each caller words
// the failures in its own terms.
enum class VarintRead : uint8_t { kOk, kTruncated, kTooLong };
inline VarintRead read_varint(std::span<const uint8_t> in, size_t& pos, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size()) return VarintRead::kTruncated;
    const uint8_t b = in[pos++];
    value |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return VarintRead::kOk;
  }
  return VarintRead::kTooLong;
}

}  // namespace rapidbyte::parquet
