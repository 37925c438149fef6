// libFuzzer target for what a Parquet file brings besides values: the input
// is decoded as a footer (FileMetaData), as a sequence of page headers, as
// RLE / bit-packed levels of the width the first byte picks, as delta and
// byte-stream-split values, and as a page compressed with each codec. A crash, over-read (ASan) or
// runaway allocation is a bug; errors are the expected outcome.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "portable/parquet/delta_encoding.hpp"
#include "portable/parquet/metadata.hpp"
#include "portable/parquet/page_codec.hpp"
#include "portable/parquet/rle_hybrid.hpp"

using namespace rapidbyte::parquet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  if (auto footer = decode_file_metadata(input)) {
    std::vector<uint8_t> again;
    encode(*footer, again);
  }
  std::span<const uint8_t> rest = input;
  while (!rest.empty()) {
    auto page = decode_page_header(rest);
    if (!page || page->size == 0) break;
    rest = rest.subspan(page->size);
  }
  if (size > 1) {
    std::vector<uint32_t> levels;
    (void)rle_hybrid_decode(input.subspan(1), data[0] % 33, size * 4, levels);
  }
  // Delta-encoded and byte-stream-split values.
  if (size > 1) {
    std::vector<int64_t> integers;
    (void)decode_delta_binary_packed(input.subspan(1), data[0], integers);
    std::vector<uint8_t> arena;
    std::vector<size_t> ends;
    (void)decode_delta_byte_array(input.subspan(1), data[0], arena, ends);
    (void)decode_delta_length_byte_array(input.subspan(1), data[0], arena, ends);
    (void)decode_byte_stream_split(input.subspan(1), data[0], 1 + data[0] % 16, arena);
  }
  // A page whose header declares up to 64 KiB.
  if (size > 2) {
    std::vector<uint8_t> page((data[0] | (data[1] << 8)) % 65536);
    for (Codec codec : {Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
      (void)decompress(codec, input.subspan(2), page);
    }
  }
  return 0;
}
