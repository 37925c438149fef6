// CopyBatchReader: turns the byte stream of `COPY ... TO STDOUT (FORMAT
// binary)` into Arrow record batches of bounded size.
//
// Like postgres::CopyBinaryDecoder it parses tuples wherever the CopyData
// chunk boundaries fall and decodes each value straight into the column
// builders, but it closes a batch by its estimated Arrow size (fixed-width
// columns by their width, variable ones by their length plus an offset)
// instead of by row count, so a batch stays near `target_bytes` whatever
// the row width. Memory: one batch plus at most one incomplete tuple. The
// batches carry `schema` (the builder's types with the connector's field
// names, nullability and metadata). Not thread-safe; owns its builder.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "portable/arrow/record_batch.hpp"
#include "portable/postgres/arrow_batch_builder.hpp"

namespace rapidbyte::connectors::source_postgres {

class CopyBatchReader {
 public:
  using BatchHandler = std::function<postgres::Result<void>(arrow::RecordBatch)>;

  // REQUIRES: `schema` has the builder's field types in order.
  CopyBatchReader(postgres::ArrowBatchBuilder builder, std::shared_ptr<const arrow::Schema> schema,
                  uint64_t target_bytes, uint64_t max_record_bytes, BatchHandler on_batch);

  // Parses a CopyData payload.
  postgres::Result<void> feed(std::span<const uint8_t> chunk);
  // Checks that the trailer arrived and hands over the last, partial batch.
  postgres::Result<void> finish();

  uint64_t rows() const { return rows_; }

 private:
  postgres::Result<size_t> consume(std::span<const uint8_t> data);
  postgres::Result<void> flush();

  postgres::ArrowBatchBuilder builder_;
  std::shared_ptr<const arrow::Schema> schema_;
  std::vector<uint32_t> fixed_width_;  // per column; 0 for variable width
  uint64_t target_bytes_;
  uint64_t max_record_bytes_;
  BatchHandler on_batch_;
  std::vector<uint8_t> carry_;
  uint64_t batch_bytes_ = 0;
  uint64_t rows_ = 0;
  bool header_done_ = false;
  bool trailer_seen_ = false;
};

}  // namespace rapidbyte::connectors::source_postgres
