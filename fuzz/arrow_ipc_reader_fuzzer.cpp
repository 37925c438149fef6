// libFuzzer target: the Arrow IPC stream reader on arbitrary bytes. Every
// input must either fail with an Error or yield batches that are safe to
// read in full — AddressSanitizer catches any out-of-bounds access, and
// touching every value (through the pretty printer and the checksum) makes
// sure the reader's validation covers what readers of its arrays rely on.
// Each input is read twice: whole, and projected to every other field.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "portable/arrow/checksum.hpp"
#include "portable/arrow/ipc_census.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/pretty_print.hpp"

using namespace rapidbyte::arrow;

namespace {

// Reads the stream; with `every_other`, projected to the fields at even
// indexes (the others are skipped unvalidated, and must stay unreachable).
void read_all(std::span<const uint8_t> bytes, bool every_other) {
  // A small decompression budget keeps lying length prefixes from spending
  // the fuzzer's memory limit.
  IpcReadOptions options;
  options.max_decompressed_batch_bytes = 16 << 20;
  auto reader = IpcStreamReader::open(bytes, nullptr, options);
  if (!reader) return;
  if (every_other) {
    std::vector<int> columns;
    for (int i = 0; i < reader->schema()->num_fields(); i += 2) columns.push_back(i);
    if (!reader->project(std::move(columns))) __builtin_trap();
  }
  IpcStreamWriter writer(reader->batch_schema());
  for (int batches = 0; batches < 64; ++batches) {
    auto batch = reader->next();
    if (!batch || !*batch) break;
    const RecordBatch& b = **batch;
    // A batch with no columns, or only null-type ones, has no buffers to
    // bound its length, so the reader accepts any (as Arrow does); walking
    // 2^53 such rows would only spend the fuzzer's time and memory. Fuzz
    // inputs are too small for buffers of this many rows.
    constexpr int64_t kMaxRowsWalked = int64_t{1} << 20;
    std::string text;
    if (b.num_rows() <= kMaxRowsWalked) {
      content_checksum(b);
      append_json_lines(b, text);
    }
    TableOptions table;
    table.max_rows = 50;
    text = format_table(b, table);
    // What the reader accepted, the writer must be able to write back.
    if (!writer.write(b)) __builtin_trap();
  }
}

// The metadata-only census (portable/arrow/ipc_census.hpp) on the same
// bytes: it must not crash, and on a stream the reader reads whole it must
// count the rows the reader decodes.
void census_agrees(std::span<const uint8_t> bytes) {
  auto census = census_ipc_stream(bytes);
  IpcReadOptions options;
  options.max_decompressed_batch_bytes = 16 << 20;
  auto contents = read_ipc_stream(bytes, nullptr, options);
  if (!census || !contents) return;
  uint64_t rows = 0;
  for (const auto& batch : contents->batches) rows += static_cast<uint64_t>(batch.num_rows());
  if (census->rows != rows || census->batches != contents->batches.size()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  read_all(std::span<const uint8_t>(data, size), false);
  read_all(std::span<const uint8_t>(data, size), true);
  census_agrees(std::span<const uint8_t>(data, size));
  return 0;
}
