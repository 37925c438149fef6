// Checks a connector's config against the JSON Schema in its manifest before
// the guest ever runs, and lists every violation with where it is.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace rapidbyte::engine {

// Where one value of a connector's config was written in the pipeline file,
// and for a scalar its text after ${VAR} expansion.
struct ConfigValueSource {
  int line = 0;
  int column = 0;
  std::string text;
};
// By path below the config: "config", "config.port", "config.columns[0].name".
using ConfigSources = std::map<std::string, ConfigValueSource>;

struct CheckedConfig {
  // The config typed by the schema, as the connector gets it.
  std::string json;
  // One line per problem: "<path> (line N): <what>". Empty when valid.
  std::vector<std::string> violations;
};

// Types `config_json` by `schema_json`, then checks it. Typing: a string
// where the schema wants an integer, a number or a boolean becomes one when
// it reads as one (`port: "${PGPORT}"`), and a number or boolean where the
// schema wants a string becomes its text as written (`password: 1234`).
// Checking: the common keywords (type, enum, required, unknown keys,
// minimum/maximum, length and item bounds) give messages that name the key,
// the bad value and what is allowed, with "did you mean" for a misspelt key
// or value; the full schema is checked too, so no keyword goes unchecked.
// A schema that is itself malformed is reported as one violation.
CheckedConfig check_config(const std::string& config_json, const std::string& schema_json,
                           const ConfigSources& sources = {});

}  // namespace rapidbyte::engine
