#include "guest/connectors/source-file/text_rows.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "portable/base/try.hpp"

namespace rapidbyte::connectors::source_file {
namespace {

constexpr size_t kRead = 1u << 20;

// A JSON value as the text of its cell; nullopt for null.
std::optional<std::string> cell_text(const rapidjson::Value& value) {
  if (value.IsNull()) return std::nullopt;
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return std::string(value.GetBool() ? "true" : "false");
  rapidjson::StringBuffer text;
  rapidjson::Writer<rapidjson::StringBuffer> writer(text);
  value.Accept(writer);
  return std::string(text.GetString(), text.GetSize());
}

}  // namespace

TextRows::TextRows(std::unique_ptr<TextInput> input, const TextOptions& options)
    : input_(std::move(input)), options_(options) {}

sdk::Result<std::unique_ptr<TextRows>> TextRows::open(std::string name,
                                                      std::unique_ptr<parquet::InputFile> file,
                                                      const TextOptions& options) {
  auto rows = std::unique_ptr<TextRows>(
      new TextRows(TextInput::open(std::move(name), std::move(file)), options));
  RB_TRY(rows->start());
  return rows;
}

sdk::Result<void> TextRows::start() {
  if (options_.format == TextFormat::kCsv) {
    csv_.emplace(*input_, options_.dialect);
    if (options_.header) {
      RB_ASSIGN_OR_RETURN(auto any, as_data_result(csv_->next(record_)));
      if (any) names_ = record_.fields;
      return {};
    }
    // Without a header, the first record says how many columns there are
    // (column1, column2, ...); it is handed out first.
    std::pair<TextRow, std::vector<std::string>> first;
    RB_ASSIGN_OR_RETURN(auto any, read_record(first.first, first.second));
    if (!any) return {};
    for (size_t i = 1; i <= first.first.cells.size(); ++i) {
      names_.push_back("column" + std::to_string(i));
    }
    sampled_.push_back(std::move(first));
    return {};
  }
  // JSON Lines: the keys of the sampled objects, in first-appearance order.
  while (sampled_.size() < options_.infer_rows) {
    std::pair<TextRow, std::vector<std::string>> sample;
    RB_ASSIGN_OR_RETURN(auto any, read_record(sample.first, sample.second));
    if (!any) break;
    for (const std::string& key : sample.second) {
      if (std::find(names_.begin(), names_.end(), key) == names_.end()) names_.push_back(key);
    }
    sampled_.push_back(std::move(sample));
  }
  return {};
}

sdk::Result<bool> TextRows::next_line(std::string& line) {
  for (;;) {
    const size_t end = buffer_.find('\n', pos_);
    if (end != std::string::npos || ended_) {
      if (pos_ >= buffer_.size() && ended_) return false;
      const size_t stop = end == std::string::npos ? buffer_.size() : end;
      line.assign(buffer_, pos_, stop - pos_);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      pos_ = stop + 1;
      ++line_;
      return true;
    }
    buffer_.erase(0, pos_);
    pos_ = 0;
    RB_ASSIGN_OR_RETURN(auto n, as_data_result(input_->read(buffer_, kRead)));
    if (n == 0) ended_ = true;
    if (line_ == 0 && !ended_ && buffer_.size() < 3) continue;  // to see a byte order mark
    if (line_ == 0 && buffer_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }
}

sdk::Result<bool> TextRows::read_record(TextRow& row, std::vector<std::string>& keys) {
  row.cells.clear();
  row.refusal.reset();
  keys.clear();
  if (csv_) {
    for (;;) {
      RB_ASSIGN_OR_RETURN(auto any, as_data_result(csv_->next(record_)));
      if (!any) return false;
      // A blank line is no record.
      if (record_.fields.size() == 1 && record_.fields[0].empty() && !record_.quoted[0]) continue;
      break;
    }
    row.line = record_.line;
    for (size_t i = 0; i < record_.fields.size(); ++i) {
      const bool null = !record_.quoted[i] && record_.fields[i] == options_.null_string;
      // Moved, not copied: the record's fields are made anew for each record.
      row.cells.push_back(null ? std::nullopt
                               : std::optional<std::string>(std::move(record_.fields[i])));
    }
    return true;
  }
  std::string line;
  for (;;) {
    RB_ASSIGN_OR_RETURN(auto any, next_line(line));
    if (!any) return false;
    if (line.find_first_not_of(" \t") != std::string::npos) break;
  }
  row.line = line_;
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    row.refusal = doc.HasParseError() ? std::string("not JSON: ") +
                                            rapidjson::GetParseError_En(doc.GetParseError()) +
                                            " at offset " + std::to_string(doc.GetErrorOffset())
                                      : std::string("not a JSON object");
    return true;
  }
  for (const auto& member : doc.GetObject()) {
    keys.emplace_back(member.name.GetString(), member.name.GetStringLength());
    row.cells.push_back(cell_text(member.value));
  }
  return true;
}

sdk::Result<bool> TextRows::next(const std::vector<std::string>& columns, TextRow& row) {
  TextRow raw;
  std::vector<std::string> keys;
  if (sampled_next_ < sampled_.size()) {
    raw = std::move(sampled_[sampled_next_].first);
    keys = std::move(sampled_[sampled_next_].second);
    ++sampled_next_;
  } else {
    RB_ASSIGN_OR_RETURN(auto any, read_record(raw, keys));
    if (!any) return false;
  }
  row.line = raw.line;
  row.refusal = std::move(raw.refusal);
  row.cells.assign(columns.size(), std::nullopt);
  if (row.refusal) return true;
  if (csv_) {
    // Fields by position, named by the header (or column1, ...).
    if (raw.cells.size() != names_.size()) {
      row.refusal = "has " + std::to_string(raw.cells.size()) + " fields; " +
                    (options_.header ? "the header has " : "the first record has ") +
                    std::to_string(names_.size());
      return true;
    }
    for (size_t i = 0; i < raw.cells.size(); ++i) {
      const auto it = std::find(columns.begin(), columns.end(), names_[i]);
      if (it != columns.end()) {
        row.cells[static_cast<size_t>(it - columns.begin())] = std::move(raw.cells[i]);
      }
    }
    return true;
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto it = std::find(columns.begin(), columns.end(), keys[i]);
    if (it != columns.end())
      row.cells[static_cast<size_t>(it - columns.begin())] = std::move(raw.cells[i]);
  }
  return true;
}

sdk::Result<std::pair<std::shared_ptr<const arrow::Schema>, std::vector<TextType>>> text_schema(
    TextRows& rows, const TextOptions& options) {
  std::vector<std::string> names = rows.names();
  std::vector<std::vector<std::string>> samples;
  TextRow row;
  for (size_t n = 0; n < options.infer_rows; ++n) {
    RB_ASSIGN_OR_RETURN(auto any, rows.next(names, row));
    if (!any) break;
    if (row.refusal) continue;
    samples.resize(names.size());
    for (size_t c = 0; c < names.size(); ++c) {
      if (row.cells[c]) samples[c].push_back(*row.cells[c]);
    }
  }
  samples.resize(names.size());
  std::vector<arrow::Field> fields;
  std::vector<TextType> types;
  for (size_t c = 0; c < names.size(); ++c) {
    const auto given = options.columns.find(names[c]);
    types.push_back(given != options.columns.end() ? given->second : infer_text_type(samples[c]));
    fields.push_back(arrow::field(names[c], types.back().arrow_type()));
  }
  return std::make_pair(std::make_shared<const arrow::Schema>(std::move(fields)), std::move(types));
}

}  // namespace rapidbyte::connectors::source_file
