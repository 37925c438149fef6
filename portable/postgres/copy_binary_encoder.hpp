// CopyBinaryEncoder: writes Arrow record batches in PostgreSQL's binary
// COPY format, one ValueCodec per target column, for
// Connection::copy_in_write. Stream: header(), encode() per batch, then
// trailer(). Appends to a caller-owned buffer, so the caller decides when
// to send. Encodes a column at a time (ValueCodec::measure_column and
// write_column): one codec call per column and block of rows, not one per
// value. Owns its codecs and the scratch memory it reuses between calls.
// Not thread-safe.
#pragma once

#include <memory>
#include <vector>

#include "portable/arrow/record_batch.hpp"
#include "portable/postgres/codec/value_codec.hpp"

namespace rapidbyte::postgres {

class CopyBinaryEncoder {
 public:
  // One PostgreSQL column type per batch column, in order.
  static Result<CopyBinaryEncoder> make(const std::vector<PgColumnType>& columns,
                                        const CodecOptions& options = {});

  void header(std::vector<uint8_t>& out) const;
  // Fails (data error) on a column count mismatch or a value the target
  // type cannot hold; `out` then holds a partial tuple and must be dropped.
  Result<void> encode(const arrow::RecordBatch& batch, std::vector<uint8_t>& out);
  // The same for rows [begin, end) of `batch`, so a caller can send a large
  // batch in pieces while it encodes. REQUIRES: 0 <= begin <= end <= rows.
  Result<void> encode(const arrow::RecordBatch& batch, int64_t begin, int64_t end,
                      std::vector<uint8_t>& out);
  void trailer(std::vector<uint8_t>& out) const;

 private:
  CopyBinaryEncoder() = default;
  std::vector<std::unique_ptr<ValueCodec>> codecs_;
  // Per call: each value's byte length, column after column; where each
  // row's next field goes; each column's scratch memory.
  std::vector<int32_t> sizes_;
  std::vector<size_t> cursors_;
  std::vector<std::vector<uint8_t>> scratch_;
};

}  // namespace rapidbyte::postgres
