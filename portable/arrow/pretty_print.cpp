#include "portable/arrow/pretty_print.hpp"

#include <algorithm>
#include <memory>
#include <string_view>
#include <vector>

#include "portable/arrow/value_formatter.hpp"

namespace rapidbyte::arrow {
namespace {

// Code points in UTF-8 text (continuation bytes do not count).
int64_t display_width(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// `s` cut to at most `width` code points, ending in "…" when cut.
std::string truncate(std::string s, int64_t width) {
  if (display_width(s) <= width) return s;
  int64_t kept = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && kept++ == width - 1) break;
  }
  s.resize(i);
  return s + "\xE2\x80\xA6";  // …
}

void append_padded(std::string& out, const std::string& cell, int64_t width, bool right) {
  const std::string pad(static_cast<size_t>(width - display_width(cell)), ' ');
  out += ' ';
  out += right ? pad + cell : cell + pad;
  out += " |";
}

}  // namespace

std::string format_table(const RecordBatch& batch, const TableOptions& options) {
  const int columns = batch.num_columns();
  const int64_t width_limit = std::max(options.max_cell_width, 1);
  const int64_t shown =
      options.max_rows < 0 ? batch.num_rows() : std::min(options.max_rows, batch.num_rows());

  // Header lines, then one line per row; cells[line][column].
  std::vector<std::vector<std::string>> cells;
  std::vector<bool> right(static_cast<size_t>(columns));
  const int header_lines = options.show_types ? 2 : 1;
  cells.resize(static_cast<size_t>(header_lines + shown), std::vector<std::string>(columns));
  for (int c = 0; c < columns; ++c) {
    const Field& f = batch.schema()->field(c);
    ValueFormatter formatter(f, batch.column(c));
    right[static_cast<size_t>(c)] = formatter.is_numeric();
    cells[0][c] = truncate(f.name, width_limit);
    if (options.show_types) cells[1][c] = truncate(f.type.to_string(), width_limit);
    for (int64_t r = 0; r < shown; ++r) {
      std::string text;
      formatter.append_text(r, text);
      cells[static_cast<size_t>(header_lines + r)][c] = truncate(std::move(text), width_limit);
    }
  }
  std::vector<int64_t> widths(static_cast<size_t>(columns), 1);
  for (const auto& line : cells) {
    for (int c = 0; c < columns; ++c) {
      widths[c] = std::max(widths[c], display_width(line[c]));
    }
  }

  std::string rule = "+";
  for (int64_t w : widths) rule += std::string(static_cast<size_t>(w + 2), '-') + "+";
  rule += '\n';
  std::string out = rule;
  for (size_t line = 0; line < cells.size(); ++line) {
    out += '|';
    for (int c = 0; c < columns; ++c) {
      const bool is_header = line < static_cast<size_t>(header_lines);
      append_padded(out, cells[line][c], widths[c], !is_header && right[c]);
    }
    out += '\n';
    if (line + 1 == static_cast<size_t>(header_lines)) out += rule;
  }
  out += rule;
  if (shown < batch.num_rows()) {
    out += "(showing " + std::to_string(shown) + " of " + std::to_string(batch.num_rows()) +
           " rows)\n";
  } else {
    out +=
        "(" + std::to_string(batch.num_rows()) + (batch.num_rows() == 1 ? " row)\n" : " rows)\n");
  }
  return out;
}

void append_json_lines(const RecordBatch& batch, std::string& out) {
  const int columns = batch.num_columns();
  std::vector<std::unique_ptr<ValueFormatter>> formatters;
  std::vector<std::string> keys;
  for (int c = 0; c < columns; ++c) {
    const Field& f = batch.schema()->field(c);
    formatters.push_back(std::make_unique<ValueFormatter>(f, batch.column(c)));
    std::string key;
    append_json_string(f.name, key);
    keys.push_back(key + ":");
  }
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    out += '{';
    for (int c = 0; c < columns; ++c) {
      if (c > 0) out += ',';
      out += keys[c];
      formatters[c]->append_json(r, out);
    }
    out += "}\n";
  }
}

std::string row_json(const RecordBatch& batch, int64_t row) {
  std::string out;
  append_json_lines(batch.slice(row, 1), out);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace rapidbyte::arrow
