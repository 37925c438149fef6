// PostgreSQL -> transform-sql -> PostgreSQL through the engine. The
// destination must hold exactly what the same query returns when
// PostgreSQL runs it: the pipeline writes into schema `out` of the source
// database, so both sides are compared server-side with EXCEPT both ways.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/connectors/connector_environment.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

// Replaces every occurrence of `from` in `text`.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// A pipeline from rb_src.public.<table> through transform-sql with `query`
// into rb_src.out.<table>. The query goes into YAML as a double-quoted
// scalar.
std::string sql_pipeline(const std::string& table, const std::string& query,
                         const std::string& resources = {},
                         const std::string& destination_extra = {}) {
  return "pipeline: sql_" + table +
         "\nsource:\n  use: postgres\n  config: " + pg_config(kSourceDb) +
         "\n  streams: [{name: " + table + "}]\ntransforms:\n  - use: sql\n    config: {query: \"" +
         replace_all(replace_all(query, "\"", "\\\""), "\n", "\\n") +
         "\"}\ndestination:\n  use: postgres\n  config: " +
         pg_config(kSourceDb, ", \"schema\": \"out\"") + "\n  write_mode: replace\n" +
         destination_extra + "resources: {max_retries: 0" + resources + "}\n";
}

class TransformSqlTest : public PgConnectorTest {
 protected:
  // Runs `query` through the pipeline over `table` and checks that
  // out.<table> equals the query run by PostgreSQL over public.<table>.
  void expect_pipeline_equals_postgres(const std::string& table, const std::string& query,
                                       uint64_t expected_rows) {
    const auto report =
        run_pipeline(sql_pipeline(table, query, ", max_batch_bytes: 262144"), "sql_" + table);
    ASSERT_TRUE(report.succeeded()) << report.first_error();
    ASSERT_EQ(report.streams.size(), 1u);
    const auto& stages = report.streams[0].stages;
    ASSERT_EQ(stages.size(), 3u);
    ASSERT_TRUE(stages[1].summary && stages[1].summary->transform);
    const p::TransformSummary& t = *stages[1].summary->transform;
    auto s = src();
    s.exec("SET TimeZone = 'UTC'");  // the engine's session time zone
    const std::string source_rows = *s.value("SELECT count(*) FROM public." + table);
    EXPECT_EQ(std::to_string(t.records_in), source_rows);
    EXPECT_EQ(t.records_out, expected_rows);
    EXPECT_GT(t.batches_in, 1u);
    EXPECT_EQ(t.batches_out, t.batches_in);

    const std::string in_postgres = replace_all(query, "FROM input", "FROM public." + table);
    EXPECT_EQ(s.value("SELECT count(*) FROM (" + in_postgres + ") q"),
              std::to_string(expected_rows));
    EXPECT_EQ(s.value("SELECT count(*) FROM out." + table), std::to_string(expected_rows));
    EXPECT_EQ(s.value("SELECT count(*) FROM ((" + in_postgres + ") EXCEPT ALL SELECT * FROM out." +
                      table + ") d"),
              "0");
    EXPECT_EQ(s.value("SELECT count(*) FROM (SELECT * FROM out." + table + " EXCEPT ALL (" +
                      in_postgres + ")) d"),
              "0");
  }
};

