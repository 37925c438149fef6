// CopyBinaryDecoder: a streaming parser of PostgreSQL's binary COPY format
// (signature, flags, header extension, tuples, -1 trailer) that decodes
// every value straight into Arrow builders and emits a record batch every
// `batch_rows` rows.
//
// Feed it the CopyData payloads as Connection::copy_out delivers them; the
// chunk boundaries may fall anywhere (inside a tuple, inside the header).
// Only an incomplete trailing tuple is copied between chunks, so memory is
// one batch plus at most one tuple, never the table. Every length is
// checked. Not thread-safe; owns its builders and carry-over bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "portable/postgres/arrow_batch_builder.hpp"

namespace rapidbyte::postgres {

class CopyBinaryDecoder {
 public:
  using BatchHandler = std::function<Result<void>(arrow::RecordBatch)>;

  // REQUIRES: batch_rows >= 1.
  CopyBinaryDecoder(ArrowBatchBuilder builder, int64_t batch_rows, BatchHandler on_batch)
      : builder_(std::move(builder)), batch_rows_(batch_rows), on_batch_(std::move(on_batch)) {}

  const std::shared_ptr<const arrow::Schema>& schema() const { return builder_.schema(); }

  Result<void> feed(std::span<const uint8_t> chunk);
  // Checks that the trailer arrived and emits the last, partial batch.
  Result<void> finish();

  int64_t rows_decoded() const { return rows_; }

 private:
  // Parses what it can from `data`; returns the bytes consumed.
  Result<size_t> consume(std::span<const uint8_t> data);
  // The size of the complete tuple at the start of `data`, 0 when it is
  // incomplete. REQUIRES: header parsed.
  Result<size_t> tuple_size(std::span<const uint8_t> data) const;

  ArrowBatchBuilder builder_;
  int64_t batch_rows_;
  BatchHandler on_batch_;
  std::vector<uint8_t> carry_;
  bool header_done_ = false;
  bool trailer_seen_ = false;
  int64_t rows_ = 0;
};

}  // namespace rapidbyte::postgres
