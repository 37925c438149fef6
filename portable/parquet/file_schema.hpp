// The Arrow schema of a Parquet file being read, and its leaf columns: the
// inverse of schema_mapping.hpp, for files of any writer.
//
// Each Parquet type is read as the Arrow type its annotations call for
// (INT32 with INTEGER(8, signed) as int8, INT64 with TIMESTAMP as a
// timestamp, BYTE_ARRAY with STRING as utf8, FIXED_LEN_BYTE_ARRAY with UUID
// as arrow.uuid, DECIMAL of any physical type as decimal128, the LIST forms
// as lists, the legacy INT96 timestamps as timestamp[ns]). When the file carries the Arrow schema
// it was written from (ARROW:schema, as pyarrow and this library write it), each field whose
// Parquet storage fits takes that schema's exact type: time zone names,
// large strings, durations, month_day_nano intervals, field metadata.
#pragma once

#include <memory>
#include <vector>

#include "portable/arrow/schema.hpp"
#include "portable/parquet/metadata.hpp"
#include "portable/parquet/schema_mapping.hpp"

namespace rapidbyte::parquet {

struct FileSchema {
  std::shared_ptr<const arrow::Schema> arrow;
  // In the footer's column order; field_index names the Arrow field.
  std::vector<LeafColumn> leaves;
};

// Fails, naming the column, for what this reader does not read: structs,
// maps, lists of lists and unknown physical types.
Result<FileSchema> file_schema_of(const FileMetaData& metadata);

}  // namespace rapidbyte::parquet
