// The Snappy block format (Parquet's SNAPPY codec): a varint of the
// uncompressed length, then literals and back-references of 1, 2 or 4 byte
// offsets. No Snappy library builds for the wasm32 guests; the format is
// small enough to own.
//
// The compressor finds 4-byte matches through a hash table of recent
// positions (Snappy's own strategy, without its speed tricks); the
// decompressor checks every length and offset against its input and output.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "portable/arrow/status.hpp"

namespace rapidbyte::parquet::snappy {

using arrow::Result;

void compress(std::span<const uint8_t> input, std::vector<uint8_t>& out);

// The uncompressed length a block declares.
Result<uint64_t> uncompressed_length(std::span<const uint8_t> input);

// REQUIRES: output.size() is the block's uncompressed_length.
Result<void> decompress(std::span<const uint8_t> input, std::span<uint8_t> output);

}  // namespace rapidbyte::parquet::snappy
