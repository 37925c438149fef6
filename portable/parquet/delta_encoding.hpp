// The delta encodings of Parquet values, which writers choose for data page
// v2 (DuckDB's PARQUET_VERSION v2, pyarrow's column_encoding):
//   DELTA_BINARY_PACKED     integers: a first value, then blocks of deltas,
//                           each block's minimum subtracted, bit-packed in
//                           miniblocks of their own widths;
//   DELTA_LENGTH_BYTE_ARRAY byte arrays: their lengths DELTA_BINARY_PACKED,
//                           then their bytes one after another;
//   DELTA_BYTE_ARRAY        byte arrays: the length of the prefix each
//                           shares with the one before, then the rest
//                           (DELTA_LENGTH_BYTE_ARRAY);
//   BYTE_STREAM_SPLIT       fixed-width values: byte k of every value, then
//                           byte k + 1 of every value...
// Every decoder reads untrusted bytes and checks each header, width and
// length against what is there.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "portable/arrow/status.hpp"

namespace rapidbyte::parquet {

using arrow::Result;

// Decodes the first `count` values (64-bit arithmetic; an INT32 column
// keeps the low 32 bits) into `out`; returns the bytes the encoding took.
Result<size_t> decode_delta_binary_packed(std::span<const uint8_t> in, size_t count,
                                          std::vector<int64_t>& out);

// Decodes `count` byte arrays into `arena` (cleared first; no length
// prefixes), each's [offset, end) in `ends` (value i: ends[i-1] or 0 to
// ends[i]).
Result<void> decode_delta_length_byte_array(std::span<const uint8_t> in, size_t count,
                                            std::vector<uint8_t>& arena, std::vector<size_t>& ends);
Result<void> decode_delta_byte_array(std::span<const uint8_t> in, size_t count,
                                     std::vector<uint8_t>& arena, std::vector<size_t>& ends);

// Rejoins `count` values of `width` bytes into `out` (count * width bytes).
Result<void> decode_byte_stream_split(std::span<const uint8_t> in, size_t count, size_t width,
                                      std::vector<uint8_t>& out);

}  // namespace rapidbyte::parquet
