// libFuzzer target: the Arrow IPC stream reader on arbitrary bytes. Every
// input must either fail with an Error or yield batches that are safe to
// read in full — AddressSanitizer catches any out-of-bounds access, and
// touching every value (through the pretty printer and the checksum) makes
// sure the reader's validation covers what readers of its arrays rely on.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "portable/arrow/checksum.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/pretty_print.hpp"

using namespace rapidbyte::arrow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A small decompression budget keeps lying length prefixes from spending
  // the fuzzer's memory limit.
  IpcReadOptions options;
  options.max_decompressed_batch_bytes = 16 << 20;
  auto reader = IpcStreamReader::open(std::span<const uint8_t>(data, size), nullptr, options);
  if (!reader) return 0;
  IpcStreamWriter writer(reader->schema());
  for (int batches = 0; batches < 64; ++batches) {
    auto batch = reader->next();
    if (!batch || !*batch) break;
    const RecordBatch& b = **batch;
    content_checksum(b);
    std::string text;
    append_json_lines(b, text);
    TableOptions table;
    table.max_rows = 50;
    text = format_table(b, table);
    // What the reader accepted, the writer must be able to write back.
    if (!writer.write(b)) __builtin_trap();
  }
  return 0;
}
