// IPC body compression codecs: LZ4 frame and ZSTD, as Arrow's
// BodyCompression names them. Each codec turns one whole buffer into one
// compressed frame and back.
//
// The codecs exist only in native builds (liblz4 and libzstd are linked when
// RAPIDBYTE_ARROW_COMPRESSION is defined); in wasm32 guests every call fails
// with a clear error, so compressed input is rejected rather than misread.
// Functions are stateless and thread-safe; callers own every buffer.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "portable/arrow/status.hpp"

namespace rapidbyte::arrow {

enum class Compression : uint8_t { kNone, kLz4Frame, kZstd };

// "none", "lz4_frame", "zstd".
std::string_view compression_name(Compression codec);

// True when this build links the LZ4 and ZSTD codecs.
bool compression_available();

// Appends one compressed frame holding `input` to `out`.
// REQUIRES: codec != kNone.
Result<void> compress(Compression codec, std::span<const uint8_t> input, std::vector<uint8_t>& out);

// Decodes the frame in `input` into `output`; fails unless it decodes to
// exactly output.size() bytes. Never writes outside `output`.
// REQUIRES: codec != kNone.
Result<void> decompress(Compression codec, std::span<const uint8_t> input,
                        std::span<uint8_t> output);

}  // namespace rapidbyte::arrow
