// BatchTransform: a Transform that works one record batch at a time. Its
// `run` is the SDK's, the same for every transform: it takes each incoming
// Arrow IPC stream (one batch_next), decodes it, hands every record batch to
// transform_batch, emits what the stream comes to (see BatchOutput) and
// counts records, bytes and batches in and out for the run's summary. A
// transform overrides transform_batch, and the hooks it needs:
//
//   begin_run(ctx, request)           once per run, before any input: the
//                                     stream's name and policies
//   begin_stream(ctx, reader, at)     per incoming IPC stream, before its
//                                     first record batch is decoded: e.g.
//                                     reader.project() to decode only the
//                                     columns the transform reads
//   transform_batch(ctx, batch, at, out)
//                                     per record batch: kUnchanged, or
//                                     kReplaced by what it appended to `out`
//   end_run(ctx)                      once per run, also when it fails:
//                                     e.g. metrics of the whole run
//
// What is emitted per incoming stream:
//   - every batch kUnchanged: the incoming bytes as they came, not encoded
//     again — a transform that rarely changes anything costs little more
//     than forwarding;
//   - otherwise one IPC stream of the unchanged batches and the appended
//     ones, in order;
//   - nothing when the stream had no record batch, or when it had rows and
//     the transform removed all of them (unless emit_emptied_streams). A
//     stream that came with zero rows goes on: it carries the schema.
//
//   class Upper final : public sdk::BatchTransform {
//    public:
//     sdk::Result<void> open(std::string_view config_json) override;
//
//    private:
//     sdk::Result<sdk::BatchVerdict> transform_batch(sdk::Context& ctx,
//                                                    const arrow::RecordBatch& batch,
//                                                    const sdk::BatchPosition& at,
//                                                    sdk::BatchOutput& out) override {
//       RB_TRY(out.append(upper_case(batch)));
//       return sdk::BatchVerdict::kReplaced;
//     }
//   };
//   RAPIDBYTE_EXPORT_TRANSFORM(Upper)
#pragma once

#include <cstdint>
#include <span>

#include "guest/sdk/batch_output.hpp"
#include "guest/sdk/connector.hpp"
#include "guest/sdk/context.hpp"
#include "guest/sdk/error.hpp"
#include "guest/sdk/host_bytes.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::sdk {

// Where a record batch sits, for error messages (the engine prefixes the
// stream's name) and dead letters.
struct BatchPosition {
  uint64_t batch = 0;                   // the incoming IPC stream, 0-based over the run
  uint64_t first_row = 0;               // rows of the run's stream before this batch
  std::span<const uint8_t> bytes = {};  // the incoming IPC stream holding it
  int record_batch = 0;                 // its index among that stream's record batches
};

// What transform_batch did with a record batch.
enum class BatchVerdict {
  kUnchanged,  // it goes on as it came
  kReplaced,   // by what was appended to the BatchOutput, possibly nothing
};

struct BatchTransformOptions {
  // False: no record batch is decoded. Every incoming stream is emitted as
  // it came, its rows counted from the IPC metadata alone
  // (portable/arrow/ipc_census.hpp); begin_stream and transform_batch are never
  // called. For a transform that forwards everything (transform-passthrough):
  // decoding would cost more than the forwarding.
  bool decode = true;
  // True: a stream whose rows the transform all removed is still emitted,
  // with the output's schema and no rows, so that downstream sees the schema
  // (transform-sql, whose WHERE may pass no row). By default it is dropped.
  bool emit_emptied_streams = false;
};

class BatchTransform : public Transform {
 public:
  Result<protocol::RunSummary> run(Context& ctx, const protocol::RunRequest& request) final;

 protected:
  explicit BatchTransform(BatchTransformOptions options = {}) : options_(options) {}

  // Once per run, before the first batch_next. The default does nothing.
  virtual Result<void> begin_run(Context& ctx, const protocol::RunRequest& request);

  // Per incoming IPC stream, once `reader` has read its schema and before
  // the first record batch is decoded; `at` is the stream's first batch.
  // The default does nothing.
  virtual Result<void> begin_stream(Context& ctx, arrow::IpcStreamReader& reader,
                                    const BatchPosition& at);

  // Per record batch, in order. `batch` and `at.bytes` are valid during the
  // call (views into the incoming bytes; keep a copy, not them). Returns
  // kUnchanged to pass it on as it came, or kReplaced after appending its
  // replacement (zero or more batches) to `out`. An error fails the run.
  // The default passes every batch unchanged.
  virtual Result<BatchVerdict> transform_batch(Context& ctx, const arrow::RecordBatch& batch,
                                               const BatchPosition& at, BatchOutput& out);

  // Once per run, after the last stream or the error that ended the run.
  // The default does nothing.
  virtual void end_run(Context& ctx);

 private:
  Result<protocol::TransformSummary> run_streams(Context& ctx);
  // One incoming stream, without decoding it (options_.decode false).
  Result<void> forward_stream(Context& ctx, const HostBytes& bytes,
                              protocol::TransformSummary& summary);
  // One incoming stream through transform_batch.
  Result<void> transform_stream(Context& ctx, const HostBytes& bytes,
                                protocol::TransformSummary& summary);
  Result<void> transform_batches(Context& ctx, arrow::IpcStreamReader& reader, BatchPosition at,
                                 protocol::TransformSummary& summary);

  BatchTransformOptions options_;
  BatchOutput output_;  // of the current stream
};

}  // namespace rapidbyte::sdk
