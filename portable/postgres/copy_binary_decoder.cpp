#include "portable/postgres/copy_binary_decoder.hpp"

#include <cstring>

#include "portable/base/try.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres {
namespace {

constexpr uint8_t kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};
constexpr size_t kFixedHeader = 11 + 4 + 4;  // signature, flags, extension length

// The Arrow bytes a column's values take beyond their own length: the
// width of a fixed-width slot, else 0 (variable ones add an offset).
uint32_t arrow_width(const arrow::Field& field) {
  switch (field.type.layout()) {
    case arrow::Layout::kFixedWidth:
      return static_cast<uint32_t>(field.type.byte_width());
    case arrow::Layout::kBitmap:
    case arrow::Layout::kNull:
      return 1;
    default:
      return 0;
  }
}

}  // namespace

CopyBinaryDecoder::CopyBinaryDecoder(ArrowBatchBuilder builder, CopyBatchLimits limits,
                                     BatchHandler on_batch)
    : builder_(std::move(builder)), limits_(limits), on_batch_(std::move(on_batch)) {
  for (const arrow::Field& field : builder_.schema()->fields()) {
    fixed_width_.push_back(arrow_width(field));
  }
  located_.resize(fixed_width_.size());
}

Result<void> CopyBinaryDecoder::feed(std::span<const std::span<const uint8_t>> chunks) {
  for (std::span<const uint8_t> chunk : chunks) {
    if (carry_.empty()) {
      RB_ASSIGN_OR_RETURN(size_t used, consume(chunk));
      // The chunk outlives this call, so what was located in it can wait.
      if (used < chunk.size())
        carry_.assign(chunk.begin() + static_cast<ptrdiff_t>(used), chunk.end());
      continue;
    }
    // Values located in carry_ must be decoded before carry_ changes.
    RB_TRY(decode_pending());
    carry_.insert(carry_.end(), chunk.begin(), chunk.end());
    RB_ASSIGN_OR_RETURN(size_t used, consume(carry_));
    RB_TRY(decode_pending());
    carry_.erase(carry_.begin(), carry_.begin() + static_cast<ptrdiff_t>(used));
  }
  return decode_pending();
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
  const int columns = builder_.num_columns();
  const int run_column = run_ ? run_->column : -1;
  while (pos < data.size()) {
    if (trailer_seen_) return fail(data_error("COPY data after the trailer"));
    const std::span<const uint8_t> rest = data.subspan(pos);
    if (rest.size() < 2) break;
    const int16_t fields = wire::load_be<int16_t>(rest.data());
    if (fields == -1) {
      trailer_seen_ = true;
      pos += 2;
      continue;
    }
    if (fields != columns) {
      return fail(data_error("COPY tuple has " + std::to_string(fields) + " fields, expected " +
                             std::to_string(columns)));
    }
    // First pass: is the tuple complete, and how big is it in Arrow?
    size_t at = 2;
    uint64_t estimate = 0;
    bool complete = true;
    RunColumn::Value run_value;
    for (int i = 0; i < columns; ++i) {
      if (rest.size() - at < 4) {
        complete = false;
        break;
      }
      const int32_t len = wire::load_be<int32_t>(rest.data() + at);
      at += 4;
      if (len < -1) return fail(data_error("negative field length in COPY data"));
      if (i == run_column && len >= 0 && rest.size() - at >= static_cast<size_t>(len))
        run_value = rest.subspan(at, static_cast<size_t>(len));
      const uint32_t width = fixed_width_[static_cast<size_t>(i)];
      estimate += width != 0 ? width : 4 + static_cast<uint64_t>(len > 0 ? len : 0);
      if (len <= 0) continue;
      if (rest.size() - at < static_cast<size_t>(len)) {
        complete = false;
        break;
      }
      at += static_cast<size_t>(len);
    }
    if (!complete) break;
    if (limits_.max_record_bytes != 0 && at > limits_.max_record_bytes) {
      return fail(data_error("a row of " + std::to_string(at) +
                             " bytes exceeds max_record_bytes (" +
                             std::to_string(limits_.max_record_bytes) + ")"));
    }
    if (run_open_) {
      const RunColumn::Value last = run_value_ ? RunColumn::Value(*run_value_) : RunColumn::Value();
      if (!run_->same(last, run_value) || batch_bytes_ >= run_->max_bytes) RB_TRY(emit_batch());
    }
    // Second pass: where each value is.
    at = 2;
    for (int i = 0; i < columns; ++i) {
      const int32_t len = wire::load_be<int32_t>(rest.data() + at);
      at += 4;
      located_[static_cast<size_t>(i)].push_back({rest.data() + at, len});
      if (len > 0) at += static_cast<size_t>(len);
    }
    ++located_rows_;
    ++rows_;
    pos += at;
    batch_bytes_ += estimate;
    const bool full =
        (limits_.max_rows != 0 && builder_.num_rows() + located_rows_ >= limits_.max_rows) ||
        (limits_.target_bytes != 0 && batch_bytes_ >= limits_.target_bytes);
    if (full && !run_) {
      RB_TRY(emit_batch());
    } else if (full && !run_open_) {
      run_open_ = true;
      run_value_.reset();
      if (run_value) run_value_.emplace(run_value->begin(), run_value->end());
    }
  }
  return pos;
}

