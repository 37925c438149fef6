// `rapidbyte connectors <name>`: a connector's config schema (the JSON Schema
// in its manifest) as a table a person reads: key, type, default, whether it
// is required, and the description with the allowed values or bounds.
#pragma once

#include <string>

namespace rapidbyte::cli {

// The table of the schema's top-level properties, in the manifest's order;
// a mapping or list shows its value or item type. A schema that is not
// valid JSON, or has no properties, says so in one line.
std::string config_schema_table(const std::string& schema_json);

}  // namespace rapidbyte::cli
