// libFuzzer target for whole Parquet files: the input is the file, opened
// with FileReader and read row group by row group (footer, schema, pages,
// levels, dictionaries, values, every codec). Seeded with files the writer
// wrote. A crash, over-read (ASan) or runaway allocation is a bug; errors
// are the expected outcome.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "portable/parquet/file_reader.hpp"

using namespace rapidbyte;

namespace {

class MemoryInput final : public parquet::InputFile {
 public:
  explicit MemoryInput(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  parquet::Result<uint64_t> size() override { return bytes_.size(); }
  parquet::Result<void> read_at(uint64_t offset, std::span<uint8_t> out) override {
    if (offset > bytes_.size() || out.size() > bytes_.size() - offset) {
      return arrow::make_error("read past the end");
    }
    if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset, out.size());
    return {};
  }

 private:
  std::span<const uint8_t> bytes_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MemoryInput input({data, size});
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
