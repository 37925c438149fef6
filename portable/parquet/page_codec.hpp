// Compression of Parquet pages: SNAPPY (snappy.hpp), GZIP (zlib, gzip
// framing) and ZSTD, in the host and in the wasm32 guests alike.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "portable/parquet/metadata.hpp"

struct ZSTD_CCtx_s;

namespace rapidbyte::parquet {

// "none", "snappy", "gzip", "zstd" (the names a pipeline's config uses).
std::string_view codec_name(Codec codec);
std::optional<Codec> codec_named(std::string_view name);

// Compresses pages one after another with one codec, keeping what the codec
// can reuse between them (zstd's context: its tables are allocated and
// cleared once per writer, not once per page). Not thread-safe.
class PageCompressor {
 public:
  // REQUIRES: codec is one of the four above.
  explicit PageCompressor(Codec codec) : codec_(codec) {}
  ~PageCompressor();
  PageCompressor(const PageCompressor&) = delete;
  PageCompressor& operator=(const PageCompressor&) = delete;

  Codec codec() const { return codec_; }
  // Appends `input` compressed to `out`.
  Result<void> compress(std::span<const uint8_t> input, std::vector<uint8_t>& out);

 private:
  Codec codec_;
  ZSTD_CCtx_s* zstd_ = nullptr;  // created on the first zstd page
};

// Appends `input` compressed with `codec` to `out` (a PageCompressor for
// one page). REQUIRES: codec is one of the four above.
Result<void> compress(Codec codec, std::span<const uint8_t> input, std::vector<uint8_t>& out);

// Decompresses untrusted `input` into exactly `output.size()` bytes (the
// page header's uncompressed size); fails on any other size or malformed
// input, never writing outside `output`.
Result<void> decompress(Codec codec, std::span<const uint8_t> input, std::span<uint8_t> output);

}  // namespace rapidbyte::parquet
