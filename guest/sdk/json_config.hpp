// JsonConfig: a connector's configuration, parsed once in `open`, with typed
// getters whose errors are config errors naming the offending field.
//
// The host has already validated the config against the manifest's JSON
// Schema, so these checks are a second line of defence and a convenience for
// defaults. Owns the parsed document; values returned by root() and
// member() point into it. Built on rapidjson, which works without
// exceptions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "guest/sdk/error.hpp"

namespace rapidbyte::sdk {

class JsonConfig {
 public:
  // Parses `json`; fails with a config error unless it is a JSON object.
  static Result<JsonConfig> parse(std::string_view json);

  JsonConfig(JsonConfig&&) = default;
  JsonConfig& operator=(JsonConfig&&) = default;

  const rapidjson::Value& root() const { return doc_; }

  // The member `field`, or nullptr when absent or null.
  const rapidjson::Value* member(const char* field) const;

  // Each getter returns `fallback` when the field is absent or null and a
  // config error when it has the wrong type.
  Result<uint64_t> get_u64(const char* field, uint64_t fallback) const;
  Result<int64_t> get_i64(const char* field, int64_t fallback) const;
  Result<double> get_double(const char* field, double fallback) const;
  Result<bool> get_bool(const char* field, bool fallback) const;
  Result<std::string> get_string(const char* field, std::string_view fallback) const;
  // A string of exactly one character (a CSV delimiter).
  Result<char> get_char(const char* field, char fallback) const;

  // A string field that must be present.
  Result<std::string> require_string(const char* field) const;

 private:
  JsonConfig() = default;

  rapidjson::Document doc_;
};

}  // namespace rapidbyte::sdk
