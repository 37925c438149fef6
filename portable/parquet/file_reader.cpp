#include "portable/parquet/file_reader.hpp"

#include <cstring>
#include <string>
#include <vector>

#include "portable/base/try.hpp"
#include "portable/parquet/column_chunk_reader.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::make_error;

}  // namespace

Result<std::unique_ptr<FileReader>> FileReader::open(InputFile& input) {
  RB_ASSIGN_OR_RETURN(const uint64_t size, input.size());
  if (size < 12) return make_error("not a Parquet file: " + std::to_string(size) + " bytes");
  uint8_t head[4], tail[8];
  RB_TRY(input.read_at(0, head));
  RB_TRY(input.read_at(size - 8, tail));
  if (std::memcmp(head, "PAR1", 4) != 0 || std::memcmp(tail + 4, "PAR1", 4) != 0) {
    return make_error("not a Parquet file: no PAR1 magic at its start and end");
  }
  uint32_t length;
  std::memcpy(&length, tail, 4);
  if (length > size - 12 || length > kMaxFooterBytes) {
    return make_error("Parquet: the footer's length (" + std::to_string(length) +
                      " bytes) does not fit the file");
  }
  std::vector<uint8_t> footer(length);
  RB_TRY(input.read_at(size - 8 - length, footer));
  auto metadata = decode_file_metadata(footer);
  if (!metadata) return make_error("Parquet: the footer: " + metadata.error().message);
  RB_ASSIGN_OR_RETURN(FileSchema schema, file_schema_of(*metadata));
  for (const RowGroup& group : metadata->row_groups) {
    if (group.columns.size() != schema.leaves.size()) {
      return make_error("Parquet: a row group has " + std::to_string(group.columns.size()) +
                        " columns, the schema " + std::to_string(schema.leaves.size()));
    }
    if (group.num_rows < 0) return make_error("Parquet: a row group of negative size");
  }
  return std::unique_ptr<FileReader>(
      new FileReader(input, size, std::move(*metadata), std::move(schema)));
}

Result<arrow::RecordBatch> FileReader::read_row_group(int index) {
  const RowGroup& group = metadata_.row_groups[static_cast<size_t>(index)];
  const arrow::Schema& arrow_schema = *schema_.arrow;
  std::vector<arrow::Array> columns;
  std::vector<uint8_t> chunk;
  for (size_t i = 0; i < schema_.leaves.size(); ++i) {
    const LeafColumn& leaf = schema_.leaves[i];
    const ColumnMetaData& column = group.columns[i].meta_data;
    const int64_t start = column.dictionary_page_offset && *column.dictionary_page_offset > 0 &&
                                  *column.dictionary_page_offset < column.data_page_offset
                              ? *column.dictionary_page_offset
                              : column.data_page_offset;
    const std::string& name = arrow_schema.field(static_cast<int>(leaf.field_index)).name;
    if (start < 4 || column.total_compressed_size < 0 ||
        static_cast<uint64_t>(start) + static_cast<uint64_t>(column.total_compressed_size) >
            size_ - 8) {
      return make_error("Parquet: column '" + name + "' of row group " + std::to_string(index) +
                        " lies outside the file");
    }
    chunk.resize(static_cast<size_t>(column.total_compressed_size));
    RB_TRY(input_.read_at(static_cast<uint64_t>(start), chunk));
    RB_ASSIGN_OR_RETURN(
        arrow::Array array,
        read_column_chunk(chunk, column, leaf,
                          arrow_schema.field(static_cast<int>(leaf.field_index)), group.num_rows));
    columns.push_back(std::move(array));
  }
  return arrow::RecordBatch::make(schema_.arrow, std::move(columns), group.num_rows);
}

}  // namespace rapidbyte::parquet
