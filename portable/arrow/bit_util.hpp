// Bit-level helpers for Arrow bitmaps (validity and boolean values): bit i
// of a bitmap is bit (i % 8) of byte (i / 8), least significant bit first.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace rapidbyte::arrow::bit_util {

constexpr int64_t bytes_for_bits(int64_t bits) {
  return (bits + 7) / 8;
}

// Rounds n up to a multiple of 8 (the IPC alignment).
constexpr int64_t pad8(int64_t n) {
  return (n + 7) & ~int64_t{7};
}

// Loads a T stored little-endian at a possibly unaligned address (Arrow
// buffers read from IPC input need not be aligned).
template <class T>
inline T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

inline bool get_bit(const uint8_t* bits, int64_t i) {
  return (bits[i >> 3] >> (i & 7)) & 1;
}
inline void set_bit(uint8_t* bits, int64_t i) {
  bits[i >> 3] |= uint8_t(1u << (i & 7));
}
inline void clear_bit(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
}
inline void set_bit_to(uint8_t* bits, int64_t i, bool value) {
  value ? set_bit(bits, i) : clear_bit(bits, i);
}

// Number of set bits among bits [offset, offset + length).
inline int64_t count_set_bits(const uint8_t* bits, int64_t offset, int64_t length) {
  int64_t count = 0;
  int64_t i = offset;
  const int64_t end = offset + length;
  for (; i < end && (i & 7) != 0; ++i) count += get_bit(bits, i);
  for (; i + 64 <= end; i += 64) {
    uint64_t word;
    std::memcpy(&word, bits + (i >> 3), 8);
    count += std::popcount(word);
  }
  for (; i + 8 <= end; i += 8) count += std::popcount(static_cast<unsigned>(bits[i >> 3]));
  for (; i < end; ++i) count += get_bit(bits, i);
  return count;
}

// Copies bits [src_offset, src_offset + length) of `src` to bits
// [0, length) of `dst`; the bits of the last dst byte past `length` are zero.
// REQUIRES: dst has bytes_for_bits(length) writable bytes.
inline void copy_bits(const uint8_t* src, int64_t src_offset, int64_t length, uint8_t* dst) {
  if (length == 0) return;
  if ((src_offset & 7) == 0) {
    std::memcpy(dst, src + (src_offset >> 3), static_cast<size_t>(bytes_for_bits(length)));
  } else {
    const int shift = static_cast<int>(src_offset & 7);
    const uint8_t* s = src + (src_offset >> 3);
    const int64_t n = bytes_for_bits(length);
    // The last output byte may need one source byte past the range; only read
    // it when the range actually reaches into it.
    const int64_t src_bytes = bytes_for_bits(shift + length);
    for (int64_t b = 0; b < n; ++b) {
      unsigned lo = s[b] >> shift;
      unsigned hi = (b + 1 < src_bytes) ? static_cast<unsigned>(s[b + 1]) << (8 - shift) : 0u;
      dst[b] = static_cast<uint8_t>(lo | hi);
    }
  }
  if ((length & 7) != 0) dst[length >> 3] &= static_cast<uint8_t>((1u << (length & 7)) - 1);
}

}  // namespace rapidbyte::arrow::bit_util