TEST_F(TransformSqlTest, FilterProjectionAndComputedColumnsEqualPostgres) {
  auto s = src();
  s.exec(
      "CREATE TABLE sql_events (id bigint PRIMARY KEY, user_id int NOT NULL, kind text, "
      "amount numeric(12, 2), score double precision, flag boolean, "
      "created_at timestamptz NOT NULL, day date, note text);"
      "INSERT INTO sql_events SELECT g, g % 1000, (ARRAY['click', 'view', 'Buy', NULL])[g % 4 + "
      "1], "
      "CASE WHEN g % 17 = 0 THEN NULL ELSE (g % 5000) * 0.37 END, (g % 113) / 7.0, "
      "CASE WHEN g % 11 = 0 THEN NULL ELSE g % 3 = 0 END, "
      "'2026-01-01 00:00:00+00'::timestamptz + g * interval '37 seconds', "
      "'2026-01-01'::date + g % 400, CASE WHEN g % 9 = 0 THEN NULL ELSE 'note ' || g END "
      "FROM generate_series(1, 60000) g;");
  // 60000 rows, kind is not NULL for 3/4 of them; count the expected result
  // in PostgreSQL so the test states no magic number it cannot explain.
  const std::string query =
      "SELECT id, user_id, upper(kind) AS kind_upper, amount * 2 + 1 AS doubled, "
      "round(score::numeric, 2) AS score2, coalesce(note, 'none') AS note, "
      "CASE WHEN amount > 1000 THEN 'big' WHEN amount > 100 THEN 'mid' ELSE 'small' END AS size, "
      "date_trunc('hour', created_at) AS hour, extract(dow FROM day) AS dow, "
      "id % 7 = 3 AND flag IS NOT FALSE AS special, length(kind) + user_id / 10 AS mixed "
      "FROM input WHERE kind IS NOT NULL AND (amount IS NULL OR amount < 1500) AND user_id <> 17";
  const std::string expected = *s.value(
      "SELECT count(*) FROM sql_events WHERE kind IS NOT NULL AND (amount IS NULL OR amount < "
      "1500) AND user_id <> 17");
  expect_pipeline_equals_postgres("sql_events", query, std::stoull(expected));
}

TEST_F(TransformSqlTest, StarExcludeAndPassthroughTypesEqualPostgres) {
  auto s = src();
  s.exec(
      "CREATE TABLE sql_wide (id int PRIMARY KEY, uid uuid, doc jsonb, tags text[], "
      "at timestamp, price numeric(10, 3));"
      "INSERT INTO sql_wide SELECT g, md5(g::text)::uuid, jsonb_build_object('g', g), "
      "ARRAY['t' || g % 3], '2026-03-01'::timestamp + g * interval '1 minute', g * 1.125 "
      "FROM generate_series(1, 30000) g;");
  // uuid and jsonb pass through untouched (json compares as text).
  const auto report = run_pipeline(
      sql_pipeline("sql_wide",
                   "SELECT * EXCLUDE (tags), price * id AS total FROM input WHERE id % 3 <> 0",
                   ", max_batch_bytes: 262144"),
      "sql_wide");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  EXPECT_EQ(s.value("SELECT count(*) FROM out.sql_wide"), "20000");
  EXPECT_EQ(s.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                    "'out.sql_wide'::regclass AND attname = 'uid'"),
            "uuid");
  EXPECT_EQ(s.value("SELECT count(*) FROM (SELECT id, uid, doc::text, at, price, total FROM "
                    "out.sql_wide EXCEPT ALL SELECT id, uid, doc::text, at, price, price * id "
                    "FROM public.sql_wide WHERE id % 3 <> 0) d"),
            "0");
  EXPECT_EQ(s.value("SELECT count(*) FROM (SELECT id, uid, doc::text, at, price, price * id "
                    "FROM public.sql_wide WHERE id % 3 <> 0 EXCEPT ALL SELECT id, uid, doc::text, "
                    "at, price, total FROM out.sql_wide) d"),
            "0");
}

TEST_F(TransformSqlTest, RuntimeErrorIsADataErrorNamingTheRowAndExpression) {
  auto s = src();
  s.exec(
      "CREATE TABLE sql_div (id int PRIMARY KEY, d int NOT NULL);"
      "INSERT INTO sql_div SELECT g, 5000 - g FROM generate_series(1, 8000) g ORDER BY g;");
  const auto report = run_pipeline(
      sql_pipeline("sql_div", "SELECT id, 100 / d AS q FROM input", ", max_batch_bytes: 16384"),
      "sql_div");
  ASSERT_FALSE(report.succeeded());
  ASSERT_EQ(report.streams.size(), 1u);
  const p::ConnectorError* error = report.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, p::ErrorCategory::kData);
  EXPECT_EQ(error->code, "SQL_DATA");
  // id 5000 is row 4999 of the stream; the source's 16 KiB batches hold
  // 1000 of these rows each.
  EXPECT_EQ(error->message,
            "batch 4, row 999 (row 4999 of the stream): division by zero in \"100 / d\"");
  EXPECT_EQ(report.first_error(),
            "sql_div: transform-sql: batch 4, row 999 (row 4999 of the stream): division by zero "
            "in \"100 / d\"");
}

