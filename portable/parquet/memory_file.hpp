// Parquet files in memory: a writer's output collected in a vector, and a
// reader's input from bytes already loaded (a whole object fetched, a fuzz
// input, a test's file).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "portable/parquet/file_reader.hpp"
#include "portable/parquet/file_writer.hpp"

namespace rapidbyte::parquet {

class MemoryOutput : public OutputStream {
 public:
  Result<void> write(std::span<const uint8_t> bytes) override {
    data.insert(data.end(), bytes.begin(), bytes.end());
    return {};
  }
  std::vector<uint8_t> data;
};

// Reads `bytes`, which must outlive it.
class MemoryInput final : public InputFile {
 public:
  explicit MemoryInput(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  Result<uint64_t> size() override { return bytes_.size(); }
  Result<void> read_at(uint64_t offset, std::span<uint8_t> out) override {
    if (offset > bytes_.size() || out.size() > bytes_.size() - offset) {
      return arrow::make_error("read past the end");
    }
    if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset, out.size());
    return {};
  }

 private:
  std::span<const uint8_t> bytes_;
};

}  // namespace rapidbyte::parquet
