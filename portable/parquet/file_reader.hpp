// Reads a Parquet file as Arrow record batches, one per row group: the
// footer first (its length and magic at the end), then each row group's
// column chunks (read_column_chunk), each from the byte range its metadata
// gives, checked against the file's size.
//
// Not thread-safe; one reader per file.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "portable/arrow/record_batch.hpp"
#include "portable/parquet/file_schema.hpp"
#include "portable/parquet/metadata.hpp"

namespace rapidbyte::parquet {

// Where a reader's bytes come from (a file in a guest, ranged GETs).
class InputFile {
 public:
  virtual ~InputFile() = default;
  virtual Result<uint64_t> size() = 0;
  // Fills `out` with the bytes at `offset`; fails when they are not all
  // there.
  virtual Result<void> read_at(uint64_t offset, std::span<uint8_t> out) = 0;
};

class FileReader {
 public:
  // The largest footer read (a hostile length is refused before the
  // allocation).
  static constexpr uint32_t kMaxFooterBytes = 64u << 20;

  // Reads and checks the footer and the schema. Errors say what is wrong
  // with the file ("not a Parquet file", a footer past its start...).
  static Result<std::unique_ptr<FileReader>> open(InputFile& input);

  const FileMetaData& metadata() const { return metadata_; }
  const std::shared_ptr<const arrow::Schema>& schema() const { return schema_.arrow; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }

  // REQUIRES: 0 <= index < num_row_groups().
  Result<arrow::RecordBatch> read_row_group(int index);

 private:
  FileReader(InputFile& input, uint64_t size, FileMetaData metadata, FileSchema schema)
      : input_(input), size_(size), metadata_(std::move(metadata)), schema_(std::move(schema)) {}

  InputFile& input_;
  uint64_t size_;
  FileMetaData metadata_;
  FileSchema schema_;
};

}  // namespace rapidbyte::parquet
