#include "portable/postgres/copy_binary_encoder.hpp"

#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres {

Result<CopyBinaryEncoder> CopyBinaryEncoder::make(const std::vector<PgColumnType>& columns,
                                                  const CodecOptions& options) {
  CopyBinaryEncoder e;
  for (const PgColumnType& c : columns) {
    RB_PG_ASSIGN_OR_RETURN(std::unique_ptr<ValueCodec> codec, make_codec(c, options));
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

Result<void> CopyBinaryEncoder::encode(const arrow::RecordBatch& batch,
                                       std::vector<uint8_t>& out) const {
  return encode(batch, 0, batch.num_rows(), out);
}

Result<void> CopyBinaryEncoder::encode(const arrow::RecordBatch& batch, int64_t begin, int64_t end,
                                       std::vector<uint8_t>& out) const {
  if (batch.num_columns() != static_cast<int>(codecs_.size())) {
    return fail(data_error("batch has " + std::to_string(batch.num_columns()) +
                           " columns, the COPY target " + std::to_string(codecs_.size())));
  }
  for (int64_t row = begin; row < end; ++row) {
    wire::append_be(out, static_cast<int16_t>(codecs_.size()));
    for (int c = 0; c < batch.num_columns(); ++c) {
      const arrow::Array& column = batch.column(c);
      if (column.is_null(row)) {
        wire::append_be(out, int32_t{-1});
        continue;
      }
      const size_t at = out.size();
      wire::append_be(out, int32_t{0});
      Result<void> r = codecs_[static_cast<size_t>(c)]->encode(column, row, out);
      if (!r) {
        PgError e = std::move(r).error();
        e.column = batch.schema()->field(c).name;
        e.message = "column \"" + e.column + "\": " + e.message;
        return fail(std::move(e));
      }
      const auto len = static_cast<uint32_t>(out.size() - at - 4);
      for (int k = 0; k < 4; ++k) out[at + k] = static_cast<uint8_t>(len >> (24 - 8 * k));
    }
  }
  return {};
}

void CopyBinaryEncoder::trailer(std::vector<uint8_t>& out) const {
  wire::append_be(out, int16_t{-1});
}

}  // namespace rapidbyte::postgres
