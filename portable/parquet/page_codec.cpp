#include "portable/parquet/page_codec.hpp"

#include <zlib.h>
#include <zstd.h>

#include <string>

#include "portable/parquet/snappy.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::make_error;

// Arrow's Parquet writer's zstd level (pyarrow's default): pages compress
// about as well as at zstd's own default of 3, at close to twice the speed.
constexpr int kZstdLevel = 1;

Result<void> gzip(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip member, as Parquet's GZIP codec is.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return make_error("GZIP: cannot start compressing");
  }
  const size_t start = out.size();
  out.resize(start + deflateBound(&stream, static_cast<uLong>(input.size())) + 32);
  stream.next_in = const_cast<Bytef*>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = out.data() + start;
  stream.avail_out = static_cast<uInt>(out.size() - start);
  const int status = deflate(&stream, Z_FINISH);
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (status != Z_STREAM_END) return make_error("GZIP: compression did not finish");
  out.resize(start + written);
  return {};
}

Result<void> gunzip(std::span<const uint8_t> input, std::span<uint8_t> output) {
  z_stream stream{};
  // 15 + 32: gzip or zlib framing, whichever the writer chose.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return make_error("GZIP: cannot start decompressing");
  stream.next_in = const_cast<Bytef*>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = output.data();
  stream.avail_out = static_cast<uInt>(output.size());
  const int status = inflate(&stream, Z_FINISH);
  const size_t produced = stream.total_out;
  inflateEnd(&stream);
  if (status != Z_STREAM_END || produced != output.size()) {
    return make_error("GZIP: the page does not decompress to its " + std::to_string(output.size()) +
                      " bytes");
  }
  return {};
}

}  // namespace

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return "none";
    case Codec::kSnappy:
      return "snappy";
    case Codec::kGzip:
      return "gzip";
    case Codec::kZstd:
      return "zstd";
    default:
      return "unsupported";
  }
}

std::optional<Codec> codec_named(std::string_view name) {
  for (Codec c : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    if (codec_name(c) == name) return c;
  }
  return std::nullopt;
}

PageCompressor::~PageCompressor() {
  if (zstd_ != nullptr) ZSTD_freeCCtx(zstd_);
}

Result<void> PageCompressor::compress(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  switch (codec_) {
    case Codec::kUncompressed:
      out.insert(out.end(), input.begin(), input.end());
      return {};
    case Codec::kSnappy:
      snappy::compress(input, out);
      return {};
    case Codec::kGzip:
      return gzip(input, out);
    case Codec::kZstd: {
      if (zstd_ == nullptr) {
        zstd_ = ZSTD_createCCtx();
        if (zstd_ == nullptr) return make_error("ZSTD: cannot create a compression context");
      }
      const size_t start = out.size();
      out.resize(start + ZSTD_compressBound(input.size()));
      const size_t written = ZSTD_compressCCtx(zstd_, out.data() + start, out.size() - start,
                                               input.data(), input.size(), kZstdLevel);
      if (ZSTD_isError(written)) {
        return make_error(std::string("ZSTD: ") + ZSTD_getErrorName(written));
      }
      out.resize(start + written);
      return {};
    }
    default:
      break;
  }
  return make_error("Parquet: no compressor for codec " + std::to_string(static_cast<int>(codec_)));
}

Result<void> compress(Codec codec, std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  return PageCompressor(codec).compress(input, out);
}

Result<void> decompress(Codec codec, std::span<const uint8_t> input, std::span<uint8_t> output) {
  switch (codec) {
    case Codec::kUncompressed:
      if (input.size() != output.size()) {
        return make_error("Parquet: an uncompressed page of " + std::to_string(input.size()) +
                          " bytes declares " + std::to_string(output.size()));
      }
      std::copy(input.begin(), input.end(), output.begin());
      return {};
    case Codec::kSnappy: {
      auto length = snappy::uncompressed_length(input);
      if (!length) return std::unexpected(length.error());
      if (*length != output.size()) {
        return make_error("Snappy: the block declares " + std::to_string(*length) +
                          " bytes, the page " + std::to_string(output.size()));
      }
      return snappy::decompress(input, output);
    }
    case Codec::kGzip:
      return gunzip(input, output);
    case Codec::kZstd: {
      const size_t produced =
          ZSTD_decompress(output.data(), output.size(), input.data(), input.size());
      if (ZSTD_isError(produced)) {
        return make_error(std::string("ZSTD: ") + ZSTD_getErrorName(produced));
      }
      if (produced != output.size()) {
        return make_error("ZSTD: the page does not decompress to its " +
                          std::to_string(output.size()) + " bytes");
      }
      return {};
    }
    default:
      break;
  }
  return make_error("Parquet: pages compressed with codec " +
                    std::to_string(static_cast<int>(codec)) + " are not supported");
}

}  // namespace rapidbyte::parquet
