// Pretty printing of record batches, for `rapidbyte run --dry-run` and for
// debugging: a terminal table, and JSON lines (one object per row). Values
// are rendered by ValueFormatter (see value_formatter.hpp for each type).
//
//   +----+-------+----------------------+
//   | id | name  | created_at           |
//   +----+-------+----------------------+
//   |  1 | alice | 2024-01-02T03:04:05Z |
//   | 22 | NULL  | NULL                 |
//   +----+-------+----------------------+
//   (2 rows)
//
// Pure functions: they read the batch and return or append text the caller
// owns. Thread-safe for concurrent calls on shared batches.
#pragma once

#include <cstdint>
#include <string>

#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::arrow {

struct TableOptions {
  // Cells (and headers) longer than this many characters are cut and end in
  // "…". REQUIRES: >= 1.
  int max_cell_width = 40;
  // Rows shown; the footer says how many were left out. Negative: all.
  int64_t max_rows = -1;
  // Adds a header line with each column's type.
  bool show_types = false;
};

// The batch as an aligned text table with a header, NULL for nulls, numbers
// right-aligned, and a "(N rows)" footer. Widths count code points, not
// bytes, so UTF-8 text lines up.
std::string format_table(const RecordBatch& batch, const TableOptions& options = {});

// Appends one JSON object per row, keys in schema order, each line ending in
// '\n'.
void append_json_lines(const RecordBatch& batch, std::string& out);

// Row `row` as one JSON object, keys in schema order, without a newline
// (what dead letters record). REQUIRES: 0 <= row < batch.num_rows().
std::string row_json(const RecordBatch& batch, int64_t row);

}  // namespace rapidbyte::arrow
