// Builds one column chunk of a row group: takes the leaf's values from
// Arrow arrays, encodes them into data pages of about page_bytes (RLE
// definition levels, then the values), and hands the chunk's bytes and
// metadata, with its statistics, to the file writer. Each page is
// compressed on its own with the chunk's codec.
//
// Values are dictionary-encoded while the chunk's dictionary stays under
// dictionary_bytes: a dictionary page (the distinct values, PLAIN) leads the
// chunk and data pages hold RLE_DICTIONARY indices. Past that size the
// chunk goes on in PLAIN pages (the pages written so far keep their
// dictionary), as Arrow's writer does. Booleans are always PLAIN.
//
// A list column (one level: list<primitive>) is stored as its elements with
// repetition levels; a page is cut only between rows.
#pragma once

#include <cstdint>
#include <vector>

#include "portable/arrow/array.hpp"
#include "portable/parquet/column_statistics.hpp"
#include "portable/parquet/metadata.hpp"
#include "portable/parquet/page_codec.hpp"
#include "portable/parquet/schema_mapping.hpp"
#include "portable/parquet/value_dictionary.hpp"

namespace rapidbyte::parquet {

struct ChunkOptions {
  uint64_t page_bytes = 1u << 20;
  // The largest dictionary (its PLAIN bytes); 0 turns dictionaries off.
  uint64_t dictionary_bytes = 1u << 20;
  Codec codec = Codec::kUncompressed;
  // DATA_PAGE_V2 (levels uncompressed before the values) instead of v1.
  bool data_page_v2 = false;
};

class ColumnChunkBuilder {
 public:
  // `field` is the leaf's top-level Arrow field (a list's leaf is its
  // elements).
  // `compressor` (of options.codec, shared by a file's columns, which
  // compress one at a time) must outlive the builder.
  ColumnChunkBuilder(LeafColumn leaf, arrow::Field field, SortOrder order, ChunkOptions options,
                     PageCompressor& compressor);

  // Appends every row of `column` (the leaf's top-level column).
  // REQUIRES: column.type() is the field's type.
  Result<void> append(const arrow::Array& column);

  // Encoded bytes held for the current row group (pages, the open page and
  // the dictionary).
  uint64_t buffered_bytes() const {
    return chunk_.size() + page_values_.size() + page_indices_.size() * 4 +
           dictionary_.encoded().size();
  }

  // What the current row group's values take PLAIN-encoded (before
  // dictionaries and compression): about what a reader decodes them into.
  uint64_t plain_bytes() const { return chunk_plain_bytes_ + page_plain_bytes_; }

  // Closes the open page and returns the chunk's bytes; `metadata` gets its
  // metadata, with offsets counted from `file_offset`, where the caller
  // writes the bytes. The builder is empty afterwards.
  Result<std::vector<uint8_t>> finish(int64_t file_offset, ColumnChunk& metadata);

 private:
  // Calls add(i) for the index i (in the column, or in a list column's
  // elements) of each value present, in order, and records every row's
  // definition and repetition levels.
  template <class Add>
  Result<void> walk(const arrow::Array& column, Add&& add);
  void add_levels(int16_t definition, int16_t repetition);
  void add_bool(bool value);
  // Takes the PLAIN encoding of one valid value from value_.
  void add_value();
  // Cuts the page when it is full, between rows.
  Result<void> end_row();
  Result<void> finish_page();
  Result<void> add_page(PageHeader header, std::span<const uint8_t> levels,
                        std::span<const uint8_t> values, std::vector<uint8_t>& out);

  LeafColumn leaf_;
  arrow::Field field_;
  arrow::DataType value_type_;  // the field's type, or a list's element type
  ChunkOptions options_;
  PageCompressor& compressor_;
  // Byte arrays' PLAIN form starts with a 4-byte length the statistics skip.
  size_t length_prefix_ = 0;

  // The value being added, PLAIN-encoded.
  std::vector<uint8_t> value_;

  // The open page.
  std::vector<uint32_t> page_definitions_;
  std::vector<uint32_t> page_repetitions_;
  std::vector<uint8_t> page_values_;    // PLAIN pages
  std::vector<uint32_t> page_indices_;  // dictionary pages
  uint64_t page_plain_bytes_ = 0;       // what the page's values take PLAIN
  uint64_t chunk_plain_bytes_ = 0;      // the same for the chunk's finished pages
  int32_t page_count_ = 0;              // level entries (values, nulls included)
  int32_t page_nulls_ = 0;
  int32_t page_rows_ = 0;
  int bool_bits_ = 0;  // bits used in the last byte of a boolean page

  // The chunk so far.
  bool dictionary_encoding_;
  ValueDictionary dictionary_;
  std::vector<uint8_t> chunk_;
  int64_t chunk_values_ = 0;
  int64_t uncompressed_bytes_ = 0;
  ColumnStatistics statistics_;
};

}  // namespace rapidbyte::parquet
