#include "guest/sdk/json_config.hpp"

#include <rapidjson/error/en.h>

namespace rapidbyte::sdk {

namespace {

std::unexpected<protocol::ConnectorError> wrong_type(const char* field, const char* expected) {
  return config_error(std::string("config field '") + field + "' must be " + expected,
                      "CONFIG_INVALID_FIELD");
}

}  // namespace

Result<JsonConfig> JsonConfig::parse(std::string_view json) {
  JsonConfig config;
  config.doc_.Parse(json.data(), json.size());
  if (config.doc_.HasParseError()) {
    return config_error(std::string("config is not valid JSON: ") +
                            rapidjson::GetParseError_En(config.doc_.GetParseError()) +
                            " at offset " + std::to_string(config.doc_.GetErrorOffset()),
                        "CONFIG_INVALID_JSON");
  }
  if (!config.doc_.IsObject())
    return config_error("config must be a JSON object", "CONFIG_INVALID_JSON");
  return config;
}

const rapidjson::Value* JsonConfig::member(const char* field) const {
  auto it = doc_.FindMember(field);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

Result<uint64_t> JsonConfig::get_u64(const char* field, uint64_t fallback) const {
  const rapidjson::Value* v = member(field);
  if (v == nullptr) return fallback;
  if (!v->IsUint64()) return wrong_type(field, "a non-negative integer");
  return v->GetUint64();
}

Result<int64_t> JsonConfig::get_i64(const char* field, int64_t fallback) const {
  const rapidjson::Value* v = member(field);
  if (v == nullptr) return fallback;
  if (!v->IsInt64()) return wrong_type(field, "an integer");
  return v->GetInt64();
}

Result<double> JsonConfig::get_double(const char* field, double fallback) const {
  const rapidjson::Value* v = member(field);
  if (v == nullptr) return fallback;
  if (!v->IsNumber()) return wrong_type(field, "a number");
  return v->GetDouble();
}

Result<bool> JsonConfig::get_bool(const char* field, bool fallback) const {
  const rapidjson::Value* v = member(field);
  if (v == nullptr) return fallback;
  if (!v->IsBool()) return wrong_type(field, "a boolean");
  return v->GetBool();
}

Result<std::string> JsonConfig::get_string(const char* field, std::string_view fallback) const {
  const rapidjson::Value* v = member(field);
  if (v == nullptr) return std::string(fallback);
  if (!v->IsString()) return wrong_type(field, "a string");
  return std::string(v->GetString(), v->GetStringLength());
}

Result<char> JsonConfig::get_char(const char* field, char fallback) const {
  auto text = get_string(field, std::string_view(&fallback, 1));
  if (!text) return std::unexpected(text.error());
  if (text->size() != 1) {
    return config_error(std::string("config field '") + field + "' must be one character; got '" +
                        *text + "'");
  }
  return (*text)[0];
}

Result<std::string> JsonConfig::require_string(const char* field) const {
  if (member(field) == nullptr) {
    return config_error(std::string("config field '") + field + "' is required",
                        "CONFIG_MISSING_FIELD");
  }
  return get_string(field, {});
}

}  // namespace rapidbyte::sdk
