// RecordFileWriter: one data file of a stream in the configured format,
// written batch by batch and complete (durable, readable by itself) after
// finish(). A file abandoned before finish() is garbage: callers write it
// under a hidden name and rename it into view once it is finished.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "guest/connectors/file-common/file_sink.hpp"
#include "guest/sdk/error.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/parquet/metadata.hpp"

namespace rapidbyte::connectors::dest_file {

enum class FileFormat : uint8_t { kParquet, kCsv, kJsonLines };

// The file name extension of a format ("parquet", "csv", "jsonl").
std::string_view extension_of(FileFormat format);

// How a text file (CSV, JSON Lines) is compressed as a whole.
enum class TextCompression : uint8_t { kNone, kGzip, kZstd };

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  // The text of a NULL. With the default (empty), an empty string is
  // written quoted ("") so that the two stay apart, as PostgreSQL does.
  std::string null_string;
  bool header = true;
};

struct FormatOptions {
  FileFormat format = FileFormat::kParquet;
  parquet::Codec codec = parquet::Codec::kZstd;               // parquet
  uint64_t row_group_bytes = 64u << 20;                       // parquet
  bool data_page_v2 = false;                                  // parquet
  TextCompression text_compression = TextCompression::kNone;  // csv, jsonl
  CsvOptions csv;
};

// The file name of a data file: "<stem>.<extension>" plus ".gz" or ".zst"
// for a compressed text file.
std::string data_file_name(std::string_view stem, const FormatOptions& options);

class RecordFileWriter {
 public:
  virtual ~RecordFileWriter() = default;
  virtual sdk::Result<void> write(const arrow::RecordBatch& batch) = 0;
  // Completes the file (Parquet: the footer) and syncs it.
  virtual sdk::Result<void> finish() = 0;
  // The file's size so far, counting what is still buffered for it.
  virtual uint64_t size() const = 0;
  // The sink written into, handed back after finish() (an object is
  // published by its sink).
  virtual std::unique_ptr<files::FileSink> take_sink() = 0;
};

// A file of batches of `schema`, written into `sink`.
sdk::Result<std::unique_ptr<RecordFileWriter>> create_record_file(
    std::unique_ptr<files::FileSink> sink, std::shared_ptr<const arrow::Schema> schema,
    const FormatOptions& options);

}  // namespace rapidbyte::connectors::dest_file
