// The rows of Parquet files as JSON lines (our reader), for tests that
// compare what a destination wrote with the source row for row.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "portable/arrow/pretty_print.hpp"
#include "portable/parquet/file_reader.hpp"
#include "portable/parquet/memory_file.hpp"

namespace rapidbyte::test {

// Adds every row of the Parquet file `bytes` (named `name` in failures;
// the file must be whole) to `rows`.
inline void add_parquet_rows(const std::string& name, const std::vector<uint8_t>& bytes,
                             std::multiset<std::string>& rows) {
  parquet::MemoryInput input(bytes);
  auto reader = parquet::FileReader::open(input);
  EXPECT_TRUE(reader) << name << ": " << reader.error().message;
  if (!reader) return;
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->read_row_group(g);
    EXPECT_TRUE(batch) << name << ": " << batch.error().message;
    if (!batch) continue;
    std::string lines;
    arrow::append_json_lines(*batch, lines);
    for (size_t pos = 0; pos < lines.size();) {
      const size_t end = lines.find('\n', pos);
      rows.insert(lines.substr(pos, end - pos));
      pos = end + 1;
    }
  }
}

}  // namespace rapidbyte::test
