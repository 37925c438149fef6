// Checks a connector's config against the JSON Schema in its manifest before
// the guest ever runs, and lists every violation with where it is.
#pragma once

#include <string>
#include <vector>

namespace rapidbyte::engine {

// Every violation of `schema_json` by `config_json`, as "<path>: <what>"
// (path like "config.rows"). Empty when the config is valid. A schema that is
// itself malformed is reported as one violation.
std::vector<std::string> validate_config(const std::string& config_json,
                                         const std::string& schema_json);

}  // namespace rapidbyte::engine
