// valijson's rapidjson adapter defines RAPIDJSON_ASSERT, so it comes before
// any other rapidjson include in this file.
#include <valijson/adapters/rapidjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "host/engine/config_validator.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>
#include <exception>
#include <regex>

#include "host/engine/closest_name.hpp"
#include "portable/base/join.hpp"

namespace rapidbyte::engine {

namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// valijson's context is a list like ["<root>", "[rows]"]; make it a path.
std::string path_of(const std::vector<std::string>& context) {
  std::string path = "config";
  for (const auto& part : context) {
    if (part == "<root>") continue;
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      const std::string inner = part.substr(1, part.size() - 2);
      const bool index =
          !inner.empty() && inner.find_first_not_of("0123456789") == std::string::npos;
      path += index ? part : "." + inner;
    } else {
      path += "." + part;
    }
  }
  return path;
}

std::string to_json_text(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

// The schema's "type", as a list ("string", or ["string", "null"]).
std::vector<std::string> schema_types(const Value& schema) {
  std::vector<std::string> types;
  if (!schema.IsObject() || !schema.HasMember("type")) return types;
  const Value& type = schema["type"];
  if (type.IsString()) types.emplace_back(type.GetString());
  if (type.IsArray()) {
    for (const auto& t : type.GetArray()) {
      if (t.IsString()) types.emplace_back(t.GetString());
    }
  }
  return types;
}

bool has_type(const std::vector<std::string>& types, std::string_view type) {
  return std::ranges::find(types, type) != types.end();
}

bool is_of_type(const Value& value, std::string_view type) {
  if (type == "string") return value.IsString();
  if (type == "integer") return value.IsInt64() || value.IsUint64();
  if (type == "number") return value.IsNumber();
  if (type == "boolean") return value.IsBool();
  if (type == "object") return value.IsObject();
  if (type == "array") return value.IsArray();
  if (type == "null") return value.IsNull();
  return true;  // a type this reading does not know: valijson decides
}

const Value* member(const Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// The schema of `key` inside an object of schema `schema`: its property,
// else additionalProperties when that is a schema.
const Value* property_schema(const Value& schema, const std::string& key) {
  if (const Value* properties = member(schema, "properties")) {
    if (const Value* p = member(*properties, key.c_str())) return p;
  }
  const Value* additional = member(schema, "additionalProperties");
  return additional && additional->IsObject() ? additional : nullptr;
}

std::string child_path(const std::string& path, const std::string& key) {
  return path + "." + key;
}
std::string item_path(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// ---- typing -----------------------------------------------------------------

void type_scalar(Value& value, const std::vector<std::string>& types, const std::string& path,
                 const ConfigSources& sources, Allocator& allocator) {
  for (const auto& t : types) {
    if (is_of_type(value, t)) return;
  }
  if (value.IsString()) {
    const std::string text = value.GetString();
    static const std::regex kInt(R"(-?(0|[1-9][0-9]*))");
    static const std::regex kFloat(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
    errno = 0;
    if (has_type(types, "integer") && std::regex_match(text, kInt)) {
      if (text[0] == '-') {
        const long long v = std::strtoll(text.c_str(), nullptr, 10);
        if (errno == 0) value.SetInt64(v);
      } else {
        const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
        if (errno == 0) value.SetUint64(v);
      }
    } else if (has_type(types, "number") && std::regex_match(text, kFloat)) {
      value.SetDouble(std::strtod(text.c_str(), nullptr));
    } else if (has_type(types, "boolean") && (text == "true" || text == "false")) {
      value.SetBool(text == "true");
    }
    return;
  }
  if ((value.IsNumber() || value.IsBool()) && has_type(types, "string")) {
    auto source = sources.find(path);
    const std::string text = source != sources.end() && !source->second.text.empty()
                                 ? source->second.text
                                 : to_json_text(value);
    value.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), allocator);
  }
}

void type_by_schema(Value& value, const Value& schema, const std::string& path,
                    const ConfigSources& sources, Allocator& allocator) {
  if (!schema.IsObject()) return;
  if (value.IsObject()) {
    for (auto& m : value.GetObject()) {
      const std::string key(m.name.GetString(), m.name.GetStringLength());
      if (const Value* s = property_schema(schema, key))
        type_by_schema(m.value, *s, child_path(path, key), sources, allocator);
    }
    return;
  }
  if (value.IsArray()) {
    const Value* items = member(schema, "items");
    if (!items || !items->IsObject()) return;
    size_t i = 0;
    for (auto& item : value.GetArray())
      type_by_schema(item, *items, item_path(path, i++), sources, allocator);
    return;
  }
  const auto types = schema_types(schema);
  if (!types.empty()) type_scalar(value, types, path, sources, allocator);
}

// ---- checking ---------------------------------------------------------------

std::string type_phrase(const std::string& type) {
  if (type == "string") return "a string";
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  if (type == "boolean") return "true or false";
  if (type == "object") return "a mapping";
  if (type == "array") return "a list";
  return type;
}

size_t code_points(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// Walks a config along its schema, collecting readable violations.
class Checker {
 public:
  explicit Checker(const ConfigSources& sources) : sources_(sources) {}

  void check(const Value& value, const Value& schema, const std::string& path) {
    if (!schema.IsObject()) return;
    const auto types = schema_types(schema);
    if (!types.empty() &&
        std::ranges::none_of(types, [&](const auto& t) { return is_of_type(value, t); })) {
      std::vector<std::string> phrases;
      phrases.reserve(types.size());
      for (const auto& t : types) phrases.push_back(type_phrase(t));
      add(path, "must be " + join(phrases, " or ") + ", got " + shown(value, path));
      return;
    }
    check_enum(value, schema, path);
    if (value.IsNumber()) check_bounds(value, schema, path);
    if (value.IsString()) check_length(value, schema, path);
    if (value.IsArray()) check_items(value, schema, path);
    if (value.IsObject()) check_members(value, schema, path);
  }

  std::vector<std::string> take() && { return std::move(violations_); }

 private:
  void check_enum(const Value& value, const Value& schema, const std::string& path) {
    const Value* allowed = member(schema, "enum");
    if (!allowed || !allowed->IsArray()) return;
    std::vector<std::string> names;
    for (const auto& a : allowed->GetArray()) {
      if (a == value) return;
      names.push_back(a.IsString() ? a.GetString() : to_json_text(a));
    }
    const std::string hint = value.IsString() ? did_you_mean(value.GetString(), names) : "";
    add(path, "must be one of: " + join(names) + "; got " + shown(value, path) + hint);
  }

  void check_bounds(const Value& value, const Value& schema, const std::string& path) {
    const double v = value.GetDouble();
    const Value* minimum = member(schema, "minimum");
    const Value* maximum = member(schema, "maximum");
    if (minimum && minimum->IsNumber() && v < minimum->GetDouble()) {
      add(path, "must be at least " + to_json_text(*minimum) + ", got " + shown(value, path));
    }
    if (maximum && maximum->IsNumber() && v > maximum->GetDouble()) {
      add(path, "must be at most " + to_json_text(*maximum) + ", got " + shown(value, path));
    }
  }

  void check_length(const Value& value, const Value& schema, const std::string& path) {
    const size_t n = code_points({value.GetString(), value.GetStringLength()});
    const Value* min = member(schema, "minLength");
    const Value* max = member(schema, "maxLength");
    if (min && min->IsUint64() && n < min->GetUint64()) {
      add(path, min->GetUint64() == 1 ? "must not be empty"
                                      : fmt::format("must be at least {} characters, got {}",
                                                    min->GetUint64(), shown(value, path)));
    }
    if (max && max->IsUint64() && n > max->GetUint64()) {
      add(path, fmt::format("must be at most {} characters, got {}", max->GetUint64(), n));
    }
  }

  void check_items(const Value& value, const Value& schema, const std::string& path) {
    const Value* min = member(schema, "minItems");
    const Value* max = member(schema, "maxItems");
    const size_t n = value.Size();
    if (min && min->IsUint64() && n < min->GetUint64()) {
      add(path, fmt::format("must have at least {} entries, got {}", min->GetUint64(), n));
    }
    if (max && max->IsUint64() && n > max->GetUint64()) {
      add(path, fmt::format("must have at most {} entries, got {}", max->GetUint64(), n));
    }
    const Value* items = member(schema, "items");
    if (!items || !items->IsObject()) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i)
      check(value[i], *items, item_path(path, i));
  }

  void check_members(const Value& value, const Value& schema, const std::string& path) {
    if (const Value* required = member(schema, "required"); required && required->IsArray()) {
      for (const auto& key : required->GetArray()) {
        if (key.IsString() && !value.HasMember(key.GetString()))
          add(child_path(path, key.GetString()), "missing (required)");
      }
    }
    const Value* properties = member(schema, "properties");
    const Value* additional = member(schema, "additionalProperties");
    const bool closed = additional && additional->IsBool() && !additional->GetBool();
    std::vector<std::string> known;
    if (properties && properties->IsObject()) {
      for (const auto& p : properties->GetObject()) known.emplace_back(p.name.GetString());
    }
    for (const auto& m : value.GetObject()) {
      const std::string key(m.name.GetString(), m.name.GetStringLength());
      if (const Value* s = property_schema(schema, key)) {
        check(m.value, *s, child_path(path, key));
      } else if (closed) {
        add(child_path(path, key), known.empty()
                                       ? "unknown key (the connector takes no keys here)"
                                       : "unknown key (expected one of: " + join(known, ", ") +
                                             ")" + did_you_mean(key, known));
      }
    }
  }

  // The value as the pipeline wrote it.
  std::string shown(const Value& value, const std::string& path) const {
    if (value.IsObject()) return "a mapping";
    if (value.IsArray()) return "a list";
    if (value.IsNull()) return "nothing";
    auto source = sources_.find(path);
    if (source != sources_.end() && !source->second.text.empty())
      return "'" + source->second.text + "'";
    return value.IsString() ? "'" + std::string(value.GetString()) + "'" : to_json_text(value);
  }

  // "config.port (line 7)", from the nearest path that has a line.
  std::string located(const std::string& path) const {
    for (std::string p = path; !p.empty();) {
      if (auto it = sources_.find(p); it != sources_.end() && it->second.line > 0)
        return path + " (line " + std::to_string(it->second.line) + ")";
      const size_t cut = p.find_last_of(".[");
      if (cut == std::string::npos) break;
      p.resize(cut);
    }
    return path;
  }

  void add(const std::string& path, const std::string& what) {
    violations_.push_back(located(path) + ": " + what);
  }

  const ConfigSources& sources_;
  std::vector<std::string> violations_;
};

// Everything valijson finds (every keyword), for what the Checker does not
// read; messages are valijson's.
std::vector<std::string> full_schema_violations(const Value& config,
                                                const valijson::Schema& schema) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::RapidJsonAdapter config_adapter(config);
  std::vector<std::string> violations;
  if (validator.validate(schema, config_adapter, &results)) return violations;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    // valijson also reports each failing property again at its parent;
    // the property's own message says everything.
    if (error.description.starts_with("Failed to validate against schema associated with property"))
      continue;
    violations.push_back(path_of(error.context) + ": " + error.description);
  }
  return violations;
}

}  // namespace

