// CopyBinaryDecoder: a streaming parser of PostgreSQL's binary COPY format
// (signature, flags, header extension, tuples, -1 trailer) that decodes the
// values into Arrow builders and emits a record batch whenever a batch
// limit is reached.
//
// Feed it the CopyData payloads as Connection::copy_out_chunks delivers them; the
// chunk boundaries may fall anywhere (inside a tuple, inside the header).
// The tuples of a feed() are located first and then decoded a column at a
// time (ValueCodec::decode_column), one codec call per column and feed
// instead of one per value, which is why feed() takes every chunk the
// connection has at hand at once. Only an incomplete trailing tuple is
// copied between feeds, so memory is one batch plus at most one tuple,
// never the table. Every length is checked. Not thread-safe; owns its
// builders and carry-over bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "portable/postgres/arrow_batch_builder.hpp"

namespace rapidbyte::postgres {

// When a batch ends. 0 means no such limit.
struct CopyBatchLimits {
  int64_t max_rows = 0;
  // The batch ends once its estimated Arrow size reaches this: fixed-width
  // columns count their width, variable ones their length plus an offset.
  uint64_t target_bytes = 0;
  // A tuple larger than this (in COPY bytes) is a data error.
  uint64_t max_record_bytes = 0;
};

// A column whose runs of equal values a batch keeps whole (keep_runs_whole):
// the read is sorted by it, and its reader can only say where it stands
// between two rows of different values (an incremental read's cursor).
struct RunColumn {
  // A value as COPY sends it; nullopt for NULL.
  using Value = std::optional<std::span<const uint8_t>>;

  int column = -1;
  // Whether two values of the column are equal as the sort orders them.
  std::function<bool(Value, Value)> same;
  // A batch still inside a run ends anyway at this estimated size (what a
  // run longer than the room above target_bytes gets).
  uint64_t max_bytes = 0;
};

class CopyBinaryDecoder {
 public:
  using BatchHandler = std::function<Result<void>(arrow::RecordBatch)>;

  // A row with a value its column's codec refuses (a timestamp past Arrow's
  // range, say): the row as a batch of its own with the refused values null,
  // its number in the COPY (0-based), and the first refusal.
  struct RejectedRow {
    int64_t row = 0;
    arrow::RecordBatch values;
    PgError error;
  };
  // OK drops the row (the caller skipped it or kept it as a dead letter);
  // an error ends the read.
  using RejectHandler = std::function<Result<void>(const RejectedRow&)>;

  // REQUIRES: limits.max_rows or limits.target_bytes is set.
  CopyBinaryDecoder(ArrowBatchBuilder builder, CopyBatchLimits limits, BatchHandler on_batch);
  // Batches of `batch_rows` rows. REQUIRES: batch_rows >= 1.
  CopyBinaryDecoder(ArrowBatchBuilder builder, int64_t batch_rows, BatchHandler on_batch)
      : CopyBinaryDecoder(std::move(builder), CopyBatchLimits{.max_rows = batch_rows},
                          std::move(on_batch)) {}

  const std::shared_ptr<const arrow::Schema>& schema() const { return builder_.schema(); }

  // Parses consecutive CopyData payloads.
  Result<void> feed(std::span<const std::span<const uint8_t>> chunks);
  Result<void> feed(std::span<const uint8_t> chunk) { return feed({&chunk, 1}); }
  // Checks that the trailer arrived and emits the last, partial batch.
  Result<void> finish();

  // Rows decoded into batches (rejected rows not counted).
  int64_t rows_decoded() const { return rows_; }

  // Without a handler the first refused value ends the read. With one, the
  // refused rows go to it and the rest of their batch is decoded as usual
  // (the batch is decoded value by value once, to find them).
  void set_reject_handler(RejectHandler handler) { on_reject_ = std::move(handler); }

  // Once a batch reaches its limits, takes the next rows too while their
  // value of `run.column` is the last row's, and ends the batch before the
  // first that differs — or at run.max_bytes. A batch then ends where its
  // reader can tell its position, unless the run outgrew the batch.
  // REQUIRES: 0 <= run.column < columns; run.same set; before feed().
  void keep_runs_whole(RunColumn run) { run_ = std::move(run); }

 private:
  // Locates what tuples it can in `data`; returns the bytes consumed. The
  // located values point into `data` until decode_pending().
  Result<size_t> consume(std::span<const uint8_t> data);
  // Decodes the located values into the builders.
  Result<void> decode_pending();
  // Decodes, then hands the batch built so far to the handler.
  Result<void> emit_batch();
  // After a column of the pending rows failed to decode: finds the rows
  // with refused values, hands each to the reject handler and removes them.
  Result<void> reject_bad_rows();

  ArrowBatchBuilder builder_;
  CopyBatchLimits limits_;
  BatchHandler on_batch_;
  RejectHandler on_reject_;
  std::vector<uint32_t> fixed_width_;           // per column; 0 for variable width
  std::vector<std::vector<FieldRef>> located_;  // per column, not yet decoded
  int64_t located_rows_ = 0;
  std::vector<uint8_t> carry_;
  std::optional<RunColumn> run_;
  // The batch is full and takes only rows of the run it ends with, whose
  // value (a copy: a later feed's chunk holds the next row) is run_value_.
  bool run_open_ = false;
  std::optional<std::vector<uint8_t>> run_value_;
  bool header_done_ = false;
  bool trailer_seen_ = false;
  int64_t rows_ = 0;
  int64_t rejected_ = 0;
  uint64_t batch_bytes_ = 0;
};

}  // namespace rapidbyte::postgres
