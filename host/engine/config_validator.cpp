// valijson's rapidjson adapter defines RAPIDJSON_ASSERT, so it comes before
// any other rapidjson include in this file.
#include <valijson/adapters/rapidjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "host/engine/config_validator.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <exception>

namespace rapidbyte::engine {

namespace {

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

}  // namespace

std::vector<std::string> validate_config(const std::string& config_json,
                                         const std::string& schema_json) {
  rapidjson::Document schema_doc;
  schema_doc.Parse(schema_json.c_str());
  if (schema_doc.HasParseError()) {
    return {std::string("connector manifest: config_schema is not valid JSON: ") +
            rapidjson::GetParseError_En(schema_doc.GetParseError())};
  }
  rapidjson::Document config_doc;
  config_doc.Parse(config_json.c_str());
  if (config_doc.HasParseError()) {
    return {std::string("config: not valid JSON: ") +
            rapidjson::GetParseError_En(config_doc.GetParseError())};
  }
  valijson::Schema schema;
  try {
    valijson::SchemaParser parser;
    valijson::adapters::RapidJsonAdapter schema_adapter(schema_doc);
    parser.populateSchema(schema_adapter, schema);
  } catch (const std::exception& e) {
    return {std::string("connector manifest: config_schema is not a usable JSON Schema: ") +
            e.what()};
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::RapidJsonAdapter config_adapter(config_doc);
  std::vector<std::string> violations;
  if (!validator.validate(schema, config_adapter, &results)) {
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      // valijson also reports each failing property again at its parent;
      // the property's own message says everything.
      if (error.description.starts_with(
              "Failed to validate against schema associated with property")) {
        continue;
      }
      violations.push_back(path_of(error.context) + ": " + error.description);
    }
  }
  return violations;
}

}  // namespace rapidbyte::engine