// With on_data_error: dlq the row the query cannot compute goes to the
// dead-letter queue (persisted by the engine) and every other row arrives.
TEST_F(TransformSqlTest, DlqPolicySetsTheFailingRowAsideThroughTheEngine) {
  auto s = src();
  s.exec(
      "CREATE TABLE sql_div_dlq (id int PRIMARY KEY, d int NOT NULL);"
      "INSERT INTO sql_div_dlq SELECT g, 5000 - g FROM generate_series(1, 8000) g ORDER BY g;");
  const auto report =
      run_pipeline(sql_pipeline("sql_div_dlq", "SELECT id, 100 / d AS q FROM input",
                                ", max_batch_bytes: 16384", "  on_data_error: dlq\n"),
                   "sql_div_dlq");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  EXPECT_EQ(report.dead_letters(), 1u);
  EXPECT_EQ(s.value("SELECT count(*) || ':' || sum(id) || ':' || sum(q) FROM out.sql_div_dlq"),
            *s.value("SELECT count(*) || ':' || sum(id) || ':' || sum(100 / d) FROM "
                     "public.sql_div_dlq WHERE d <> 0"));
  auto state = engine::SqliteStateBackend::open(cache_dir_ / "sql_div_dlq.db");
  ASSERT_TRUE(state) << state.error();
  EXPECT_EQ((*state)->dead_letter_count({"sql_sql_div_dlq"}).value(), 1u);  // by pipeline
}

TEST_F(TransformSqlTest, UnknownColumnFailsTheRunAsAConfigErrorWithItsPosition) {
  auto s = src();
  s.exec("CREATE TABLE sql_cols (id int);INSERT INTO sql_cols VALUES (1);");
  const auto report =
      run_pipeline(sql_pipeline("sql_cols", "SELECT id,\n  idd + 1 AS n FROM input"), "sql_cols");
  ASSERT_FALSE(report.succeeded());
  const p::ConnectorError* error = report.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, p::ErrorCategory::kConfig);
  EXPECT_EQ(error->code, "SQL_BIND");
  EXPECT_EQ(error->message, "query error at line 2, column 3: column \"idd\" does not exist");
}

// `rapidbyte check` on `yaml`.
CommandResult check_cli(const std::filesystem::path& dir, const std::string& yaml) {
  std::filesystem::create_directories(dir);
  const auto path = dir / "pipeline.yaml";
  std::ofstream(path) << yaml;
  return run_command(
      {RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "check", path.string()});
}

TEST_F(TransformSqlTest, CheckReportsSyntaxErrorsAndUnknownFunctionsWithTheirPosition) {
  const auto dir = cache_dir_ / "sql_check";
  // Other tests leave tables the source's own checks may flag, so only the
  // transform's lines are asserted, and the exit code where they fail.
  auto syntax = check_cli(dir, sql_pipeline("sql_check", "SELECT id, FROM input WHERE id > 1"));
  EXPECT_EQ(syntax.exit_code, 1) << syntax.output;
  EXPECT_NE(syntax.output.find("FAIL transform transform-sql: open — query: syntax error at line "
                               "1, column 12: expected an expression, found \"from\"\n"),
            std::string::npos)
      << syntax.output;

  auto function = check_cli(dir, sql_pipeline("sql_check", "SELECT id, lowr(kind) FROM input"));
  EXPECT_EQ(function.exit_code, 1) << function.output;
  EXPECT_NE(function.output.find("FAIL transform transform-sql: query — query error at line 1, "
                                 "column 12: function lowr does not exist\n"),
            std::string::npos)
      << function.output;

  auto good = check_cli(dir, sql_pipeline("sql_check", "SELECT id, lower(kind) FROM input"));
  EXPECT_NE(good.output.find("ok   transform transform-sql: open\nok   transform transform-sql: "
                             "query — parses; functions exist (columns are bound on the first "
                             "batch)\n"),
            std::string::npos)
      << good.output;
}

}  // namespace
}  // namespace rapidbyte::test
