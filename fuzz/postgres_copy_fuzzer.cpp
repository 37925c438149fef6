// libFuzzer target for binary COPY as the server sends it: the input is the
// tuple part of a COPY stream (the target adds the signature and header) for
// a table with a column of every codec family, fed to CopyBinaryDecoder in
// chunks whose size the first input byte picks (its top bit: batches keep
// runs of equal int4 values whole, as an incremental read's do). Every decoded batch is
// encoded back with CopyBinaryEncoder. A crash or over-read (ASan) is a bug;
// data errors are the expected outcome.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"
#include "portable/postgres/copy_binary_encoder.hpp"

using namespace rapidbyte;
using namespace rapidbyte::postgres;

namespace {

constexpr uint32_t kInt4Array = 1007;
constexpr int32_t kNumeric10_2 = ((10 << 16) | 2) + 4;  // atttypmod of numeric(10, 2)

std::vector<ColumnSpec> columns() {
  const std::vector<PgColumnType> types = {{oid::kInt2},
                                           {oid::kInt4},
                                           {oid::kInt8},
                                           {oid::kFloat4},
                                           {oid::kFloat8},
                                           {oid::kBool},
                                           {oid::kText},
                                           {oid::kBytea},
                                           {oid::kJsonb},
                                           {oid::kUuid},
                                           {oid::kDate},
                                           {oid::kTime},
                                           {oid::kTimetz},
                                           {oid::kTimestamp},
                                           {oid::kTimestamptz},
                                           {oid::kInterval},
                                           {oid::kNumeric, kNumeric10_2},
                                           {oid::kNumeric},
                                           {oid::kInet},
                                           {kInt4Array}};
  std::vector<ColumnSpec> specs;
  for (size_t i = 0; i < types.size(); ++i) specs.push_back({"c" + std::to_string(i), types[i]});
  return specs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  static const uint8_t kHeader[19] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n',
                                      0,   0,   0,   0,   0,   0,   0,    0,    0};
  std::vector<uint8_t> stream(kHeader, kHeader + sizeof kHeader);
  stream.insert(stream.end(), data + 1, data + size);

  const std::vector<ColumnSpec> specs = columns();
  Result<ArrowBatchBuilder> builder = ArrowBatchBuilder::make(specs);
  if (!builder) __builtin_trap();  // every type above has a codec
  std::vector<PgColumnType> types;
  for (const ColumnSpec& spec : specs) types.push_back(spec.type);
  Result<CopyBinaryEncoder> encoder = CopyBinaryEncoder::make(types);
  if (!encoder) __builtin_trap();

  std::vector<uint8_t> encoded;
  CopyBinaryDecoder decoder(
      std::move(*builder),
      CopyBatchLimits{.max_rows = 3, .target_bytes = 4096, .max_record_bytes = 1 << 16},
      [&](arrow::RecordBatch batch) -> Result<void> {
        encoded.clear();
        (void)encoder->encode(batch, encoded);
        return {};
      });
  if (data[0] & 0x80) {
    decoder.keep_runs_whole({.column = 1,
                             .same =
                                 [](RunColumn::Value a, RunColumn::Value b) {
                                   if (!a || !b) return !a && !b;
                                   return std::ranges::equal(*a, *b);
                                 },
                             .max_bytes = 8192});
  }
  // Several chunks per feed, as Connection::copy_out_chunks hands them over.
  std::vector<std::span<const uint8_t>> chunks;
  for (size_t at = 0; at < stream.size(); at += chunk) {
    chunks.push_back(std::span(stream).subspan(at, std::min(chunk, stream.size() - at)));
    if (chunks.size() == 3 || at + chunk >= stream.size()) {
      if (!decoder.feed(chunks)) return 0;
      chunks.clear();
    }
  }
  (void)decoder.finish();
  return 0;
}
