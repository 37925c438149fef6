// Builds one column chunk of a row group: takes the leaf's values from
// Arrow arrays, encodes them PLAIN with RLE definition levels into data
// pages of about page_bytes, and hands the chunk's bytes and metadata to the
// file writer with the chunk's statistics. Each page is compressed on its
// own with the chunk's codec.
#pragma once

#include <cstdint>
#include <vector>

#include "portable/arrow/array.hpp"
#include "portable/parquet/column_statistics.hpp"
#include "portable/parquet/metadata.hpp"
#include "portable/parquet/schema_mapping.hpp"

namespace rapidbyte::parquet {

class ColumnChunkBuilder {
 public:
  ColumnChunkBuilder(LeafColumn leaf, arrow::DataType type, SortOrder order, uint64_t page_bytes,
                     Codec codec)
      : leaf_(std::move(leaf)),
        type_(std::move(type)),
        page_bytes_(page_bytes),
        codec_(codec),
        statistics_(order) {}

  // Appends every slot of `array` (the leaf's top-level column).
  // REQUIRES: array.type() is the type the builder was made for.
  Result<void> append(const arrow::Array& array);

  // Encoded bytes held for the current row group (pages and open page).
  uint64_t buffered_bytes() const { return chunk_.size() + page_values_.size(); }

  // Closes the open page and returns the chunk's bytes; `metadata` gets its
  // metadata, with offsets counted from `file_offset`, where the caller
  // writes the bytes. The builder is empty afterwards.
  Result<std::vector<uint8_t>> finish(int64_t file_offset, ColumnChunk& metadata);

 private:
  void add_value_bytes(const void* bytes, size_t size);
  void add_definition(bool valid);
  void add_bool(bool value);
  Result<void> end_value();
  Result<void> finish_page();

  LeafColumn leaf_;
  arrow::DataType type_;
  uint64_t page_bytes_;
  Codec codec_;

  // The open page.
  std::vector<uint32_t> page_definitions_;
  std::vector<uint8_t> page_values_;
  int32_t page_count_ = 0;  // values, nulls included
  int bool_bits_ = 0;       // bits used in the last byte of a boolean page

  // The chunk so far.
  std::vector<uint8_t> chunk_;
  int64_t chunk_values_ = 0;
  ColumnStatistics statistics_;
  int64_t uncompressed_bytes_ = 0;
};

}  // namespace rapidbyte::parquet
