// PostgreSQL -> transform-validate / transform-mask -> PostgreSQL through the
// engine: exact row sets at the destination, dead letters as the state
// backend stores them, per-rule counts in the `--json` summary of the CLI,
// and the exact errors of failing rows and bad configs.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sqlite3.h>

#include <fstream>

#include "portable/crypto/hex.hpp"
#include "portable/crypto/hmac_sha256.hpp"
#include "tests/connectors/connector_environment.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

// A PG -> PG pipeline of one stream with `transform` (a `- use: ...` item)
// between source and destination.
std::string with_transform(const std::string& yaml, const std::string& transform) {
  std::string out = yaml;
  out.insert(out.find("destination:"), "transforms:\n  " + transform + "\n");
  return out;
}

// The rules every validation test uses, with `on_fail`.
std::string validate_step(const std::string& on_fail) {
  return R"(- use: validate
    config: {"on_fail": ")" +
         on_fail + R"(", "columns": {
      "email": {"not_null": true, "regex": "^[a-z0-9.]+@[a-z0-9]+\\.[a-z]+$", "unique": true},
      "age": {"range": {"min": 0, "max": 150}},
      "plan": {"allowed": ["free", "pro"]}}})";
}

class TransformPgTest : public PgConnectorTest {
 protected:
  // Rows 2..6 each break one rule; 1, 7 and 1000 generated rows are valid.
  void create_signups(const std::string& table) {
    src().exec("CREATE TABLE " + table +
               " (id int PRIMARY KEY, email text, age int, plan text);"
               "INSERT INTO " +
               table +
               " VALUES (1, 'ann@example.com', 34, 'free'), (2, 'bob@example', 40, 'pro'),"
               " (3, NULL, 25, 'free'), (4, 'cy@example.com', 200, 'pro'),"
               " (5, 'di@example.com', 51, 'gold'), (6, 'ann@example.com', 29, 'free'),"
               " (7, 'ed@example.com', NULL, 'pro');"
               "INSERT INTO " +
               table +
               " SELECT g, 'user' || g || '@example.com', g % 90, 'free' FROM "
               "generate_series(100, 1099) g;");
  }

  // The pipeline's error when it cannot even be planned.
  std::string plan_error(const std::string& yaml) {
    auto pipeline = engine::parse_pipeline(yaml, "bad.yaml");
    if (!pipeline) return pipeline.error();
    engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
    auto backend = engine::SqliteStateBackend::open(cache_dir_ / "bad.db");
    engine::PipelineRunner runner(*engine_, catalog, **backend);
    auto report = runner.run(*pipeline);
    return report ? "planned" : report.error().message;
  }
};

// One dead letter as stored: "error_code|error_message|record_json".
std::vector<std::string> dead_letters(const std::filesystem::path& db) {
  sqlite3* handle = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open(db.c_str(), &handle) != SQLITE_OK) return {"cannot open " + db.string()};
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(handle,
                     "SELECT stream || '|' || error_code || '|' || error_message || '|' || "
                     "record_json FROM dead_letters ORDER BY id",
                     -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return out;
}