CheckedConfig check_config(const std::string& config_json, const std::string& schema_json,
                           const ConfigSources& sources) {
  CheckedConfig out{config_json, {}};
  rapidjson::Document schema_doc;
  schema_doc.Parse(schema_json.c_str());
  if (schema_doc.HasParseError()) {
    out.violations.push_back(std::string("connector manifest: config_schema is not valid JSON: ") +
                             rapidjson::GetParseError_En(schema_doc.GetParseError()));
    return out;
  }
  rapidjson::Document config_doc;
  config_doc.Parse(config_json.c_str());
  if (config_doc.HasParseError()) {
    out.violations.push_back(std::string("config: not valid JSON: ") +
                             rapidjson::GetParseError_En(config_doc.GetParseError()));
    return out;
  }
  valijson::Schema schema;
  try {
    valijson::SchemaParser parser;
    valijson::adapters::RapidJsonAdapter schema_adapter(schema_doc);
    parser.populateSchema(schema_adapter, schema);
  } catch (const std::exception& e) {
    out.violations.push_back(
        std::string("connector manifest: config_schema is not a usable JSON Schema: ") + e.what());
    return out;
  }
  type_by_schema(config_doc, schema_doc, "config", sources, config_doc.GetAllocator());
  out.json = to_json_text(config_doc);
  Checker checker(sources);
  checker.check(config_doc, schema_doc, "config");
  out.violations = std::move(checker).take();
  if (out.violations.empty()) out.violations = full_schema_violations(config_doc, schema);
  return out;
}

}  // namespace rapidbyte::engine
