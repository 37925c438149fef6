// IpcStreamWriter: encodes record batches in the Arrow IPC streaming format
// (https://arrow.apache.org/docs/format/Columnar.html#ipc-streaming-format):
// a schema message, one message per record batch, and the end-of-stream
// marker. Each message is the 0xFFFFFFFF continuation word, the metadata
// length, flatbuffers metadata padded to 8 bytes, then the body, whose
// buffers each start on an 8-byte boundary. Any Arrow reader (pyarrow,
// arrow-rs, Arrow C++) can read the result.
//
// Memory: the writer appends to one std::vector<uint8_t> it owns (pass a
// cleared vector in to reuse its capacity). Each body buffer is copied once,
// straight from the arrays into that vector; slices are re-based on the way
// (bitmaps shifted, offsets made zero-based, list children cut to the
// elements the slice uses). With IpcWriteOptions::compression each buffer is
// compressed on its own (LZ4 frame or ZSTD, native builds only; in a wasm
// guest write() then fails) behind its int64 uncompressed length, or stored
// raw behind -1 when compression would not shrink it, as the spec allows.
// Thread-compatible; move-only.
//
//   IpcStreamWriter writer(schema);
//   if (auto ok = writer.write(batch); !ok) return ok.error();
//   std::vector<uint8_t> bytes = writer.finish();
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "portable/arrow/compression.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/arrow/schema.hpp"
#include "portable/arrow/status.hpp"

namespace flatbuffers {
class FlatBufferBuilder;
}

namespace rapidbyte::arrow {

struct IpcWriteOptions {
  // Body compression of record batches; kNone writes plain buffers.
  Compression compression = Compression::kNone;
};

class IpcStreamWriter {
 public:
  // Appends the schema message to `out` right away.
  explicit IpcStreamWriter(std::shared_ptr<const Schema> schema, std::vector<uint8_t> out = {},
                           IpcWriteOptions options = {});
  explicit IpcStreamWriter(const Schema& schema, std::vector<uint8_t> out = {},
                           IpcWriteOptions options = {});
  ~IpcStreamWriter();
  IpcStreamWriter(IpcStreamWriter&&) noexcept;
  IpcStreamWriter& operator=(IpcStreamWriter&&) noexcept;

  const std::shared_ptr<const Schema>& schema() const { return schema_; }

  // Appends one record batch message. Fails when the batch's schema differs
  // from the writer's (names, types, nullability), after finish(), or when
  // compression was asked for and fails or is not available.
  Result<void> write(const RecordBatch& batch);

  // Appends the end-of-stream marker and returns every byte written. The
  // writer accepts no more batches afterwards.
  std::vector<uint8_t> finish();

  // The bytes written so far (a valid stream prefix, without end marker).
  const std::vector<uint8_t>& bytes() const { return out_; }
  int64_t num_batches() const { return num_batches_; }

 private:
  void write_schema_message();

  std::shared_ptr<const Schema> schema_;
  IpcWriteOptions options_;
  std::vector<uint8_t> out_;
  std::vector<uint8_t> scratch_;          // one uncompressed buffer
  std::vector<uint8_t> compressed_body_;  // the body being compressed
  std::unique_ptr<flatbuffers::FlatBufferBuilder> fbb_;
  int64_t num_batches_ = 0;
  bool finished_ = false;
};

// The complete stream (schema, `batches`, end marker) in one call.
// REQUIRES: every batch has `schema`'s fields.
Result<std::vector<uint8_t>> write_ipc_stream(std::shared_ptr<const Schema> schema,
                                              const std::vector<RecordBatch>& batches,
                                              IpcWriteOptions options = {});

}  // namespace rapidbyte::arrow
