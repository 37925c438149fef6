// Writes Arrow record batches as one Parquet file: "PAR1", row groups of
// column chunks (ColumnChunkBuilder: a dictionary page and data pages of
// RLE definition levels and dictionary indices or PLAIN values, each
// compressed with the file's codec),
// the Thrift footer, its length, "PAR1".
//
// Every batch is buffered into the current row group; a row group is written
// out once it holds row_group_bytes of encoded values, and by close(). The
// file is complete only after close(): a reader finds the footer at the end,
// so a file cut short (a crash) is never mistaken for a shorter valid one.
//
// Not thread-safe; one writer per file.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "portable/arrow/record_batch.hpp"
#include "portable/parquet/metadata.hpp"
#include "portable/parquet/schema_mapping.hpp"

namespace rapidbyte::parquet {

// Where a writer's bytes go (a file in a guest, an upload).
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Result<void> write(std::span<const uint8_t> bytes) = 0;
};

struct WriterOptions {
  // How each page is compressed: kUncompressed, kSnappy, kGzip or kZstd.
  Codec codec = Codec::kUncompressed;
  // A data page is cut when its values reach this size (PLAIN-encoded).
  uint64_t page_bytes = 1u << 20;
  // A column chunk's values are dictionary-encoded while its dictionary
  // stays under this size; 0: never.
  uint64_t dictionary_bytes = 1u << 20;
  // Data pages of version 2 (DATA_PAGE_V2) instead of 1.
  bool data_page_v2 = false;
  // A row group is written out when its values reach this size PLAIN-
  // encoded (before dictionaries and compression): about the memory a
  // reader decodes one into.
  uint64_t row_group_bytes = 64u << 20;
  std::string created_by = "rapidbyte";
};

class ColumnChunkBuilder;
class PageCompressor;

class FileWriter {
 public:
  // Writes the leading magic. Fails, naming the field, for a schema with a
  // type Parquet cannot hold (parquet_schema_of).
  static Result<std::unique_ptr<FileWriter>> open(std::shared_ptr<const arrow::Schema> schema,
                                                  OutputStream& out, WriterOptions options = {});
  ~FileWriter();

  // Fails, writing nothing of it, for a batch whose columns are not of the
  // types of the writer's schema.
  Result<void> write(const arrow::RecordBatch& batch);
  // Writes the last row group and the footer. The writer is finished then.
  Result<void> close();

  int64_t rows_written() const { return metadata_.num_rows + pending_rows_; }
  // Bytes written to the stream so far (row groups still buffered aside).
  uint64_t bytes_written() const { return position_; }
  // Encoded values of the row group still buffered (written by the next
  // flush, before compression).
  uint64_t buffered_bytes() const;

 private:
  FileWriter(std::shared_ptr<const arrow::Schema> schema, ParquetSchema parquet, OutputStream& out,
             WriterOptions options);
  Result<void> emit(std::span<const uint8_t> bytes);
  Result<void> flush_row_group();

  std::shared_ptr<const arrow::Schema> schema_;
  ParquetSchema parquet_;
  OutputStream& out_;
  WriterOptions options_;
  std::unique_ptr<PageCompressor> compressor_;  // shared by columns_, declared before them
  std::vector<std::unique_ptr<ColumnChunkBuilder>> columns_;
  FileMetaData metadata_;
  int64_t pending_rows_ = 0;
  uint64_t position_ = 0;
  bool closed_ = false;
};

}  // namespace rapidbyte::parquet
