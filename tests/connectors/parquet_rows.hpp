// The rows of Parquet files as JSON lines (our reader), and of the source
// table, for tests that compare what a destination wrote with the source
// row for row.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "portable/arrow/pretty_print.hpp"
#include "portable/parquet/file_reader.hpp"
#include "portable/parquet/memory_file.hpp"
#include "tests/support/libpq_session.hpp"

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

// The rows of `table` (id, payload, seen) as add_parquet_rows gives them.
inline std::multiset<std::string> payload_table_rows(LibpqSession& db, const std::string& table) {
  std::multiset<std::string> rows;
  for (const auto& row :
       db.query("SELECT json_build_object('id', id, 'payload', payload, 'seen', seen)::text FROM " +
                table)) {
    std::string text = *row[0];
    text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
    rows.insert(std::move(text));
  }
  return rows;
}

// Expects `written` to hold exactly the rows of `source`; with
// `whole_copies`, one or more whole copies of them (a full refresh's
// append that runs killed before or after publishing wrote).
inline void expect_source_rows(const std::multiset<std::string>& written,
                               const std::multiset<std::string>& source, bool whole_copies) {
  if (!whole_copies) {
    EXPECT_EQ(written, source);
    return;
  }
  const size_t copies = source.empty() ? 0 : written.size() / source.size();
  EXPECT_GE(copies, 1u);
  for (const auto& row : source) ASSERT_EQ(written.count(row), copies) << row;
  EXPECT_EQ(written.size(), copies * source.size());
}

}  // namespace rapidbyte::test