TEST_F(TransformPgTest, ValidateSendsEachFailingRowToTheDeadLetterQueueWithItsRule) {
  create_signups("signups_dlq");
  const auto dir = cache_dir_ / "validate_dlq";
  std::filesystem::create_directories(dir);
  const auto state = dir / "state.db";
  const auto pipeline = dir / "pipeline.yaml";
  std::ofstream(pipeline) << with_transform(pipeline_yaml("signups_dlq", "{name: signups_dlq}", "",
                                                          ", max_batch_bytes: 16384"),
                                            validate_step("dlq"))
                          << "state: {connection: " << state.string() << "}\n";

  // Through the CLI, for its --json summary.
  const auto result = run_command({RAPIDBYTE_BINARY, "-q", "--connector-dir",
                                   RAPIDBYTE_CONNECTOR_DIR, "run", "--json", pipeline.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string json_line = result.output.substr(result.output.find("{\"pipeline\""));
  rapidjson::Document summary;
  summary.Parse(json_line.c_str());
  ASSERT_FALSE(summary.HasParseError()) << json_line;
  EXPECT_STREQ(summary["status"].GetString(), "succeeded");
  EXPECT_EQ(summary["records"].GetUint64(), 1002u);
  EXPECT_EQ(summary["dead_letters"].GetUint64(), 5u);
  const auto& stages = summary["streams"][0]["stages"];
  ASSERT_EQ(stages.Size(), 3u);
  EXPECT_STREQ(stages[1]["connector"].GetString(), "transform-validate");
  const auto& metrics = stages[1]["metrics"];
  std::string counts;
  for (auto it = metrics.MemberBegin(); it != metrics.MemberEnd(); ++it) {
    counts +=
        std::string(it->name.GetString()) + "=" + std::to_string(it->value.GetUint64()) + "\n";
  }
  EXPECT_EQ(counts,
            "validation_failures{column=email,rule=not_null}=1\n"
            "validation_failures{column=email,rule=regex}=1\n"
            "validation_failures{column=email,rule=unique}=1\n"
            "validation_failures{column=age,rule=range}=1\n"
            "validation_failures{column=plan,rule=allowed}=1\n"
            "records_invalid=5\n");

  // Exactly the valid rows arrived.
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) || ':' || sum(id) FROM signups_dlq"), "1002:599508");
  EXPECT_EQ(d.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM signups_dlq WHERE id < 100"),
            "1,7");
  // Each failing row is a dead letter naming its rule.
  EXPECT_EQ(dead_letters(state),
            (std::vector<std::string>{
                "signups_dlq|VALIDATION_REGEX|column 'email' fails rule 'regex' "
                "(^[a-z0-9.]+@[a-z0-9]+\\.[a-z]+$)|{\"id\":2,\"email\":\"bob@example\",\"age\":40,"
                "\"plan\":\"pro\"}",
                "signups_dlq|VALIDATION_NOT_NULL|column 'email' fails rule "
                "'not_null'|{\"id\":3,\"email\":null,\"age\":25,\"plan\":\"free\"}",
                "signups_dlq|VALIDATION_RANGE|column 'age' fails rule "
                "'range'|{\"id\":4,\"email\":\"cy@example.com\",\"age\":200,\"plan\":\"pro\"}",
                "signups_dlq|VALIDATION_ALLOWED|column 'plan' fails rule "
                "'allowed'|{\"id\":5,\"email\":\"di@example.com\",\"age\":51,\"plan\":\"gold\"}",
                "signups_dlq|VALIDATION_UNIQUE|column 'email' fails rule "
                "'unique'|{\"id\":6,\"email\":\"ann@example.com\",\"age\":29,\"plan\":\"free\"}"}));
}

// Without --json the summary prints the labeled counters under the stream.
TEST_F(TransformPgTest, TextSummaryShowsFailuresPerRule) {
  src().exec(
      "CREATE TABLE codes (id int PRIMARY KEY, code text);"
      "INSERT INTO codes VALUES (1, 'AB-1'), (2, 'ab-2'), (3, NULL), (4, 'CD-22');");
  const auto dir = cache_dir_ / "text_summary";
  std::filesystem::create_directories(dir);
  const auto pipeline = dir / "pipeline.yaml";
  std::ofstream(pipeline) << with_transform(pipeline_yaml("codes", "{name: codes}"),
                                            R"(- use: validate
    config: {"on_fail": "skip", "columns": {"code": {"not_null": true, "regex": "^[A-Z]{2}-\\d$"}}})")
                          << "state: {connection: " << (dir / "state.db").string() << "}\n";
  const auto result = run_command({RAPIDBYTE_BINARY, "-q", "--connector-dir",
                                   RAPIDBYTE_CONNECTOR_DIR, "run", pipeline.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("ok      1 records, "), std::string::npos) << result.output;
  EXPECT_NE(
      result.output.find("\n  transform-validate validation_failures{column=code,rule=not_null} = "
                         "1\n  transform-validate validation_failures{column=code,rule=regex} = "
                         "2\n"),
      std::string::npos)
      << result.output;
}

TEST_F(TransformPgTest, ValidateSkipDropsFailingRowsAndCountsThem) {
  create_signups("signups_skip");
  auto report = run_pipeline(
      with_transform(pipeline_yaml("signups_skip", "{name: signups_skip}"), validate_step("skip")),
      "signups_skip");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  EXPECT_EQ(report.dead_letters(), 0u);
  const auto& validate = report.streams.at(0).stages.at(1);
  EXPECT_EQ(validate.counter("records_invalid"), 5u);
  EXPECT_EQ(validate.summary->transform->records_in, 1007u);
  EXPECT_EQ(validate.summary->transform->records_out, 1002u);
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) || ':' || sum(id) FROM signups_skip"), "1002:599508");
}

TEST_F(TransformPgTest, ValidateFailStopsTheRunAtTheFirstBadRecord) {
  create_signups("signups_fail");
  auto report = run_pipeline(
      with_transform(pipeline_yaml("signups_fail", "{name: signups_fail}"), validate_step("fail")),
      "signups_fail");
  ASSERT_FALSE(report.succeeded());
  EXPECT_EQ(report.first_error(),
            "signups_fail: transform-validate: record 2 of stream 'signups_fail': column 'email' "
            "fails rule 'regex' "
            "(^[a-z0-9.]+@[a-z0-9]+\\.[a-z]+$)");
  EXPECT_EQ(report.streams.at(0).root_error()->code, "VALIDATION_FAILED");
}

TEST_F(TransformPgTest, ValidateRangesOnDatesAndTimestamps) {
  src().exec(
      "CREATE TABLE visits (id int PRIMARY KEY, day date, at timestamptz, local_at timestamp);"
      "INSERT INTO visits VALUES"
      " (1, '2024-03-01', '2024-03-01 09:00:00+00', '2024-03-01 09:00:00'),"
      " (2, '2023-12-31', '2024-03-01 09:00:00+00', '2024-03-01 09:00:00'),"
      " (3, '2024-03-01', '2024-03-01 12:00:00.000001+02', '2024-03-01 09:00:00'),"
      " (4, '2024-03-01', '2024-03-01 12:00:00+02', '2024-03-01 23:59:59.999999'),"
      " (5, '2024-03-01', '2024-03-01 09:00:00+00', '2024-03-02 00:00:00'),"
      " (6, NULL, NULL, NULL);");
  const std::string validate = R"(- use: validate
    config: {"on_fail": "skip", "columns": {
      "day": {"range": {"min": "2024-01-01"}},
      "at": {"range": {"max": "2024-03-01T10:00:00Z"}},
      "local_at": {"range": {"max": "2024-03-01 23:59:59.999999"}}}})";
  auto report =
      run_pipeline(with_transform(pipeline_yaml("visits", "{name: visits}"), validate), "visits");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  auto d = dst();
  EXPECT_EQ(d.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM visits"), "1,4,6");
}

std::string hex_hmac(const std::string& key, const std::string& value) {
  const auto digest = crypto::hmac_sha256(
      std::span(reinterpret_cast<const uint8_t*>(key.data()), key.size()), value);
  return crypto::to_hex(digest);
}

TEST_F(TransformPgTest, MaskHashesRedactsMasksAndNullsColumns) {
  src().exec(
      "CREATE TABLE contacts (id int PRIMARY KEY, name text, email text, phone text, ssn text);"
      "INSERT INTO contacts VALUES (1, 'Ann', 'ann@example.com', '+1 555 123 4567', "
      "'078-05-1120'), (2, NULL, NULL, '12', '219-09-9999'), (3, 'Bö', 'bo@example.com', NULL, "
      "NULL);");
  ::setenv("RB_TEST_MASK_SALT", "pepper-7f3a", 1);
  const std::string mask = R"(- use: mask
    config: {"salt": "${RB_TEST_MASK_SALT}", "columns": {
      "id": {"method": "hash"},
      "name": {"method": "redact", "value": "[redacted]"},
      "email": {"method": "hash"},
      "phone": {"method": "partial", "keep_last": 4, "mask_char": "x"},
      "ssn": {"method": "null"}}})";
  auto report =
      run_pipeline(with_transform(pipeline_yaml("contacts", "{name: contacts}"), mask), "contacts");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  auto d = dst();
  const std::string salt = "pepper-7f3a";
  EXPECT_EQ(
      d.query("SELECT id, name, email, phone, ssn FROM contacts ORDER BY length(phone) DESC NULLS "
              "LAST"),
      (std::vector<TextRow>{{hex_hmac(salt, "1"), "[redacted]", hex_hmac(salt, "ann@example.com"),
                             "xxxxxxxxxxx4567", std::nullopt},
                            {hex_hmac(salt, "2"), std::nullopt, std::nullopt, "xx", std::nullopt},
                            {hex_hmac(salt, "3"), "[redacted]", hex_hmac(salt, "bo@example.com"),
                             std::nullopt, std::nullopt}}));
  // The hashed integer id became text; the nulled ssn kept its type.
  EXPECT_EQ(d.value("SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY "
                    "ordinal_position) FROM information_schema.columns WHERE table_name = "
                    "'contacts'"),
            "id text, name text, email text, phone text, ssn text");
}

