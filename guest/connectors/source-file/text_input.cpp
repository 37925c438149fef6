#include "guest/connectors/source-file/text_input.hpp"

#include <zlib.h>
#include <zstd.h>

#include <vector>

namespace rapidbyte::connectors::source_file {
namespace {

constexpr size_t kChunk = 1u << 20;

std::unexpected<arrow::Error> corrupt(const std::string& path, const std::string& what) {
  return arrow::make_error("'" + path + "' is not a readable compressed file: " + what);
}

// The file as it is.
class PlainInput final : public TextInput {
 public:
  PlainInput(std::string path, std::unique_ptr<parquet::InputFile> file)
      : TextInput(std::move(path)), file_(std::move(file)) {}

  arrow::Result<size_t> read(std::string& out, size_t max) override {
    auto size = file_->size();
    if (!size) return std::unexpected(size.error());
    if (offset_ >= *size) return 0;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(max, *size - offset_));
    const size_t at = out.size();
    out.resize(at + n);
    if (auto r = file_->read_at(offset_, {reinterpret_cast<uint8_t*>(out.data() + at), n}); !r) {
      out.resize(at);
      return std::unexpected(r.error());
    }
    offset_ += n;
    return n;
  }

 private:
  std::unique_ptr<parquet::InputFile> file_;
  uint64_t offset_ = 0;
};

// Compressed input: raw chunks in, decompressed text out.
class CompressedInput : public TextInput {
 public:
  CompressedInput(std::string path, std::unique_ptr<parquet::InputFile> file)
      : TextInput(std::move(path)), raw_(std::move(file)) {}

 protected:
  // The next raw bytes, or an empty span at the end of the file.
  arrow::Result<std::span<const uint8_t>> next_raw() {
    auto size = raw_->size();
    if (!size) return std::unexpected(size.error());
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, *size - offset_));
    chunk_.resize(n);
    if (n > 0) {
      if (auto r = raw_->read_at(offset_, chunk_); !r) {
        return std::unexpected(r.error());
      }
    }
    offset_ += n;
    return std::span<const uint8_t>(chunk_);
  }

 private:
  std::unique_ptr<parquet::InputFile> raw_;
  uint64_t offset_ = 0;
  std::vector<uint8_t> chunk_;
};

class GzipInput final : public CompressedInput {
 public:
  using CompressedInput::CompressedInput;
  ~GzipInput() override {
    if (open_) inflateEnd(&stream_);
  }

  arrow::Result<size_t> read(std::string& out, size_t max) override {
    if (!open_) {
      // 15 + 32: a gzip or zlib header, detected.
      if (inflateInit2(&stream_, 15 + 32) != Z_OK) return corrupt(name(), "cannot start gzip");
      open_ = true;
    }
    const size_t at = out.size();
    out.resize(at + max);
    stream_.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    stream_.avail_out = static_cast<uInt>(max);
    while (stream_.avail_out > 0 && !ended_) {
      if (stream_.avail_in == 0) {
        auto raw = next_raw();
        if (!raw) return std::unexpected(raw.error());
        if (raw->empty()) {
          out.resize(at);
          return corrupt(name(), "the gzip stream ends early");
        }
        stream_.next_in = const_cast<Bytef*>(raw->data());
        stream_.avail_in = static_cast<uInt>(raw->size());
      }
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Concatenated members (gzip allows them) continue the text.
        if (stream_.avail_in > 0 || !at_end()) {
          inflateReset(&stream_);
          continue;
        }
        ended_ = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        out.resize(at);
        return corrupt(name(), stream_.msg != nullptr ? stream_.msg : "gzip failed");
      }
    }
    const size_t n = max - stream_.avail_out;
    out.resize(at + n);
    return n;
  }

 private:
  bool at_end() {
    if (stream_.avail_in > 0) return false;
    auto raw = next_raw();
    if (!raw || raw->empty()) return true;
    stream_.next_in = const_cast<Bytef*>(raw->data());
    stream_.avail_in = static_cast<uInt>(raw->size());
    return false;
  }

  z_stream stream_{};
  bool open_ = false;
  bool ended_ = false;
};

class ZstdInput final : public CompressedInput {
 public:
  using CompressedInput::CompressedInput;
  ~ZstdInput() override { ZSTD_freeDStream(stream_); }

  arrow::Result<size_t> read(std::string& out, size_t max) override {
    if (stream_ == nullptr) {
      stream_ = ZSTD_createDStream();
      if (stream_ == nullptr) return corrupt(name(), "cannot start zstd");
    }
    const size_t at = out.size();
    out.resize(at + max);
    ZSTD_outBuffer output{out.data() + at, max, 0};
    while (output.pos < output.size && !ended_) {
      if (input_.pos == input_.size) {
        auto raw = next_raw();
        if (!raw) return std::unexpected(raw.error());
        if (raw->empty()) {
          if (!frame_done_) {
            out.resize(at);
            return corrupt(name(), "the zstd stream ends early");
          }
          ended_ = true;
          break;
        }
        input_ = {raw->data(), raw->size(), 0};
      }
      const size_t left = ZSTD_decompressStream(stream_, &output, &input_);
      if (ZSTD_isError(left)) {
        out.resize(at);
        return corrupt(name(), ZSTD_getErrorName(left));
      }
      frame_done_ = left == 0;
    }
    out.resize(at + output.pos);
    return output.pos;
  }

 private:
  ZSTD_DStream* stream_ = nullptr;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  bool frame_done_ = true;
  bool ended_ = false;
};

}  // namespace

bool has_text_extension(std::string_view name, std::string_view extension) {
  if (name.ends_with(".gz")) name.remove_suffix(3);
  if (name.ends_with(".zst")) name.remove_suffix(4);
  return name.ends_with(extension);
}

std::unique_ptr<TextInput> TextInput::open(std::string name,
                                           std::unique_ptr<parquet::InputFile> file) {
  if (name.ends_with(".gz")) return std::make_unique<GzipInput>(std::move(name), std::move(file));
  if (name.ends_with(".zst")) return std::make_unique<ZstdInput>(std::move(name), std::move(file));
  return std::make_unique<PlainInput>(std::move(name), std::move(file));
}

}  // namespace rapidbyte::connectors::source_file
