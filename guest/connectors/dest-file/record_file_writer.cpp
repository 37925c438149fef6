#include "guest/connectors/dest-file/record_file_writer.hpp"

#include <zlib.h>
#include <zstd.h>

#include <utility>
#include <vector>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/value_formatter.hpp"
#include "portable/parquet/file_writer.hpp"

namespace rapidbyte::connectors::dest_file {
namespace {

// A failed write into `sink`: its own error when it has one (an object
// storage failure keeps its category), else an I/O error.
std::unexpected<protocol::ConnectorError> write_error(const files::FileSink& sink,
                                                      const std::string& message) {
  if (auto failure = sink.failure()) return std::unexpected(std::move(*failure));
  return std::unexpected(sdk::make_error(protocol::ErrorCategory::kInternal,
                                         "cannot write '" + sink.name() + "': " + message,
                                         "FILE_IO"));
}

// ---- Parquet -----------------------------------------------------------------

class ParquetFile final : public RecordFileWriter {
 public:
  ParquetFile(std::unique_ptr<files::FileSink> output, std::unique_ptr<parquet::FileWriter> writer)
      : output_(std::move(output)), writer_(std::move(writer)) {}

  static sdk::Result<std::unique_ptr<RecordFileWriter>> create(
      std::unique_ptr<files::FileSink> output, std::shared_ptr<const arrow::Schema> schema,
      const FormatOptions& options) {
    auto file = std::unique_ptr<ParquetFile>(new ParquetFile(std::move(output), nullptr));
    parquet::WriterOptions writer_options;
    writer_options.codec = options.codec;
    writer_options.row_group_bytes = options.row_group_bytes;
    writer_options.data_page_v2 = options.data_page_v2;
    auto writer = parquet::FileWriter::open(std::move(schema), *file->output_, writer_options);
    if (!writer) return sdk::schema_error("cannot write Parquet: " + writer.error().message);
    file->writer_ = std::move(*writer);
    return file;
  }

  sdk::Result<void> write(const arrow::RecordBatch& batch) override {
    if (auto r = writer_->write(batch); !r) return write_error(*output_, r.error().message);
    return {};
  }

  sdk::Result<void> finish() override {
    if (auto r = writer_->close(); !r) return write_error(*output_, r.error().message);
    return output_->finish();
  }

  uint64_t size() const override { return output_->size() + writer_->buffered_bytes(); }
  std::unique_ptr<files::FileSink> take_sink() override { return std::move(output_); }

 private:
  std::unique_ptr<files::FileSink> output_;  // before writer_, which writes into it
  std::unique_ptr<parquet::FileWriter> writer_;
};

// ---- text files: a compressed or plain byte stream --------------------------

// Text is encoded into a buffer, then compressed (or not) into the file.
class TextOutput {
 public:
  TextOutput(std::unique_ptr<files::FileSink> output, TextCompression compression)
      : output_(std::move(output)), compression_(compression) {}
  TextOutput(const TextOutput&) = delete;
  TextOutput& operator=(const TextOutput&) = delete;
  ~TextOutput() {
    if (gzip_open_) deflateEnd(&gzip_);
    if (zstd_ != nullptr) ZSTD_freeCCtx(zstd_);
  }