// The salt is a secret: not in the summary, the logs (-vv) or an error.
TEST_F(TransformPgTest, MaskNeverPrintsItsSalt) {
  src().exec(
      "CREATE TABLE secrets (id int PRIMARY KEY, email text);"
      "INSERT INTO secrets VALUES (1, 'a@b.c');");
  const auto dir = cache_dir_ / "mask_salt";
  std::filesystem::create_directories(dir);
  ::setenv("RB_TEST_SECRET_SALT", "s3cr3t-salt-value", 1);
  for (const std::string column : {"email", "nosuch"}) {
    const auto pipeline = dir / ("pipeline_" + column + ".yaml");
    std::ofstream(pipeline) << with_transform(pipeline_yaml("secrets", "{name: secrets}"),
                                              R"(- use: mask
    config: {"salt": "${RB_TEST_SECRET_SALT}", "columns": {")" +
                                                  column + R"(": {"method": "hash"}}})")
                            << "state: {connection: " << (dir / "state.db").string() << "}\n";
    for (const bool json : {true, false}) {
      std::vector<std::string> argv = {RAPIDBYTE_BINARY,        "-vv", "--connector-dir",
                                       RAPIDBYTE_CONNECTOR_DIR, "run", pipeline.string()};
      if (json) argv.insert(argv.begin() + 5, "--json");
      const auto result = run_command(argv);
      EXPECT_EQ(result.exit_code, column == "email" ? 0 : 1) << result.output;
      EXPECT_EQ(result.output.find("s3cr3t"), std::string::npos) << result.output;
    }
  }
}

