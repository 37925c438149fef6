// BatchOutput: what one incoming Arrow IPC stream of a BatchTransform
// (batch_transform.hpp) comes to. While every record batch passes
// unchanged, the output is the incoming bytes themselves: nothing is
// encoded, and the stream is forwarded as it came. From the first batch
// that does not, the output is one IPC stream of, in order, the batches that
// passed and the batches the transform appended, encoded as they come
// through one IpcStreamWriter whose buffer keeps its capacity from one
// stream to the next.
//
// A transform only appends (and, to be emitted with no record batch at all,
// sets the schema); BatchTransform drives the rest. Guest-only; one per
// BatchTransform, reused for every stream.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "guest/sdk/error.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/arrow/schema.hpp"

namespace rapidbyte::sdk {

class BatchOutput {
 public:
  BatchOutput() = default;
  BatchOutput(const BatchOutput&) = delete;
  BatchOutput& operator=(const BatchOutput&) = delete;

  // Appends `batch` to the stream's output, encoded before this returns (so
  // `batch` need not outlive the call). Fails when its schema differs from
  // the output's, which the first batch of the output sets. REQUIRES: the
  // transform_batch call that appends returns BatchVerdict::kReplaced.
  Result<void> append(const arrow::RecordBatch& batch);

  // Gives the output `schema` before any batch is appended, so that the
  // stream has an output even if none is: the schema alone, without a
  // record batch. A no-op once the output has a schema. Like append, it
  // means the stream is no longer forwarded as it came.
  Result<void> set_schema(std::shared_ptr<const arrow::Schema> schema);

 private:
  friend class BatchTransform;

  // A new incoming stream; `incoming` (its bytes) stays valid until finish().
  void begin(std::span<const uint8_t> incoming);
  // The current batch passed unchanged.
  Result<void> keep(arrow::RecordBatch batch);
  // The current batch was replaced by what was appended, possibly nothing.
  Result<void> replace();
  // The bytes to emit for the stream — the incoming ones or the encoded
  // output, valid until the next begin() — or nullopt to emit nothing: when
  // the output has no schema (no batch kept or appended, none set), and when
  // the stream came with rows (`rows_in`) and none is left, unless
  // `emit_emptied`. A stream that came with zero rows keeps its output: it
  // carries the schema.
  std::optional<std::span<const uint8_t>> finish(uint64_t rows_in, bool emit_emptied);
  // Rows of the stream's output so far.
  uint64_t rows() const { return rows_; }

  // Lets go of the stream's output: the kept batches (views into the
  // incoming bytes) and the writer, whose buffer is taken back for the next
  // stream. rows() stays until the next begin().
  void clear();

  // Writes `batch` into the writer, started with its schema if need be.
  Result<void> write(const arrow::RecordBatch& batch);
  void start_writer(std::shared_ptr<const arrow::Schema> schema);

  std::span<const uint8_t> incoming_;
  std::vector<arrow::RecordBatch> kept_;  // the batches that passed, while all did
  bool replaced_ = false;                 // some batch of the stream did not pass
  std::optional<arrow::IpcStreamWriter> writer_;
  std::vector<uint8_t> buffer_;  // the encoded output, its capacity reused
  uint64_t rows_ = 0;
};

}  // namespace rapidbyte::sdk
