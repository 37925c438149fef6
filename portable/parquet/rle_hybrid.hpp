// Parquet's RLE / bit-packing hybrid: the encoding of definition and
// repetition levels and of dictionary indices. A run is either a value
// repeated (header `count << 1`, then the value in ceil(width / 8) bytes,
// little-endian) or groups of 8 values bit-packed least significant bit
// first (header `groups << 1 | 1`).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "portable/arrow/status.hpp"

namespace rapidbyte::parquet {

using arrow::Result;

// The number of bits values up to `max_value` need (0 for 0).
inline int bit_width(uint64_t max_value) {
  int width = 0;
  while (max_value != 0) {
    ++width;
    max_value >>= 1;
  }
  return width;
}

// Appends `values` (each below 2^width, width <= 32) to `out`: runs of 8 or
// more equal values as repeats, the rest bit-packed. The last bit-packed
// group is padded with zeros; the reader knows how many values there are.
void rle_hybrid_encode(std::span<const uint32_t> values, int width, std::vector<uint8_t>& out);

// Decodes exactly `count` values of `width` bits from `in` into `out`
// (resized); fails when `in` ends early or a run is malformed. Never reads
// outside `in`.
Result<void> rle_hybrid_decode(std::span<const uint8_t> in, int width, size_t count,
                               std::vector<uint32_t>& out);

}  // namespace rapidbyte::parquet
