// libFuzzer target for whole Parquet files: the input is the file, opened
// with FileReader and read row group by row group (footer, schema, pages,
// levels, dictionaries, values, every codec). Seeded with files the writer
// wrote. A crash, over-read (ASan) or runaway allocation is a bug; errors
// are the expected outcome.
#include <cstddef>
#include <cstdint>
#include "portable/parquet/file_reader.hpp"
#include "portable/parquet/memory_file.hpp"

using namespace rapidbyte;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  parquet::MemoryInput input({data, size});
  auto reader = parquet::FileReader::open(input);
  if (!reader) return 0;
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->read_row_group(g);
    if (!batch) continue;
    // What the reader built must be valid Arrow.
    for (const auto& column : batch->columns()) {
      if (!column.validate()) __builtin_trap();
    }
  }
  return 0;
}
