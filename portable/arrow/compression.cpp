#include "portable/arrow/compression.hpp"

#include <string>

#ifdef RAPIDBYTE_ARROW_COMPRESSION
#include <lz4frame.h>
#include <zstd.h>
#endif

namespace rapidbyte::arrow {

std::string_view compression_name(Compression codec) {
  switch (codec) {
    case Compression::kNone:
      return "none";
    case Compression::kLz4Frame:
      return "lz4_frame";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

#ifdef RAPIDBYTE_ARROW_COMPRESSION

namespace {

std::string lz4_error(size_t code) {
  return std::string("lz4_frame: ") + LZ4F_getErrorName(code);
}

Result<void> lz4_compress(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = input.size();  // lets readers check the size up front
  const size_t start = out.size();
  out.resize(start + LZ4F_compressFrameBound(input.size(), &prefs));
  const size_t n = LZ4F_compressFrame(out.data() + start, out.size() - start, input.data(),
                                      input.size(), &prefs);
  if (LZ4F_isError(n)) {
    out.resize(start);
    return make_error(lz4_error(n));
  }
  out.resize(start + n);
  return {};
}

Result<void> lz4_decompress(std::span<const uint8_t> input, std::span<uint8_t> output) {
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
    return make_error("lz4_frame: cannot create a decompression context");
  }
  size_t in_pos = 0;
  size_t out_pos = 0;
  size_t hint = 1;
  Result<void> result;
  while (hint != 0) {
    size_t in_size = input.size() - in_pos;
    size_t out_size = output.size() - out_pos;
    hint = LZ4F_decompress(dctx, output.data() + out_pos, &out_size, input.data() + in_pos,
                           &in_size, nullptr);
    if (LZ4F_isError(hint)) {
      result = make_error(lz4_error(hint));
      break;
    }
    in_pos += in_size;
    out_pos += out_size;
    if (hint != 0 && in_size == 0 && out_size == 0) {
      result = make_error(out_pos == output.size()
                              ? "lz4_frame: data decompresses to more bytes than announced"
                              : "lz4_frame: truncated frame");
      break;
    }
  }
  LZ4F_freeDecompressionContext(dctx);
  if (!result) return result;
  if (out_pos != output.size()) {
    return make_error("lz4_frame: decompressed " + std::to_string(out_pos) + " bytes, expected " +
                      std::to_string(output.size()));
  }
  return {};
}

Result<void> zstd_compress(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  const size_t start = out.size();
  out.resize(start + ZSTD_compressBound(input.size()));
  const size_t n = ZSTD_compress(out.data() + start, out.size() - start, input.data(), input.size(),
                                 ZSTD_CLEVEL_DEFAULT);
  if (ZSTD_isError(n)) {
    out.resize(start);
    return make_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  out.resize(start + n);
  return {};
}

Result<void> zstd_decompress(std::span<const uint8_t> input, std::span<uint8_t> output) {
  const unsigned long long announced = ZSTD_getFrameContentSize(input.data(), input.size());
  if (announced == ZSTD_CONTENTSIZE_ERROR) return make_error("zstd: not a valid frame");
  if (announced != ZSTD_CONTENTSIZE_UNKNOWN && announced != output.size()) {
    return make_error("zstd: frame holds " + std::to_string(announced) + " bytes, expected " +
                      std::to_string(output.size()));
  }
  const size_t n = ZSTD_decompress(output.data(), output.size(), input.data(), input.size());
  if (ZSTD_isError(n)) return make_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != output.size()) {
    return make_error("zstd: decompressed " + std::to_string(n) + " bytes, expected " +
                      std::to_string(output.size()));
  }
  return {};
}

}  // namespace

bool compression_available() {
  return true;
}

Result<void> compress(Compression codec, std::span<const uint8_t> input,
                      std::vector<uint8_t>& out) {
  if (codec == Compression::kLz4Frame) return lz4_compress(input, out);
  if (codec == Compression::kZstd) return zstd_compress(input, out);
  return make_error("no codec to compress with");
}

Result<void> decompress(Compression codec, std::span<const uint8_t> input,
                        std::span<uint8_t> output) {
  if (codec == Compression::kLz4Frame) return lz4_decompress(input, output);
  if (codec == Compression::kZstd) return zstd_decompress(input, output);
  return make_error("no codec to decompress with");
}

#else  // no codecs in this build (wasm32 guests)

namespace {
std::unexpected<Error> unavailable(Compression codec) {
  return make_error("IPC body compression (" + std::string(compression_name(codec)) +
                    ") is not available in this build (no lz4/zstd, e.g. a wasm guest); "
                    "have the host send uncompressed batches");
}
}  // namespace

bool compression_available() {
  return false;
}

Result<void> compress(Compression codec, std::span<const uint8_t>, std::vector<uint8_t>&) {
  return unavailable(codec);
}

Result<void> decompress(Compression codec, std::span<const uint8_t>, std::span<uint8_t>) {
  return unavailable(codec);
}

#endif

}  // namespace rapidbyte::arrow
