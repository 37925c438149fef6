#include "portable/postgres/copy_binary_decoder.hpp"

#include <cstring>

#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres {
namespace {

constexpr uint8_t kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};
constexpr size_t kFixedHeader = 11 + 4 + 4;  // signature, flags, extension length

}  // namespace

Result<void> CopyBinaryDecoder::feed(std::span<const uint8_t> chunk) {
  if (carry_.empty()) {
    RB_PG_ASSIGN_OR_RETURN(size_t used, consume(chunk));
    carry_.assign(chunk.begin() + static_cast<ptrdiff_t>(used), chunk.end());
    return {};
  }
  carry_.insert(carry_.end(), chunk.begin(), chunk.end());
  RB_PG_ASSIGN_OR_RETURN(size_t used, consume(carry_));
  carry_.erase(carry_.begin(), carry_.begin() + static_cast<ptrdiff_t>(used));
  return {};
}

Result<size_t> CopyBinaryDecoder::tuple_size(std::span<const uint8_t> data) const {
  if (data.size() < 2) return 0;
  const int16_t fields = wire::load_be<int16_t>(data.data());
  if (fields == -1) return 2;  // trailer
  if (fields != builder_.num_columns()) {
    return fail(data_error("COPY tuple has " + std::to_string(fields) + " fields, expected " +
                           std::to_string(builder_.num_columns())));
  }
  size_t pos = 2;
  for (int16_t i = 0; i < fields; ++i) {
    if (data.size() - pos < 4) return 0;
    const int32_t len = wire::load_be<int32_t>(data.data() + pos);
    pos += 4;
    if (len == -1) continue;
    if (len < 0) return fail(data_error("negative field length in COPY data"));
    if (data.size() - pos < static_cast<size_t>(len)) return 0;
    pos += static_cast<size_t>(len);
  }
  return pos;
}

Result<size_t> CopyBinaryDecoder::consume(std::span<const uint8_t> data) {
  size_t pos = 0;
  if (!header_done_) {
    if (data.size() < kFixedHeader) return 0;
    if (std::memcmp(data.data(), kSignature, sizeof kSignature) != 0) {
      return fail(data_error("COPY data does not start with the binary signature"));
    }
    const uint32_t flags = wire::load_be<uint32_t>(data.data() + 11);
    if ((flags & 0xffff0000u) != 0)
      return fail(data_error("COPY header has unknown critical flags"));
    const uint32_t extension = wire::load_be<uint32_t>(data.data() + 15);
    if (data.size() - kFixedHeader < extension) return 0;
    pos = kFixedHeader + extension;
    header_done_ = true;
  }
  while (pos < data.size()) {
    if (trailer_seen_) return fail(data_error("COPY data after the trailer"));
    const std::span<const uint8_t> rest = data.subspan(pos);
    RB_PG_ASSIGN_OR_RETURN(size_t size, tuple_size(rest));
    if (size == 0) break;
    if (size == 2 && wire::load_be<int16_t>(rest.data()) == -1) {
      trailer_seen_ = true;
      pos += 2;
      continue;
    }
    size_t at = 2;
    for (int i = 0; i < builder_.num_columns(); ++i) {
      const int32_t len = wire::load_be<int32_t>(rest.data() + at);
      at += 4;
      std::optional<std::span<const uint8_t>> value;
      if (len >= 0) {
        value = rest.subspan(at, static_cast<size_t>(len));
        at += static_cast<size_t>(len);
      }
      RB_PG_RETURN_IF_ERROR(builder_.append_value(i, value));
    }
    builder_.end_row();
    ++rows_;
    pos += size;
    if (builder_.num_rows() >= batch_rows_) {
      RB_PG_ASSIGN_OR_RETURN(arrow::RecordBatch batch, builder_.finish_batch());
      RB_PG_RETURN_IF_ERROR(on_batch_(std::move(batch)));
    }
  }
  return pos;
}

Result<void> CopyBinaryDecoder::finish() {
  if (!trailer_seen_ || !carry_.empty()) {
    return fail(data_error("COPY data ended without its trailer"));
  }
  if (builder_.num_rows() > 0) {
    RB_PG_ASSIGN_OR_RETURN(arrow::RecordBatch batch, builder_.finish_batch());
    RB_PG_RETURN_IF_ERROR(on_batch_(std::move(batch)));
  }
  return {};
}

}  // namespace rapidbyte::postgres
