#include "portable/postgres/copy_binary_encoder.hpp"

#include "portable/base/try.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres {

Result<CopyBinaryEncoder> CopyBinaryEncoder::make(const std::vector<PgColumnType>& columns,
                                                  const CodecOptions& options) {
  CopyBinaryEncoder e;
  for (const PgColumnType& c : columns) {
    RB_ASSIGN_OR_RETURN(std::unique_ptr<ValueCodec> codec, make_codec(c, options));
    e.codecs_.push_back(std::move(codec));
  }
  return e;
}

void CopyBinaryEncoder::header(std::vector<uint8_t>& out) const {
  static constexpr uint8_t kSignature[11] = {'P',  'G',  'C',  'O',  'P', 'Y',
                                             '\n', 0xff, '\r', '\n', 0};
  out.insert(out.end(), kSignature, kSignature + sizeof kSignature);
  wire::append_be(out, uint32_t{0});  // flags
  wire::append_be(out, uint32_t{0});  // header extension length
}

Result<void> CopyBinaryEncoder::encode(const arrow::RecordBatch& batch, std::vector<uint8_t>& out) {
  return encode(batch, 0, batch.num_rows(), out);
}

Result<void> CopyBinaryEncoder::encode(const arrow::RecordBatch& batch, int64_t begin, int64_t end,
                                       std::vector<uint8_t>& out) {
  const size_t columns = codecs_.size();
  if (batch.num_columns() != static_cast<int>(columns)) {
    return fail(data_error("batch has " + std::to_string(batch.num_columns()) +
                           " columns, the COPY target " + std::to_string(columns)));
  }
  const auto rows = static_cast<size_t>(end - begin);
  if (rows == 0) return {};
  // Pass 1: every value's size (and the check that it can be encoded).
  sizes_.resize(columns * rows);
  scratch_.resize(columns);
  for (size_t c = 0; c < columns; ++c) {
    const std::span<int32_t> sizes(sizes_.data() + c * rows, rows);
    Result<void> measured = codecs_[c]->measure_column(batch.column(static_cast<int>(c)), begin,
                                                       end, sizes, scratch_[c]);
    if (!measured) {
      return fail(
          in_column(std::move(measured).error(), batch.schema()->field(static_cast<int>(c)).name));
    }
  }
  // Row layout: each row is its field count, then length word and bytes per
  // field; cursors_ start after the field count.
  cursors_.resize(rows);
  size_t total = 0;
  for (size_t r = 0; r < rows; ++r) {
    size_t row_bytes = 2 + 4 * columns;
    for (size_t c = 0; c < columns; ++c) {
      const int32_t size = sizes_[c * rows + r];
      if (size > 0) row_bytes += static_cast<size_t>(size);
    }
    cursors_[r] = total + 2;
    total += row_bytes;
  }
  const size_t base = out.size();
  out.resize(base + total);
  uint8_t* rows_start = out.data() + base;
  for (size_t r = 0; r < rows; ++r) {
    wire::store_be(rows_start + cursors_[r] - 2, static_cast<int16_t>(columns));
  }
  // Pass 2: the values, a column at a time, each at its row's cursor.
  for (size_t c = 0; c < columns; ++c) {
    codecs_[c]->write_column(batch.column(static_cast<int>(c)), begin, end,
                             std::span<const int32_t>(sizes_.data() + c * rows, rows), scratch_[c],
                             rows_start, cursors_);
  }
  return {};
}

void CopyBinaryEncoder::trailer(std::vector<uint8_t>& out) const {
  wire::append_be(out, int16_t{-1});
}

}  // namespace rapidbyte::postgres
