// `rapidbyte connectors <name>`: the config schema as a table, and the
// command itself.
#include "host/cli/config_schema_table.hpp"

#include <gtest/gtest.h>

#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace rapidbyte::test {
namespace {

TEST(ConfigSchemaTable, KeysTypesDefaultsAndAllowedValues) {
  EXPECT_EQ(cli::config_schema_table(R"({
    "type": "object", "required": ["host"],
    "properties": {
      "host": {"type": "string", "minLength": 1, "description": "Server host."},
      "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 5432},
      "mode": {"enum": ["a", "b"], "default": "a"},
      "tags": {"type": "array", "items": {"type": "string"}},
      "names": {"type": "object", "additionalProperties": {"type": "string"}},
      "on": {"type": "boolean"}}})"),
            "config:\n"
            "  key    type               default  required  description\n"
            "  host   string             -        yes       Server host; not empty\n"
            "  port   integer            5432               from 1 to 65535\n"
            "  mode   one of             a                  values: a | b\n"
            "  tags   list of string     -\n"
            "  names  mapping of string  -\n"
            "  on     true/false         -\n");
  EXPECT_EQ(cli::config_schema_table(R"({"type": "object"})"), "config: takes no keys\n");
  EXPECT_EQ(cli::config_schema_table("{nope"), "config: (schema is not valid JSON)\n");
}

TEST(ConnectorsCommand, ShowsEveryConnectorOfTheNameAndSuggestsOnATypo) {
  auto both = run_command(
      {RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "connectors", "postgres"});
  EXPECT_EQ(both.exit_code, 0) << both.output;
  EXPECT_NE(both.output.find("dest-postgres 0.1.0 (destination)"), std::string::npos);
  EXPECT_NE(both.output.find("source-postgres 0.1.0 (source)"), std::string::npos);
  EXPECT_NE(both.output.find("  sslmode             one of"), std::string::npos) << both.output;
  auto typo = run_command(
      {RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "connectors", "postgrs"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_TRUE(
      typo.output.starts_with("error: no connector 'postgrs'; did you mean 'postgres'? "
                              "(found: "))
      << typo.output;
}

// The first listing compiles every module, which takes seconds: it says so,
// once.
TEST(ConnectorsCommand, SaysWhenItCompilesModules) {
  const TempDir cache("aot-note");
  const std::string command = "RAPIDBYTE_CACHE_DIR=" + cache.path().string() + " " +
                              RAPIDBYTE_BINARY + " connectors >/dev/null";
  auto first = run_command({"sh", "-c", command});
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_TRUE(first.output.starts_with("note: compiled ")) << first.output;
  EXPECT_NE(first.output.find(" connector modules for this machine in "), std::string::npos)
      << first.output;
  auto again = run_command({"sh", "-c", command});
  EXPECT_EQ(again.output, "");
}

}  // namespace
}  // namespace rapidbyte::test
