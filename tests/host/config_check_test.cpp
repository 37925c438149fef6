// check_config: a connector's config typed by its schema, and every problem
// named with its key, line, value and what is allowed.
#include <gtest/gtest.h>

#include "host/engine/config_validator.hpp"

namespace rapidbyte::engine {
namespace {

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {
    "host": {"type": "string", "minLength": 1},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "password": {"type": "string"},
    "ratio": {"type": "number"},
    "tls": {"type": "boolean"},
    "sslmode": {"enum": ["disable", "require", "verify-full"]},
    "schemas": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "columns": {"type": "array", "items": {
      "type": "object",
      "properties": {"name": {"type": "string"}, "width": {"type": "integer"}},
      "required": ["name"],
      "additionalProperties": false}}
  },
  "required": ["host"],
  "additionalProperties": false
})";

ConfigSources sources_of(std::initializer_list<std::pair<std::string, ConfigValueSource>> list) {
  return ConfigSources(list.begin(), list.end());
}

TEST(CheckConfig, TypesValuesByTheSchema) {
  // What YAML gives for `port: "${PGPORT}"`, `password: 1234`, `tls: "true"`.
  auto checked = check_config(
      R"({"host": "db", "port": "5433", "password": 1234, "ratio": "0.5", "tls": "true",)"
      R"( "columns": [{"name": 7, "width": "12"}]})",
      kSchema,
      sources_of(
          {{"config.password", {4, 13, "1234"}}, {"config.columns[0].name", {6, 9, "007"}}}));
  EXPECT_EQ(checked.violations, std::vector<std::string>{});
  EXPECT_EQ(checked.json, R"({"host":"db","port":5433,"password":"1234","ratio":0.5,"tls":true,)"
                          R"("columns":[{"name":"007","width":12}]})");
}

TEST(CheckConfig, ValuesThatDoNotReadAsTheTypeStayAndAreNamed) {
  auto checked = check_config(R"({"host": "db", "port": "fivethousand", "tls": "yes"})", kSchema,
                              sources_of({{"config", {3, 3, ""}},
                                          {"config.port", {5, 11, "fivethousand"}},
                                          {"config.tls", {6, 10, "yes"}}}));
  EXPECT_EQ(checked.violations, (std::vector<std::string>{
                                    "config.port (line 5): must be an integer, got 'fivethousand'",
                                    "config.tls (line 6): must be true or false, got 'yes'",
                                }));
}

TEST(CheckConfig, EveryProblemNamesKeyLineValueAndWhatIsAllowed) {
  auto checked = check_config(R"({"port": 70000, "sslmode": "requre", "hots": "x", "schemas": [],)"
                              R"( "columns": [{"width": 1, "nmae": "a"}]})",
                              kSchema,
                              sources_of({{"config", {2, 3, ""}},
                                          {"config.port", {3, 11, "70000"}},
                                          {"config.sslmode", {4, 14, "requre"}},
                                          {"config.hots", {5, 11, "x"}},
                                          {"config.schemas", {6, 14, ""}},
                                          {"config.columns[0]", {7, 16, ""}},
                                          {"config.columns[0].nmae", {7, 28, "a"}}}));
  EXPECT_EQ(checked.violations,
            (std::vector<std::string>{
                "config.host (line 2): missing (required)",
                "config.port (line 3): must be at most 65535, got '70000'",
                "config.sslmode (line 4): must be one of: disable, require, verify-full; got "
                "'requre'; did you mean 'require'?",
                "config.hots (line 5): unknown key (expected one of: host, port, password, ratio, "
                "tls, sslmode, schemas, columns); did you mean 'host'?",
                "config.schemas (line 6): must have at least 1 entries, got 0",
                "config.columns[0].name (line 7): missing (required)",
                "config.columns[0].nmae (line 7): unknown key (expected one of: name, width); did "
                "you mean 'name'?",
            }));
}

TEST(CheckConfig, KeywordsItDoesNotReadAreStillChecked) {
  auto checked = check_config(R"({"code": "abc"})",
                              R"({"type": "object", "properties": {"code": {"type": "string",)"
                              R"( "pattern": "^[0-9]+$"}}})");
  ASSERT_EQ(checked.violations.size(), 1u);
  EXPECT_TRUE(checked.violations[0].starts_with("config.code: ")) << checked.violations[0];
}

TEST(CheckConfig, MalformedSchemaIsOneViolation) {
  EXPECT_EQ(check_config("{}", "{not json").violations,
            std::vector<std::string>{
                "connector manifest: config_schema is not valid JSON: Missing a name for object "
                "member."});
}

}  // namespace
}  // namespace rapidbyte::engine