TEST_F(TransformPgTest, BadTransformConfigsFailWithExactErrors) {
  src().exec(
      "CREATE TABLE accounts (id int PRIMARY KEY, age int, email text);"
      "INSERT INTO accounts VALUES (1, 30, 'a@b.c');");
  const std::string base = pipeline_yaml("accounts", "{name: accounts}");
  auto run_error = [&](const std::string& transform, const std::string& state) {
    auto report = run_pipeline(with_transform(base, transform), state);
    return report.succeeded() ? std::string("succeeded") : report.first_error();
  };
  // The manifest's JSON Schema, checked by the host before the guest runs.
  EXPECT_EQ(plan_error(with_transform(base, R"(- use: validate
    config: {"on_fail": "ignore", "columns": {"age": {"not_null": true}}})")),
            "bad.yaml:7: transforms[0].config: connector 'transform-validate' rejects its "
            "config:\n  - config.on_fail (line 8): must be one of: fail, skip, dlq; got "
            "'ignore'");
  // The guest, on open.
  EXPECT_EQ(run_error(R"(- use: validate
    config: {"columns": {"email": {"regex": "[a-z"}}})",
                      "bad_regex"),
            "accounts: transform-validate: rule 'regex' on column 'email': invalid pattern: "
            "missing ']' for the "
            "class opened here at offset 0");
  EXPECT_EQ(run_error(R"(- use: mask
    config: {"columns": {"email": {"method": "hash"}}})",
                      "no_salt"),
            "accounts: transform-mask: column 'email': method hash needs a non-empty salt (an "
            "unsalted hash of a "
            "known value is easy to reverse)");
  // The guest, against the stream's schema on the first batch.
  EXPECT_EQ(run_error(R"(- use: validate
    config: {"columns": {"age": {"regex": "^[0-9]+$"}}})",
                      "regex_on_int"),
            "accounts: transform-validate: rule 'regex' on column 'age': needs a text (utf8) "
            "column, but the column "
            "is int32");
  EXPECT_EQ(run_error(R"(- use: validate
    config: {"columns": {"email": {"range": {"max": 10}}}})",
                      "range_on_text"),
            "accounts: transform-validate: rule 'range' on column 'email': needs a numeric, date "
            "or timestamp "
            "column, but the column is utf8");
  EXPECT_EQ(
      run_error(R"(- use: validate
    config: {"columns": {"phone": {"not_null": true}}})",
                "unknown_column"),
      "accounts: transform-validate: column 'phone' has rules but the stream has no such column");
  EXPECT_EQ(
      run_error(R"(- use: mask
    config: {"salt": "s", "columns": {"ssn": {"method": "null"}}})",
                "mask_unknown_column"),
      "accounts: transform-mask: column 'ssn' is to be masked but the stream has no such column");
  EXPECT_EQ(run_error(R"(- use: mask
    config: {"columns": {"age": {"method": "partial", "keep_first": 1}}})",
                      "partial_on_int"),
            "accounts: transform-mask: column 'age': method partial needs a text (utf8) column, "
            "but the column "
            "is int32");
}

}  // namespace
}  // namespace rapidbyte::test
