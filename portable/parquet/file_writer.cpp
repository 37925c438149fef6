#include "portable/parquet/file_writer.hpp"

#include "portable/arrow/ipc_writer.hpp"
#include "portable/base/try.hpp"
#include "portable/crypto/base64.hpp"
#include "portable/parquet/byte_io.hpp"
#include "portable/parquet/column_chunk_builder.hpp"
#include "portable/parquet/page_codec.hpp"

namespace rapidbyte::parquet {

namespace {

constexpr uint8_t kMagic[4] = {'P', 'A', 'R', '1'};

}  // namespace

FileWriter::FileWriter(std::shared_ptr<const arrow::Schema> schema, ParquetSchema parquet,
                       OutputStream& out, WriterOptions options)
    : schema_(std::move(schema)),
      parquet_(std::move(parquet)),
      out_(out),
      options_(std::move(options)),
      compressor_(std::make_unique<PageCompressor>(options_.codec)) {
  for (const LeafColumn& leaf : parquet_.leaves) {
    columns_.push_back(std::make_unique<ColumnChunkBuilder>(
        leaf, schema_->field(static_cast<int>(leaf.field_index)),
        sort_order_of(parquet_.elements[leaf.element_index]),
        ChunkOptions{options_.page_bytes, options_.dictionary_bytes, options_.codec,
                     options_.data_page_v2},
        *compressor_));
  }
  metadata_.schema = parquet_.elements;
  metadata_.created_by = options_.created_by;
  metadata_.type_defined_orders = parquet_.leaves.size();
  // The Arrow schema, as pyarrow stores it (an IPC schema message in
  // base64): readers get back the exact Arrow types (time zones, large
  // strings, durations, intervals) and the fields' metadata.
  metadata_.key_value_metadata.push_back(
      {"ARROW:schema", crypto::base64_encode(arrow::IpcStreamWriter(*schema_).bytes())});
}

FileWriter::~FileWriter() = default;

Result<std::unique_ptr<FileWriter>> FileWriter::open(std::shared_ptr<const arrow::Schema> schema,
                                                     OutputStream& out, WriterOptions options) {
  if (codec_name(options.codec) == "unsupported") {
    return arrow::make_error("Parquet: codec " + std::to_string(static_cast<int>(options.codec)) +
                             " is not written (none, snappy, gzip, zstd)");
  }
  RB_ASSIGN_OR_RETURN(ParquetSchema parquet, parquet_schema_of(*schema));
  for (const LeafColumn& leaf : parquet.leaves) {
    if (leaf.max_repetition_level > 1) {
      return arrow::make_error("Parquet: field '" + leaf.path.front() +
                               "': lists of lists are not written");
    }
  }
  std::unique_ptr<FileWriter> writer(
      new FileWriter(std::move(schema), std::move(parquet), out, std::move(options)));
  RB_TRY(writer->emit(kMagic));
  return writer;
}

Result<void> FileWriter::emit(std::span<const uint8_t> bytes) {
  RB_TRY(out_.write(bytes));
  position_ += bytes.size();
  return {};
}

Result<void> FileWriter::write(const arrow::RecordBatch& batch) {
  if (closed_) return arrow::make_error("Parquet: write after close");
  // Every column is read as the type the file was opened for: a batch of
  // another shape is refused before any of it is read.
  if (batch.num_columns() != schema_->num_fields()) {
    return arrow::make_error("Parquet: a batch of " + std::to_string(batch.num_columns()) +
                             " columns for a file of " + std::to_string(schema_->num_fields()));
  }
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (!(batch.column(i).type() == schema_->field(i).type)) {
      return arrow::make_error("Parquet: column '" + schema_->field(i).name + "' is " +
                               batch.column(i).type().to_string() + " in a batch, " +
                               schema_->field(i).type.to_string() + " in the file");
    }
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    const LeafColumn& leaf = parquet_.leaves[i];
    RB_TRY(columns_[i]->append(batch.column(static_cast<int>(leaf.field_index))));
  }
  pending_rows_ += batch.num_rows();
  // Cut by the values' decoded size, so a reader holds a row group in
  // about row_group_bytes however well it compresses.
  uint64_t plain = 0;
  for (const auto& column : columns_) plain += column->plain_bytes();
  if (plain >= options_.row_group_bytes) RB_TRY(flush_row_group());
  return {};
}

uint64_t FileWriter::buffered_bytes() const {
  uint64_t buffered = 0;
  for (const auto& column : columns_) buffered += column->buffered_bytes();
  return buffered;
}

Result<void> FileWriter::flush_row_group() {
  if (pending_rows_ == 0) return {};
  RowGroup group;
  group.num_rows = pending_rows_;
  group.file_offset = static_cast<int64_t>(position_);
  int64_t compressed = 0;
  for (auto& column : columns_) {
    ColumnChunk chunk;
    RB_ASSIGN_OR_RETURN(const std::vector<uint8_t> bytes,
                        column->finish(static_cast<int64_t>(position_), chunk));
    RB_TRY(emit(bytes));
    group.total_byte_size += chunk.meta_data.total_uncompressed_size;
    compressed += chunk.meta_data.total_compressed_size;
    group.columns.push_back(std::move(chunk));
  }
  group.total_compressed_size = compressed;
  metadata_.num_rows += pending_rows_;
  metadata_.row_groups.push_back(std::move(group));
  pending_rows_ = 0;
  return {};
}

Result<void> FileWriter::close() {
  if (closed_) return {};
  RB_TRY(flush_row_group());
  std::vector<uint8_t> footer;
  encode(metadata_, footer);
  const auto length = static_cast<uint32_t>(footer.size());
  append_le32(length, footer);
  footer.insert(footer.end(), std::begin(kMagic), std::end(kMagic));
  RB_TRY(emit(footer));
  closed_ = true;
  return {};
}

}  // namespace rapidbyte::parquet
