#include "host/cli/config_schema_table.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <vector>

#include "portable/base/join.hpp"

namespace rapidbyte::cli {

namespace {

using rapidjson::Value;

std::string json_text(const Value& value) {
  if (value.IsString()) return value.GetString();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

// "string", "integer", "one of", "mapping of string", "list of string".
std::string type_of(const Value& schema) {
  if (!schema.IsObject()) return "any";
  if (schema.HasMember("enum")) return "one of";
  if (!schema.HasMember("type")) return "any";
  const Value& type = schema["type"];
  if (!type.IsString()) return json_text(type);
  std::string name = type.GetString();
  if (name == "object") {
    const auto values = schema.FindMember("additionalProperties");
    return values != schema.MemberEnd() && values->value.IsObject()
               ? "mapping of " + type_of(values->value)
               : "mapping";
  }
  if (name == "array") {
    const auto items = schema.FindMember("items");
    return items != schema.MemberEnd() ? "list of " + type_of(items->value) : "list";
  }
  if (name == "boolean") return "true/false";
  return name;
}

// The description, then what values are allowed.
std::string notes_of(const Value& schema) {
  std::vector<std::string> notes;
  if (schema.HasMember("description") && schema["description"].IsString()) {
    std::string description = schema["description"].GetString();
    if (description.ends_with('.')) description.pop_back();  // the notes go on after it
    notes.push_back(std::move(description));
  }
  if (schema.HasMember("enum") && schema["enum"].IsArray()) {
    std::string values;
    for (const auto& v : schema["enum"].GetArray())
      values += (values.empty() ? "" : " | ") + json_text(v);
    notes.push_back("values: " + values);
  }
  const bool has_min = schema.HasMember("minimum");
  const bool has_max = schema.HasMember("maximum");
  if (has_min && has_max) {
    notes.push_back("from " + json_text(schema["minimum"]) + " to " + json_text(schema["maximum"]));
  } else if (has_min) {
    notes.push_back("at least " + json_text(schema["minimum"]));
  } else if (has_max) {
    notes.push_back("at most " + json_text(schema["maximum"]));
  }
  if (schema.HasMember("minLength") && schema["minLength"].IsUint() &&
      schema["minLength"].GetUint() == 1) {
    notes.emplace_back("not empty");
  }
  return join(notes, "; ");
}

}  // namespace

std::string config_schema_table(const std::string& schema_json) {
  rapidjson::Document schema;
  schema.Parse(schema_json.c_str());
  if (schema.HasParseError() || !schema.IsObject()) return "config: (schema is not valid JSON)\n";
  const auto properties = schema.FindMember("properties");
  if (properties == schema.MemberEnd() || !properties->value.IsObject() ||
      properties->value.MemberCount() == 0) {
    return "config: takes no keys\n";
  }
  std::vector<std::string> required;
  if (schema.HasMember("required") && schema["required"].IsArray()) {
    for (const auto& r : schema["required"].GetArray()) {
      if (r.IsString()) required.emplace_back(r.GetString());
    }
  }
  struct Row {
    std::string key, type, fallback, needed, notes;
  };
  std::vector<Row> rows;
  size_t key_width = 3;
  size_t type_width = 4;
  size_t default_width = 7;
  for (const auto& p : properties->value.GetObject()) {
    const std::string key = p.name.GetString();
    const Value& s = p.value;
    Row row{key, type_of(s), s.IsObject() && s.HasMember("default") ? json_text(s["default"]) : "-",
            std::ranges::find(required, key) != required.end() ? "yes" : "",
            s.IsObject() ? notes_of(s) : ""};
    key_width = std::max(key_width, row.key.size());
    type_width = std::max(type_width, row.type.size());
    default_width = std::max(default_width, row.fallback.size());
    rows.push_back(std::move(row));
  }
  std::string out = fmt::format("  {:<{}}  {:<{}}  {:<{}}  {:<8}  {}\n", "key", key_width, "type",
                                type_width, "default", default_width, "required", "description");
  for (const Row& r : rows) {
    out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {:<8}  {}", r.key, key_width, r.type, type_width,
                       r.fallback, default_width, r.needed, r.notes);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
  }
  return "config:\n" + out;
}

}  // namespace rapidbyte::cli
