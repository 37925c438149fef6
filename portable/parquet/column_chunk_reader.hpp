// Reads one column chunk of a row group into an Arrow array: walks its
// pages (dictionary, data v1 and v2), decompresses each, decodes the levels
// and the values (PLAIN, RLE_DICTIONARY / PLAIN_DICTIONARY, RLE booleans,
// the delta encodings and BYTE_STREAM_SPLIT)
// and builds the field's array.
//
// The chunk's bytes are untrusted: every header, length, level, index and
// value is checked against what is there, and a page may decompress to no
// more than kMaxPageBytes.
#pragma once

#include <cstdint>
#include <span>

#include "portable/arrow/array.hpp"
#include "portable/arrow/field.hpp"
#include "portable/parquet/metadata.hpp"
#include "portable/parquet/schema_mapping.hpp"

namespace rapidbyte::parquet {

// The largest page this reader decompresses (writers cut pages at about
// 1 MiB; a bigger claim is most likely hostile).
inline constexpr int32_t kMaxPageBytes = 256 << 20;
// The most level entries (values and nulls) one page may claim: writers put
// thousands to a few hundred thousand in a page; a claim of more, which a
// few bytes of RLE can make, would only allocate.
inline constexpr int32_t kMaxPageValues = 1 << 24;

// `chunk` holds the chunk's pages, from its first (dictionary or data) page;
// `field` is the leaf's top-level Arrow field (file_schema_of); the array
// has `rows` rows.
Result<arrow::Array> read_column_chunk(std::span<const uint8_t> chunk,
                                       const ColumnMetaData& metadata, const LeafColumn& leaf,
                                       const arrow::Field& field, int64_t rows);

}  // namespace rapidbyte::parquet
