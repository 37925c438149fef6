// IpcStreamReader: decodes an Arrow IPC stream (schema message, record batch
// messages, end-of-stream marker) held in one contiguous byte span.
//
// The input is untrusted: every flatbuffer is checked with the flatbuffers
// Verifier, every buffer's offset and length against the message body, node
// and buffer counts against the schema, validity bitmaps against null
// counts, offsets for monotonicity and bounds, utf8 columns for UTF-8,
// nesting depth (ipc::kMaxNestingDepth) and decompressed sizes (against
// the frame and IpcReadOptions). Malformed input yields an Error saying what
// was wrong; it never crashes. Compressed bodies (LZ4 frame, ZSTD) are read
// in native builds and rejected with a clear error in wasm guests. Not
// supported (each rejected with a clear error): dictionary batches and
// dictionary-encoded fields, big-endian data and the types DataType does not
// have. Streams written before Arrow
// 0.15 (no continuation word) are accepted; a stream that ends at a message
// boundary without the end marker is treated as complete, as Arrow does.
//
// Memory: arrays returned by next() are zero-copy views into `bytes`. The
// caller keeps `bytes` alive while they are in use — or passes `owner`, an
// object that owns the bytes, which every returned Buffer then shares.
// Decompressed buffers are fresh allocations owned by the arrays.
// Thread-compatible; move-only.
//
//   auto reader = IpcStreamReader::open(bytes);
//   if (!reader) return reader.error();
//   while (true) {
//     auto batch = reader->next();
//     if (!batch) return batch.error();
//     if (!*batch) break;  // end of stream
//     use(**batch);
//   }
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "portable/arrow/record_batch.hpp"
#include "portable/arrow/schema.hpp"
#include "portable/arrow/status.hpp"

namespace rapidbyte::arrow {

struct IpcReadOptions {
  // Most bytes the compressed buffers of one record batch may decompress to;
  // a batch claiming more is rejected before anything is allocated.
  int64_t max_decompressed_batch_bytes = int64_t{4} << 30;
};

class IpcStreamReader {
 public:
  // Reads the schema message. Fails when the stream does not start with a
  // valid schema message.
  static Result<IpcStreamReader> open(std::span<const uint8_t> bytes,
                                      std::shared_ptr<const void> owner = nullptr,
                                      IpcReadOptions options = {});

  IpcStreamReader(IpcStreamReader&&) noexcept = default;
  IpcStreamReader& operator=(IpcStreamReader&&) noexcept = default;

  const std::shared_ptr<const Schema>& schema() const { return schema_; }

  // The next record batch, nullopt at the end of the stream, or an Error
  // (which is then returned by every later call too).
  Result<std::optional<RecordBatch>> next();

  // Bytes consumed so far.
  size_t position() const { return pos_; }

  // From the next batch on, returns only the fields at `columns` (indexes
  // into schema(), ascending, no repeats), under batch_schema(). The other
  // fields' buffers are still bounds-checked against the message body but
  // never validated (offsets, UTF-8) or exposed: a consumer that reads a
  // few columns of wide batches skips the cost of checking the rest.
  // Fails when an index is out of range or out of order.
  Result<void> project(std::vector<int> columns);

  // The schema of the batches next() returns: schema(), or its projection.
  const std::shared_ptr<const Schema>& batch_schema() const {
    return projection_ ? projected_schema_ : schema_;
  }

 private:
  struct Message;

  IpcStreamReader(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner,
                  IpcReadOptions options)
      : bytes_(bytes), owner_(std::move(owner)), options_(options) {}

  // Reads the framing and verified metadata of the next message; nullopt at
  // the end of the stream.
  Result<std::optional<Message>> read_message();
  Result<RecordBatch> decode_record_batch(const void* record_batch, std::span<const uint8_t> body);

  std::span<const uint8_t> bytes_;
  std::shared_ptr<const void> owner_;
  IpcReadOptions options_;
  size_t pos_ = 0;
  std::shared_ptr<const Schema> schema_;
  std::optional<std::vector<int>> projection_;  // see project()
  std::shared_ptr<const Schema> projected_schema_;
  std::vector<uint64_t> aligned_metadata_;  // metadata copy when input is misaligned
  std::optional<Error> error_;
  bool done_ = false;
};

// Every batch of a complete stream, with its schema.
struct IpcStreamContents {
  std::shared_ptr<const Schema> schema;
  std::vector<RecordBatch> batches;
};
Result<IpcStreamContents> read_ipc_stream(std::span<const uint8_t> bytes,
                                          std::shared_ptr<const void> owner = nullptr,
                                          IpcReadOptions options = {});

}  // namespace rapidbyte::arrow
