#include "host/cli/state_printer.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "host/cli/report_printer.hpp"
#include "host/engine/state/cursor_codec.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::cli {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// A cell fits on one line of at most `width` characters: control characters
// (newlines in error messages) become spaces, and a longer text ends in
// "...". Counted in bytes: a cut may fall inside a UTF-8 sequence only at
// the very end, where a terminal shows one replacement character.
std::string cell(std::string_view text, size_t width) {
  std::string out;
  for (char c : text) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  if (out.size() > width) out = out.substr(0, width - 3) + "...";
  return out;
}

// Columns padded to their widest cell; no line ends in blanks.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render(const std::string& indent = "") const {
    std::vector<size_t> widths(rows_.front().size(), 0);
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows_) {
      out += indent;
      for (size_t i = 0; i < row.size(); ++i) {
        out += i + 1 < row.size() ? fmt::format("{:<{}}  ", row[i], widths[i]) : row[i];
      }
      out.erase(out.find_last_not_of(' ') + 1);
      out += "\n";
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

void key_string(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// The value, or null when it is absent (empty, for texts where empty means
// absent).
void key_string_or_null(JsonWriter& w, const char* key, const std::optional<std::string>& value) {
  w.Key(key);
  if (value) {
    w.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
  } else {
    w.Null();
  }
}
std::optional<std::string> unless_empty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

std::string finished(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ".
std::optional<time_t> parse_iso8601(const std::string& text) {
  tm t{};
  char zone = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &t.tm_year, &t.tm_mon, &t.tm_mday,
                  &t.tm_hour, &t.tm_min, &t.tm_sec, &zone) != 7 ||
      zone != 'Z') {
    return std::nullopt;
  }
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return timegm(&t);
}

}  // namespace

std::string elapsed_between(const std::string& started_at, const std::string& finished_at) {
  const auto start = parse_iso8601(started_at);
  const auto end = parse_iso8601(finished_at);
  if (!start || !end || *end < *start) return "";
  const auto s = static_cast<long long>(*end - *start);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m{:02}s", s / 3600, s / 60 % 60, s % 60);
}

std::string state_text(const engine::PipelineState& state) {
  if (state.empty()) return "no state: the next run starts from scratch\n";
  std::string out;
  if (!state.cursors.empty()) {
    TextTable table({"STREAM", "CURSOR FIELD", "TYPE", "VALUE", "UPDATED"});
    for (const auto& c : state.cursors) {
      table.add({c.stream, c.cursor.cursor_field.value_or("-"),
                 std::string(engine::cursor_type_name(c.cursor.value)),
                 cell(engine::describe_cursor_value(c.cursor.value), 60), c.updated_at});
    }
    out += "cursors:\n" + table.render("  ");
  }
  if (!state.connector_state.empty()) {
    TextTable table({"KEY", "UPDATED", "VALUE"});
    for (const auto& e : state.connector_state) table.add({e.key, e.updated_at, cell(e.value, 80)});
    out += "connector state:\n" + table.render("  ");
  }
  return out;
}

std::string state_json(const engine::PipelineState& state) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("cursors");
  w.StartArray();
  for (const auto& c : state.cursors) {
    w.StartObject();
    key_string(w, "stream", c.stream);
    key_string_or_null(w, "cursor_field", c.cursor.cursor_field);
    key_string(w, "type", engine::cursor_type_name(c.cursor.value));
    key_string(w, "value", engine::describe_cursor_value(c.cursor.value));
    key_string(w, "updated_at", c.updated_at);
    w.EndObject();
  }
  w.EndArray();
  w.Key("connector_state");
  w.StartArray();
  for (const auto& e : state.connector_state) {
    w.StartObject();
    key_string(w, "key", e.key);
    key_string(w, "value", e.value);
    key_string(w, "updated_at", e.updated_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return finished(buffer);
}

std::string runs_text(const std::vector<engine::RunRecord>& runs) {
  if (runs.empty()) return "no runs recorded\n";
  TextTable table({"RUN", "STATUS", "STARTED", "DURATION", "RECORDS", "BYTES", "ERROR"});
  for (const auto& r : runs) {
    const std::string duration =
        r.finished_at.empty() ? "-" : elapsed_between(r.started_at, r.finished_at);
    table.add({std::to_string(r.id), std::string(engine::run_status_name(r.status)), r.started_at,
               duration.empty() ? "-" : duration, std::to_string(r.records), human_bytes(r.bytes),
               r.error.empty() ? "" : cell(r.error, 80)});
  }
  return table.render();
}

std::string runs_json(const std::vector<engine::RunRecord>& runs) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const auto& r : runs) {
    w.StartObject();
    w.Key("run_id");
    w.Int64(r.id);
    key_string(w, "status", engine::run_status_name(r.status));
    key_string(w, "started_at", r.started_at);
    key_string_or_null(w, "finished_at", unless_empty(r.finished_at));
    w.Key("records");
    w.Uint64(r.records);
    w.Key("bytes");
    w.Uint64(r.bytes);
    key_string_or_null(w, "error", unless_empty(r.error));
    w.EndObject();
  }
  w.EndArray();
  return finished(buffer);
}

std::string dead_letters_text(const std::vector<engine::DlqEntry>& entries) {
  TextTable table({"ID", "RUN", "STREAM", "CREATED", "ERROR", "RECORD"});
  for (const auto& e : entries) {
    const auto& error = e.record.error;
    table.add({std::to_string(e.id), std::to_string(e.run_id), e.record.stream_name, e.created_at,
               cell(error.code + ": " + error.message, 60), cell(e.record.record_json, 60)});
  }
  return table.render();
}

std::string dead_letters_json_lines(const std::vector<engine::DlqEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("id");
    w.Int64(e.id);
    w.Key("run_id");
    w.Int64(e.run_id);
    key_string(w, "stream", e.record.stream_name);
    key_string(w, "created_at", e.created_at);
    w.Key("error");
    w.StartObject();
    key_string(w, "code", e.record.error.code);
    key_string(w, "category", protocol::category_name(e.record.error.category));
    key_string(w, "message", e.record.error.message);
    w.EndObject();
    w.Key("record");
    // The record as the JSON object it is; a record that is not valid JSON
    // (never written so, but the store is not trusted) as a string.
    rapidjson::Document record;
    record.Parse(e.record.record_json.c_str(), e.record.record_json.size());
    if (record.HasParseError()) {
      w.String(e.record.record_json.c_str(),
               static_cast<rapidjson::SizeType>(e.record.record_json.size()));
    } else {
      record.Accept(w);
    }
    w.EndObject();
    out += finished(buffer) + "\n";
  }
  return out;
}

}  // namespace rapidbyte::cli