  sdk::Result<void> start() {
    if (compression_ == TextCompression::kGzip) {
      // 16 + 15: a gzip header and trailer around a deflate stream.
      if (deflateInit2(&gzip_, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return write_error(*output_, "cannot start gzip");
      }
      gzip_open_ = true;
    } else if (compression_ == TextCompression::kZstd) {
      zstd_ = ZSTD_createCCtx();
      if (zstd_ == nullptr) return write_error(*output_, "cannot start zstd");
      ZSTD_CCtx_setParameter(zstd_, ZSTD_c_compressionLevel, 3);
    }
    return {};
  }

  // Compresses and writes `text`; `last` ends the compressed stream.
  sdk::Result<void> write(std::string_view text, bool last) {
    switch (compression_) {
      case TextCompression::kNone:
        return put({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
      case TextCompression::kGzip:
        return write_gzip(text, last);
      case TextCompression::kZstd:
        return write_zstd(text, last);
    }
    return {};
  }

  sdk::Result<void> finish() { return output_->finish(); }
  // Bytes written to the file so far.
  uint64_t size() const { return output_->size(); }
  std::unique_ptr<files::FileSink> take_sink() { return std::move(output_); }

 private:
  sdk::Result<void> put(std::span<const uint8_t> bytes) {
    if (auto r = output_->write(bytes); !r) return write_error(*output_, r.error().message);
    return {};
  }

  sdk::Result<void> write_gzip(std::string_view text, bool last) {
    gzip_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    gzip_.avail_in = static_cast<uInt>(text.size());
    for (;;) {
      gzip_.next_out = chunk_;
      gzip_.avail_out = sizeof chunk_;
      const int rc = deflate(&gzip_, last ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) return write_error(*output_, "gzip failed");
      if (auto r = put({chunk_, sizeof chunk_ - gzip_.avail_out}); !r) return r;
      if (last ? rc == Z_STREAM_END : gzip_.avail_in == 0 && gzip_.avail_out != 0) return {};
    }
  }

  sdk::Result<void> write_zstd(std::string_view text, bool last) {
    ZSTD_inBuffer in{text.data(), text.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{chunk_, sizeof chunk_, 0};
      const size_t left =
          ZSTD_compressStream2(zstd_, &out, &in, last ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(left)) return write_error(*output_, ZSTD_getErrorName(left));
      if (auto r = put({chunk_, out.pos}); !r) return r;
      if (last ? left == 0 : in.pos == in.size && out.pos < out.size) return {};
    }
  }

  std::unique_ptr<files::FileSink> output_;
  TextCompression compression_;
  z_stream gzip_{};
  bool gzip_open_ = false;
  ZSTD_CCtx* zstd_ = nullptr;
  uint8_t chunk_[64 * 1024];
};

// A text format: one line (or CSV record) per row.
class TextFile : public RecordFileWriter {
 public:
  explicit TextFile(std::unique_ptr<TextOutput> output) : output_(std::move(output)) {}

  sdk::Result<void> write(const arrow::RecordBatch& batch) override {
    text_.clear();
    encode(batch, text_);
    return output_->write(text_, false);
  }

  sdk::Result<void> finish() override {
    if (auto r = output_->write({}, true); !r) return r;
    return output_->finish();
  }

  uint64_t size() const override { return output_->size(); }
  std::unique_ptr<files::FileSink> take_sink() override { return output_->take_sink(); }

 protected:
  virtual void encode(const arrow::RecordBatch& batch, std::string& out) = 0;

  std::unique_ptr<TextOutput> output_;
  std::string text_;
};

// Text and binary columns are written as their bytes, the rest as
// ValueFormatter's text (lists as JSON).
class CellWriter {
 public:
  CellWriter(const arrow::Field& field, const arrow::Array& array)
      : array_(array), formatter_(field, array) {
    const arrow::TypeId id = array.type().id();
    if (id == arrow::TypeId::kUtf8) text_.emplace<arrow::StringArray>(array);
    if (id == arrow::TypeId::kLargeUtf8) text_.emplace<arrow::LargeStringArray>(array);
    list_ = id == arrow::TypeId::kList;
  }
  bool is_null(int64_t row) const { return array_.is_null(row); }
  bool is_text() const { return text_.index() != 0; }
  std::string_view text(int64_t row) const {
    if (const auto* a = std::get_if<arrow::StringArray>(&text_)) return a->value(row);
    return std::get<arrow::LargeStringArray>(text_).value(row);
  }
  void append_text(int64_t row, std::string& out) const {
    if (list_) {
      formatter_.append_json(row, out);
    } else {
      formatter_.append_text(row, out);
    }
  }
  void append_json(int64_t row, std::string& out) const { formatter_.append_json(row, out); }

 private:
  const arrow::Array& array_;
  arrow::ValueFormatter formatter_;
  std::variant<std::monostate, arrow::StringArray, arrow::LargeStringArray> text_;
  bool list_ = false;
};

std::vector<std::unique_ptr<CellWriter>> cell_writers(const arrow::RecordBatch& batch) {
  std::vector<std::unique_ptr<CellWriter>> cells;
  cells.reserve(static_cast<size_t>(batch.num_columns()));
  for (int i = 0; i < batch.num_columns(); ++i) {
    cells.push_back(std::make_unique<CellWriter>(batch.schema()->field(i), batch.column(i)));
  }
  return cells;
}

// RFC 4180: a header line, then one record per row; a field is quoted when
// it holds the delimiter, the quote, a line break, or could be read as the
// null string; quotes inside are doubled.
class CsvFile final : public TextFile {
 public:
  CsvFile(std::unique_ptr<TextOutput> output, CsvOptions options)
      : TextFile(std::move(output)), options_(std::move(options)) {}

 protected:
  void encode(const arrow::RecordBatch& batch, std::string& out) override {
    if (options_.header && !header_written_) {
      for (int i = 0; i < batch.num_columns(); ++i) {
        if (i > 0) out += options_.delimiter;
        append_field(batch.schema()->field(i).name, out);
      }
      out += "\r\n";
      header_written_ = true;
    }
    const auto cells = cell_writers(batch);
    std::string scratch;
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      for (size_t c = 0; c < cells.size(); ++c) {
        if (c > 0) out += options_.delimiter;
        const CellWriter& cell = *cells[c];
        if (cell.is_null(row)) {
          out += options_.null_string;
        } else if (cell.is_text()) {
          append_field(cell.text(row), out);
        } else {
          scratch.clear();
          cell.append_text(row, scratch);
          append_field(scratch, out);
        }
      }
      out += "\r\n";
    }
  }

 private:
  void append_field(std::string_view value, std::string& out) const {
    bool quote = value == options_.null_string;
    for (const char c : value) {
      if (c == options_.delimiter || c == options_.quote || c == '\n' || c == '\r') quote = true;
    }
    if (!quote) {
      out += value;
      return;
    }
    out += options_.quote;
    for (const char c : value) {
      if (c == options_.quote) out += options_.quote;
      out += c;
    }
    out += options_.quote;
  }

  CsvOptions options_;
  bool header_written_ = false;
};

// One JSON object per line, keys in column order: numbers and booleans as
// JSON, everything else as ValueFormatter's JSON (strings; lists as arrays).
class JsonLinesFile final : public TextFile {
 public:
  using TextFile::TextFile;

 protected:
  void encode(const arrow::RecordBatch& batch, std::string& out) override {
    std::vector<std::string> keys;
    for (int i = 0; i < batch.num_columns(); ++i) {
      std::string key;
      arrow::append_json_string(batch.schema()->field(i).name, key);
      key += ':';
      keys.push_back(std::move(key));
    }
    const auto cells = cell_writers(batch);
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      out += '{';
      for (size_t c = 0; c < cells.size(); ++c) {
        if (c > 0) out += ',';
        out += keys[c];
        cells[c]->append_json(row, out);
      }
      out += "}\n";
    }
  }
};

}  // namespace

std::string_view extension_of(FileFormat format) {
  switch (format) {
    case FileFormat::kParquet:
      return "parquet";
    case FileFormat::kCsv:
      return "csv";
    case FileFormat::kJsonLines:
      return "jsonl";
  }
  return "";
}

std::string data_file_name(std::string_view stem, const FormatOptions& options) {
  std::string name = std::string(stem) + "." + std::string(extension_of(options.format));
  if (options.format != FileFormat::kParquet) {
    if (options.text_compression == TextCompression::kGzip) name += ".gz";
    if (options.text_compression == TextCompression::kZstd) name += ".zst";
  }
  return name;
}

sdk::Result<std::unique_ptr<RecordFileWriter>> create_record_file(
    std::unique_ptr<files::FileSink> sink, std::shared_ptr<const arrow::Schema> schema,
    const FormatOptions& options) {
  if (options.format == FileFormat::kParquet) {
    return ParquetFile::create(std::move(sink), std::move(schema), options);
  }
  auto output = std::make_unique<TextOutput>(std::move(sink), options.text_compression);
  if (auto r = output->start(); !r) return std::unexpected(r.error());
  if (options.format == FileFormat::kCsv) {
    return std::make_unique<CsvFile>(std::move(output), options.csv);
  }
  return std::make_unique<JsonLinesFile>(std::move(output));
}

}  // namespace rapidbyte::connectors::dest_file
