// TextRows: the rows of one CSV or JSON Lines file as text cells, and the
// schema a stream's text files are read with.
//
// CSV: the header names the columns (without one: column1, column2, ...);
// an unquoted field equal to null_string (default: empty) is NULL, a quoted
// one never is. JSON Lines: one object per line; its keys name the columns
// (in the order they first appear in the sample), a missing key or null is
// NULL, strings, numbers and booleans are read as their text, and nested
// objects and arrays as JSON text. Either way the cells are then typed
// (text_values.hpp). A record that cannot be a row — a ragged CSV record,
// a line that is not a JSON object — comes back as a refusal naming its
// line, for the stream's on_data_error.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/source-file/text_input.hpp"
#include "portable/text/csv_records.hpp"
#include "portable/text/text_values.hpp"

namespace rapidbyte::connectors::source_file {

using text::CsvDialect;
using text::CsvRecord;
using text::CsvRecords;
using text::infer_text_type;
using text::text_type_named;
using text::TextBatchBuilder;
using text::TextCell;
using text::TextType;

// A result of the text library as the connector's: a malformed file is a
// data error (BAD_FILE).
template <class T>
sdk::Result<T> as_data_result(arrow::Result<T> result) {
  if (!result) return sdk::data_error(result.error().message, "BAD_FILE");
  return std::move(*result);
}

enum class TextFormat : uint8_t { kCsv, kJsonLines };

struct TextOptions {
  TextFormat format = TextFormat::kCsv;
  CsvDialect dialect;
  bool header = true;
  std::string null_string;
  // Column types given in the config; the others are inferred.
  std::map<std::string, TextType> columns;
  // Records sampled to infer names and types.
  size_t infer_rows = 1000;
};

// One record: its cells (in the schema's column order), or why it is not a
// row.
struct TextRow {
  std::vector<std::optional<std::string>> cells;
  std::optional<std::string> refusal;
  uint64_t line = 0;
};

class TextRows {
 public:
  // The records of `file`, which messages call `name`.
  static sdk::Result<std::unique_ptr<TextRows>> open(std::string name,
                                                     std::unique_ptr<parquet::InputFile> file,
                                                     const TextOptions& options);

  // The names of the file's columns: the CSV header, or the keys of the
  // sampled JSON objects. Known after open().
  const std::vector<std::string>& names() const { return names_; }

  // The next record, laid out by `columns` (names of the stream's schema);
  // false at the end of the file.
  sdk::Result<bool> next(const std::vector<std::string>& columns, TextRow& row);

 private:
  TextRows(std::unique_ptr<TextInput> input, const TextOptions& options);
  sdk::Result<void> start();
  // The next record as named cells, before laying it out.
  sdk::Result<bool> read_record(TextRow& row, std::vector<std::string>& keys);
  sdk::Result<bool> next_line(std::string& line);

  std::unique_ptr<TextInput> input_;
  const TextOptions& options_;
  std::optional<CsvRecords> csv_;
  CsvRecord record_;
  std::vector<std::string> names_;
  // JSON Lines: records sampled in start() (to learn the keys), handed out
  // first.
  std::vector<std::pair<TextRow, std::vector<std::string>>> sampled_;
  size_t sampled_next_ = 0;
  std::string buffer_;
  size_t pos_ = 0;
  bool ended_ = false;
  uint64_t line_ = 0;
};

// The schema of a stream's text files: the names of the first file (whose
// records `rows` reads, from the start), each typed by `columns` or
// inferred from its first infer_rows records.
sdk::Result<std::pair<std::shared_ptr<const arrow::Schema>, std::vector<TextType>>> text_schema(
    TextRows& rows, const TextOptions& options);

}  // namespace rapidbyte::connectors::source_file