Result<void> CopyBinaryDecoder::decode_pending() {
  if (located_rows_ == 0) return {};
  for (size_t i = 0; i < located_.size(); ++i) {
    Result<void> appended = builder_.append_column(static_cast<int>(i), located_[i]);
    if (appended) continue;
    if (!on_reject_) return appended;
    // The builders hold every pending row's earlier columns and part of
    // this one: start the batch again without the rows that cannot be.
    builder_.discard();
    RB_TRY(reject_bad_rows());
    return decode_pending();
  }
  for (auto& column : located_) column.clear();
  builder_.add_rows(located_rows_);
  located_rows_ = 0;
  return {};
}

Result<void> CopyBinaryDecoder::reject_bad_rows() {
  const auto rows = static_cast<size_t>(located_rows_);
  auto value_of = [](const FieldRef& f) -> std::optional<std::span<const uint8_t>> {
    if (f.length < 0) return std::nullopt;
    return std::span<const uint8_t>(f.data, static_cast<size_t>(f.length));
  };
  // Which values are refused, one at a time; the first refusal of each row.
  std::vector<std::vector<bool>> refused(located_.size(), std::vector<bool>(rows));
  std::vector<std::optional<PgError>> first(rows);
  for (size_t c = 0; c < located_.size(); ++c) {
    for (size_t r = 0; r < rows; ++r) {
      Result<void> one = builder_.append_value(static_cast<int>(c), value_of(located_[c][r]));
      if (one) continue;
      refused[c][r] = true;
      if (!first[r]) first[r] = std::move(one).error();
    }
  }
  builder_.discard();
  const int64_t first_row = rows_ + rejected_ - located_rows_;
  size_t kept = 0;
  for (size_t r = 0; r < rows; ++r) {
    if (!first[r]) {
      for (auto& column : located_) column[kept] = column[r];
      ++kept;
      continue;
    }
    for (size_t c = 0; c < located_.size(); ++c) {
      const auto value = refused[c][r] ? std::nullopt : value_of(located_[c][r]);
      RB_TRY(builder_.append_value(static_cast<int>(c), value));
    }
    builder_.end_row();
    RB_ASSIGN_OR_RETURN(arrow::RecordBatch row, builder_.finish_batch());
    RB_TRY(on_reject_(RejectedRow{first_row + static_cast<int64_t>(r), std::move(row), *first[r]}));
  }
  for (auto& column : located_) column.resize(kept);
  rows_ -= located_rows_ - static_cast<int64_t>(kept);
  rejected_ += located_rows_ - static_cast<int64_t>(kept);
  located_rows_ = static_cast<int64_t>(kept);
  return {};
}

Result<void> CopyBinaryDecoder::emit_batch() {
  RB_TRY(decode_pending());
  batch_bytes_ = 0;
  run_open_ = false;
  if (builder_.num_rows() == 0) return {};
  RB_ASSIGN_OR_RETURN(arrow::RecordBatch batch, builder_.finish_batch());
  return on_batch_(std::move(batch));
}

Result<void> CopyBinaryDecoder::finish() {
  if (!trailer_seen_ || !carry_.empty()) {
    return fail(data_error("COPY data ended without its trailer"));
  }
  return emit_batch();
}

}  // namespace rapidbyte::postgres
