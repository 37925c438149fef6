#include "portable/postgres/arrow_batch_builder.hpp"

#include "portable/arrow/binary_builder.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::postgres {

Result<ArrowBatchBuilder> ArrowBatchBuilder::make(const std::vector<ColumnSpec>& columns,
                                                  const CodecOptions& options) {
  ArrowBatchBuilder b;
  std::vector<arrow::Field> fields;
  for (const ColumnSpec& c : columns) {
    RB_ASSIGN_OR_RETURN(std::unique_ptr<ValueCodec> codec, make_codec(c.type, options));
    fields.push_back(codec->field(c.name));
    b.builders_.push_back(arrow::make_builder(fields.back().type));
    b.codecs_.push_back(std::move(codec));
  }
  b.schema_ = arrow::make_schema(std::move(fields));
  return b;
}

Result<ArrowBatchBuilder> ArrowBatchBuilder::make(const std::vector<FieldDescription>& fields,
                                                  const CodecOptions& options) {
  std::vector<ColumnSpec> columns;
  for (const FieldDescription& f : fields) {
    if (f.format != 1) return fail(data_error("column " + f.name + " is not in binary format"));
    columns.push_back({f.name, {f.type_oid, f.type_modifier}});
  }
  return make(columns, options);
}

Result<void> ArrowBatchBuilder::append_value(int column,
                                             const std::optional<std::span<const uint8_t>>& value) {
  arrow::ArrayBuilder& builder = *builders_[static_cast<size_t>(column)];
  if (!value) {
    builder.append_null();
    return {};
  }
  Result<void> r = codecs_[static_cast<size_t>(column)]->decode(*value, builder);
  if (!r) return fail(in_column(std::move(r).error(), schema_->field(column).name));
  return {};
}

Result<std::optional<PgError>> ArrowBatchBuilder::append_value_or_null(
    int column, const std::optional<std::span<const uint8_t>>& value) {
  arrow::ArrayBuilder& builder = *builders_[static_cast<size_t>(column)];
  const int64_t before = builder.length();
  Result<void> r = append_value(column, value);
  if (r) return std::optional<PgError>();
  if (builder.length() != before) return fail(std::move(r).error());
  builder.append_null();
  return std::optional<PgError>(std::move(r).error());
}

Result<void> ArrowBatchBuilder::append_column(int column, std::span<const FieldRef> fields) {
  const auto c = static_cast<size_t>(column);
  Result<void> r = codecs_[c]->decode_column(fields, *builders_[c]);
  if (!r) return fail(in_column(std::move(r).error(), schema_->field(column).name));
  return {};
}

Result<void> ArrowBatchBuilder::append_row(std::span<const ColumnValue> row) {
  if (row.size() != codecs_.size()) {
    return fail(protocol_error("DataRow has " + std::to_string(row.size()) + " columns, expected " +
                               std::to_string(codecs_.size())));
  }
  for (size_t i = 0; i < row.size(); ++i) {
    std::optional<std::span<const uint8_t>> v;
    if (!row[i].is_null) v = row[i].bytes;
    RB_TRY(append_value(static_cast<int>(i), v));
  }
  end_row();
  return {};
}

namespace {

// Bytes of value data a utf8/binary builder holds (0 for other builders).
int64_t var_binary_data_length(const arrow::ArrayBuilder& builder) {
  switch (builder.type().layout()) {
    case arrow::Layout::kVarBinary:
      return static_cast<const arrow::VarBinaryBuilder<int32_t>&>(builder).data_length();
    case arrow::Layout::kLargeVarBinary:
      return static_cast<const arrow::VarBinaryBuilder<int64_t>&>(builder).data_length();
    default:
      return 0;
  }
}

void reserve_var_binary_data(arrow::ArrayBuilder& builder, int64_t bytes) {
  switch (builder.type().layout()) {
    case arrow::Layout::kVarBinary:
      static_cast<arrow::VarBinaryBuilder<int32_t>&>(builder).reserve_data(bytes);
      break;
    case arrow::Layout::kLargeVarBinary:
      static_cast<arrow::VarBinaryBuilder<int64_t>&>(builder).reserve_data(bytes);
      break;
    default:
      break;
  }
}

}  // namespace

void ArrowBatchBuilder::discard() {
  for (auto& builder : builders_) (void)builder->finish();
  rows_ = 0;
}

Result<arrow::RecordBatch> ArrowBatchBuilder::finish_batch() {
  std::vector<arrow::Array> columns;
  for (auto& builder : builders_) {
    const int64_t data_bytes = var_binary_data_length(*builder);
    auto array = builder->finish();
    if (!array) return fail(data_error(array.error().message));
    columns.push_back(std::move(*array));
    // The next batch is most likely the size of this one: reserving that now
    // saves the buffers regrowing (and copying themselves) value by value.
    builder->reserve(rows_);
    reserve_var_binary_data(*builder, data_bytes);
  }
  const int64_t rows = rows_;
  rows_ = 0;
  auto batch = arrow::RecordBatch::make(schema_, std::move(columns), rows);
  if (!batch) return fail(data_error(batch.error().message));
  return std::move(*batch);
}

}  // namespace rapidbyte::postgres
