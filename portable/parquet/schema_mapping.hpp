// How an Arrow schema is stored as a Parquet schema: each Arrow type's
// physical type and annotations (logical and legacy converted types), and
// the leaf columns with their definition and repetition levels.
//
// The mapping is the one pyarrow and DuckDB read back to the same Arrow
// types: strings as BYTE_ARRAY/STRING, timestamps as INT64/TIMESTAMP (UTC-
// adjusted when zoned), decimals as FIXED_LEN_BYTE_ARRAY of the fewest bytes
// their precision needs, uuids (the arrow.uuid extension) as
// FIXED_LEN_BYTE_ARRAY(16)/UUID, lists in the three-level LIST form. Types
// Parquet has no exact form for keep Arrow's bytes: durations as INT64 ticks,
// month_day_nano intervals as FIXED_LEN_BYTE_ARRAY(16) (months, days int32,
// nanoseconds int64, little-endian); the file's ARROW:schema (the Arrow
// schema, as pyarrow stores it) names their Arrow types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portable/arrow/schema.hpp"
#include "portable/parquet/metadata.hpp"

namespace rapidbyte::parquet {

// One leaf column: a primitive value at the end of a path of fields.
struct LeafColumn {
  std::vector<std::string> path;  // path_in_schema
  PhysicalType physical = PhysicalType::kInt32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY only
  int16_t max_definition_level = 0;
  int16_t max_repetition_level = 0;
  size_t field_index = 0;    // the top-level Arrow field it belongs to
  size_t element_index = 0;  // its SchemaElement in ParquetSchema::elements
};

struct ParquetSchema {
  std::vector<SchemaElement> elements;  // depth-first, the root first
  std::vector<LeafColumn> leaves;
};

// Fails, naming the field, for a type this mapping does not store (null,
// timestamps in seconds, lists of lists).
Result<ParquetSchema> parquet_schema_of(const arrow::Schema& schema);

// The bytes of a FIXED_LEN_BYTE_ARRAY decimal of `precision` digits.
int32_t decimal_byte_width(int32_t precision);

}  // namespace rapidbyte::parquet
