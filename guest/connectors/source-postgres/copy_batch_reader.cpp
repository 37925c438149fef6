#include "guest/connectors/source-postgres/copy_batch_reader.hpp"

#include <cstring>
#include <string>

namespace rapidbyte::connectors::source_postgres {
namespace {

constexpr uint8_t kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};
constexpr size_t kFixedHeader = 11 + 4 + 4;

uint32_t load_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
int16_t load_i16(const uint8_t* p) {
  return static_cast<int16_t>((uint16_t{p[0]} << 8) | p[1]);
}

}  // namespace

CopyBatchReader::CopyBatchReader(postgres::ArrowBatchBuilder builder,
                                 std::shared_ptr<const arrow::Schema> schema, uint64_t target_bytes,
                                 uint64_t max_record_bytes, BatchHandler on_batch)
    : builder_(std::move(builder)),
      schema_(std::move(schema)),
      target_bytes_(target_bytes),
      max_record_bytes_(max_record_bytes),
      on_batch_(std::move(on_batch)) {
  for (const auto& field : schema_->fields()) {
    const auto layout = field.type.layout();
    uint32_t width = 0;
    if (layout == arrow::Layout::kFixedWidth)
      width = static_cast<uint32_t>(field.type.byte_width());
    if (layout == arrow::Layout::kBitmap || layout == arrow::Layout::kNull) width = 1;
    fixed_width_.push_back(width);
  }
}

postgres::Result<void> CopyBatchReader::feed(std::span<const uint8_t> chunk) {
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

postgres::Result<size_t> CopyBatchReader::consume(std::span<const uint8_t> data) {
  size_t pos = 0;
  if (!header_done_) {
    if (data.size() < kFixedHeader) return 0;
    if (std::memcmp(data.data(), kSignature, sizeof kSignature) != 0) {
      return postgres::fail(postgres::data_error("COPY data does not start with the signature"));
    }
    const uint32_t extension = load_u32(data.data() + 15);
    if (data.size() - kFixedHeader < extension) return 0;
    pos = kFixedHeader + extension;
    header_done_ = true;
  }
  const int columns = builder_.num_columns();
  while (pos < data.size()) {
    if (trailer_seen_) return postgres::fail(postgres::data_error("COPY data after the trailer"));
    const std::span<const uint8_t> rest = data.subspan(pos);
    if (rest.size() < 2) break;
    const int16_t fields = load_i16(rest.data());
    if (fields == -1) {
      trailer_seen_ = true;
      pos += 2;
      continue;
    }
    if (fields != columns) {
      return postgres::fail(postgres::data_error("COPY tuple has " + std::to_string(fields) +
                                                 " fields, expected " + std::to_string(columns)));
    }
    // First pass: is the tuple complete, and how big will it be in Arrow?
    size_t at = 2;
    uint64_t estimate = 0;
    bool complete = true;
    for (int i = 0; i < columns; ++i) {
      if (rest.size() - at < 4) {
        complete = false;
        break;
      }
      const int32_t len = static_cast<int32_t>(load_u32(rest.data() + at));
      at += 4;
      const uint32_t width = fixed_width_[static_cast<size_t>(i)];
      if (len < -1) return postgres::fail(postgres::data_error("negative field length in COPY"));
      if (len > 0) {
        if (rest.size() - at < static_cast<size_t>(len)) {
          complete = false;
          break;
        }
        at += static_cast<size_t>(len);
      }
      estimate += width != 0 ? width : 4 + static_cast<uint64_t>(len > 0 ? len : 0);
    }
    if (!complete) break;
    if (max_record_bytes_ != 0 && at > max_record_bytes_) {
      postgres::PgError error = postgres::data_error("a row of " + std::to_string(at) +
                                                     " bytes exceeds max_record_bytes (" +
                                                     std::to_string(max_record_bytes_) + ")");
      return postgres::fail(std::move(error));
    }
    // Second pass: decode.
    at = 2;
    for (int i = 0; i < columns; ++i) {
      const int32_t len = static_cast<int32_t>(load_u32(rest.data() + at));
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
    pos += at;
    batch_bytes_ += estimate;
    if (batch_bytes_ >= target_bytes_) RB_PG_RETURN_IF_ERROR(flush());
  }
  return pos;
}

postgres::Result<void> CopyBatchReader::flush() {
  if (builder_.num_rows() == 0) return {};
  RB_PG_ASSIGN_OR_RETURN(arrow::RecordBatch built, builder_.finish_batch());
  batch_bytes_ = 0;
  const int64_t rows = built.num_rows();
  return on_batch_(arrow::RecordBatch(schema_, built.columns(), rows));
}

postgres::Result<void> CopyBatchReader::finish() {
  if (!trailer_seen_ || !carry_.empty()) {
    return postgres::fail(postgres::data_error("COPY data ended without its trailer"));
  }
  return flush();
}

}  // namespace rapidbyte::connectors::source_postgres
