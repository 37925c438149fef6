// PostgreSQL -> PostgreSQL through the engine: source-postgres and
// dest-postgres in their own sandboxes, checked server-side.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/connectors/connector_environment.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

void expect_succeeded(const engine::RunReport& report) {
  EXPECT_TRUE(report.succeeded()) << report.first_error();
}

TEST_F(PgConnectorTest, EveryTypeWithEdgeValuesArrivesExactly) {
  auto s = src();
  create_all_types_table(s, "all_types");
  auto report = run_pipeline(
      pipeline_yaml("all_types", "{name: all_types, primary_key: [id]}", "  write_mode: replace\n"),
      "all_types");
  expect_succeeded(report);
  EXPECT_EQ(report.records(), 4u);

  auto d = dst();
  expect_same_all_types(s, d, "all_types");
  // Primary key carried over (by replace and upsert; an append keeps every
  // version of a row, without a key).
  EXPECT_EQ(d.value("SELECT count(*) FROM pg_index WHERE indrelid = 'all_types'::regclass AND "
                    "indisprimary"),
            "1");
}

// PostgreSQL's timestamps reach 294276 AD; Arrow's microseconds since 1970
// do not. A row holding one follows on_data_error like a row a destination
// rejects: fail names the stream, the row's key and the column; dlq keeps
// the row as a dead letter and delivers the others.
TEST_F(PgConnectorTest, ValuesArrowCannotHoldFollowOnDataError) {
  auto s = src();
  s.exec(
      "CREATE TABLE far_future (id int PRIMARY KEY, at timestamp, note text);"
      "INSERT INTO far_future VALUES (1, '2026-01-01', 'a'), (2, '294276-12-31 23:59:59', "
      "'far'), (3, '2026-01-02', 'c');");
  auto failed = run_pipeline(pipeline_yaml("far", "{name: far_future}", "  write_mode: replace\n"),
                             "far_fail");
  EXPECT_FALSE(failed.succeeded());
  EXPECT_NE(failed.first_error().find(
                "stream 'far_future', row {\"id\":2}: column \"at\": timestamp out of range"),
            std::string::npos)
      << failed.first_error();
  EXPECT_NE(failed.first_error().find("(on_data_error is fail)"), std::string::npos)
      << failed.first_error();

  auto kept = run_pipeline(
      pipeline_yaml("far", "{name: far_future}", "  write_mode: replace\n  on_data_error: dlq\n"),
      "far_dlq");
  ASSERT_TRUE(kept.succeeded()) << kept.first_error();
  EXPECT_EQ(kept.dead_letters(), 1u);
  auto d = dst();
  EXPECT_EQ(d.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM far_future"), "1,3");
}

TEST_F(PgConnectorTest, FullRefreshOfManyRowsInBoundedBatches) {
  auto s = src();
  s.exec(
      "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS payload, g * 1.5 AS amount, "
      "now() - g * interval '1 second' AS at, (g % 7 = 0) AS flag FROM generate_series(1, 150000) "
      "g");
  auto report =
      run_pipeline(pipeline_yaml("big", "{name: big}", "", ", max_batch_bytes: 1048576"), "big");
  expect_succeeded(report);
  ASSERT_EQ(report.streams.size(), 1u);
  const auto& source = report.streams[0].stages[0];
  EXPECT_EQ(source.summary->read->records, 150000u);
  EXPECT_GT(source.batches_emitted, 5u);
  EXPECT_LE(source.bytes_emitted / source.batches_emitted, 1048576u);
  auto d = dst();
  EXPECT_EQ(table_digest(d, "big", "id"), table_digest(s, "big", "id"));
}

TEST_F(PgConnectorTest, IncrementalResumesWithoutLosingOrDuplicatingBoundaryRows) {
  auto s = src();
  // Many rows share each cursor value, so batch and checkpoint boundaries
  // fall inside runs of equal values.
  s.exec(
      "CREATE TABLE events (id bigint PRIMARY KEY, seq int NOT NULL, body text);"
      "INSERT INTO events SELECT g, g / 100, repeat('x', 200) FROM generate_series(1, 5000) g;");
  const std::string yaml =
      pipeline_yaml("events", "{name: events, sync_mode: incremental, cursor_field: seq}", "",
                    ", max_batch_bytes: 65536, checkpoint_interval_rows: 250");
  auto first = run_pipeline(yaml, "events");
  expect_succeeded(first);
  EXPECT_EQ(first.records(), 5000u);
  auto d = dst();
  EXPECT_EQ(table_digest(d, "events", "id"), table_digest(s, "events", "id"));

  // New rows: more of the last value would be missed by design (the cursor
  // says they are old), so new rows carry new values, several per value.
  s.exec(
      "INSERT INTO events SELECT g, 50 + g / 100, 'new' FROM generate_series(5001, 5800) g;"
      "UPDATE events SET seq = 70, body = 'moved' WHERE id BETWEEN 10 AND 19;");
  auto second = run_pipeline(yaml, "events");
  expect_succeeded(second);
  // Exactly the 800 new rows plus the 10 updated ones (appended again:
  // append mode keeps history).
  EXPECT_EQ(second.records(), 810u);
  EXPECT_EQ(d.value("SELECT count(*) FROM events"), "5810");
  EXPECT_EQ(d.value("SELECT count(DISTINCT id) FROM events"), "5800");
  EXPECT_EQ(d.value("SELECT count(*) FROM events WHERE body = 'moved'"), "10");

  auto third = run_pipeline(yaml, "events");
  expect_succeeded(third);
  EXPECT_EQ(third.records(), 0u);
}

TEST_F(PgConnectorTest, IncrementalUpsertConvergesToTheSource) {
  auto s = src();
  s.exec(
      "CREATE TABLE items (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL);"
      "INSERT INTO items SELECT g, 'item ' || g, '2024-01-01'::timestamptz + g * interval '1 "
      "minute' FROM generate_series(1, 1000) g;");
  const std::string yaml = pipeline_yaml(
      "items", "{name: items, sync_mode: incremental, cursor_field: updated_at}",
      "  write_mode: upsert\n  primary_key: [id]\n", ", checkpoint_interval_rows: 100");
  expect_succeeded(run_pipeline(yaml, "items"));
  s.exec(
      "UPDATE items SET name = 'renamed', updated_at = '2030-01-01' WHERE id % 10 = 0;"
      "INSERT INTO items VALUES (1001, 'new', '2030-01-01');");
  auto second = run_pipeline(yaml, "items");
  expect_succeeded(second);
  EXPECT_EQ(second.records(), 101u);
  auto d = dst();
  EXPECT_EQ(table_digest(d, "items", "id"), table_digest(s, "items", "id"));
}

TEST_F(PgConnectorTest, ReplaceTwiceLeavesExactlyTheSourceAndNoStagingTable) {
  auto s = src();
  s.exec(
      "CREATE TABLE colours (id int PRIMARY KEY, name text NOT NULL);"
      "INSERT INTO colours VALUES (1, 'red'), (2, 'green'), (3, 'blue');");
  const std::string yaml =
      pipeline_yaml("colours", "{name: colours}", "  write_mode: replace\n  primary_key: [id]\n");
  expect_succeeded(run_pipeline(yaml, "colours"));
  s.exec("DELETE FROM colours WHERE id = 2; INSERT INTO colours VALUES (4, 'black');");
  expect_succeeded(run_pipeline(yaml, "colours"));
  auto d = dst();
  EXPECT_EQ(table_digest(d, "colours", "id"), table_digest(s, "colours", "id"));
  EXPECT_EQ(d.value("SELECT to_regclass('colours__rb_replace') IS NULL"), "t");
  EXPECT_EQ(d.value("SELECT count(*) FROM pg_index WHERE indrelid = 'colours'::regclass AND "
                    "indisprimary"),
            "1");
}

// A source table without rows still reaches the destination: appended, the
// table is created with every column; replaced, the old rows are gone.
TEST_F(PgConnectorTest, EmptySourceTableCreatesOrEmptiesTheTarget) {
  auto s = src();
  s.exec("CREATE TABLE vacant (id int PRIMARY KEY, label text, seen timestamptz);");
  expect_succeeded(run_pipeline(pipeline_yaml("vacant", "{name: vacant}"), "vacant"));
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) FROM vacant"), "0");
  EXPECT_EQ(d.value("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' "
                    "ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'vacant'::regclass "
                    "AND attnum > 0 AND NOT attisdropped"),
            "id integer, label text, seen timestamp with time zone");

  d.exec("INSERT INTO vacant VALUES (1, 'stale', now())");
  expect_succeeded(run_pipeline(
      pipeline_yaml("vacant_replace", "{name: vacant}", "  write_mode: replace\n"), "vacant"));
  EXPECT_EQ(d.value("SELECT count(*) FROM vacant"), "0");
  EXPECT_EQ(d.value("SELECT to_regclass('vacant__rb_replace') IS NULL"), "t");
}

// A table with inheritance children reads as a SELECT of it does: the
// children's rows too.
TEST_F(PgConnectorTest, ParentTableIncludesItsInheritanceChildren) {
  auto s = src();
  s.exec(
      "CREATE TABLE vehicles (id int, name text);"
      "CREATE TABLE trucks (axles int) INHERITS (vehicles);"
      "INSERT INTO vehicles VALUES (1, 'bike'), (2, 'car');"
      "INSERT INTO trucks VALUES (3, 'lorry', 6);");
  expect_succeeded(run_pipeline(pipeline_yaml("vehicles", "{name: vehicles}"), "vehicles"));
  auto d = dst();
  EXPECT_EQ(d.value("SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM vehicles"),
            "1:bike,2:car,3:lorry");
}

// A source that fails after batches have gone out does not end the
// destination's input: nothing of the partial stream is committed, so a
// replace leaves the old table as it was and no staging table behind.
TEST_F(PgConnectorTest, AFailingSourceLeavesTheReplacedTableAsItWas) {
  auto s = src();
  s.exec(
      "CREATE TABLE prices (id int, v numeric(12,2));"
      "INSERT INTO prices SELECT g, g FROM generate_series(1, 100000) g;"
      "INSERT INTO prices VALUES (0, 'NaN');");  // numeric(12,2) holds NaN, decimal128 does not
  auto d = dst();
  d.exec("CREATE TABLE prices (id int, v numeric(12,2)); INSERT INTO prices VALUES (7, 7.5);");
  auto report = run_pipeline(pipeline_yaml("prices", "{name: prices}", "  write_mode: replace\n",
                                           ", max_batch_bytes: 65536"),
                             "prices");
  ASSERT_FALSE(report.succeeded());
  const engine::StreamReport& stream = report.streams.at(0);
  ASSERT_NE(stream.failed_stage(), nullptr);
  EXPECT_EQ(stream.failed_stage()->connector_id, "source-postgres");
  ASSERT_TRUE(stream.stages.back().error.has_value()) << "the destination finished";
  EXPECT_EQ(stream.stages.back().error->code, "CANCELLED");
  EXPECT_GT(stream.stages.front().batches_emitted, 1u);
  EXPECT_EQ(d.value("SELECT string_agg(id || '=' || v, ',') FROM prices"), "7=7.50");
  EXPECT_EQ(d.value("SELECT to_regclass('prices__rb_replace') IS NULL"), "t");
}

TEST_F(PgConnectorTest, UpsertAppliesUpdatesAndLastDuplicateWins) {
  auto s = src();
  s.exec(
      "CREATE TABLE dups (id int, v text, n int);"
      "INSERT INTO dups VALUES (1, 'first', 1), (2, 'only', NULL), (1, 'second', 2), "
      "(3, NULL, 3), (1, 'third', NULL);");
  auto d = dst();
  d.exec(
      "CREATE TABLE dups (id int PRIMARY KEY, v text, n int);"
      "INSERT INTO dups VALUES (2, 'old', 7), (9, 'untouched', 9);");
  const std::string yaml =
      pipeline_yaml("dups", "{name: dups}", "  write_mode: upsert\n  primary_key: [id]\n");
  expect_succeeded(run_pipeline(yaml, "dups"));
  EXPECT_EQ(d.query("SELECT id::text, v, n::text FROM dups ORDER BY id"),
            (std::vector<TextRow>{{"1", "third", std::nullopt},
                                  {"2", "only", std::nullopt},
                                  {"3", std::nullopt, "3"},
                                  {"9", "untouched", "9"}}));
}

TEST_F(PgConnectorTest, ColumnsSelectionAndHostileIdentifiers) {
  auto s = src();
  s.exec(R"sql(CREATE SCHEMA "Odd ""schema""";
    CREATE TABLE "Odd ""schema"""."we;ird ""table""" ("Key" int PRIMARY KEY, "a;b" text, "DROP TABLE x" int, skipped text);
    INSERT INTO "Odd ""schema"""."we;ird ""table""" VALUES (1, 'x', 2, 's'), (2, 'y', NULL, 't');)sql");
  const std::string stream =
      R"({name: '"Odd ""schema"""."we;ird ""table"""', columns: ["Key", "a;b", "DROP TABLE x"]})";
  auto report = run_pipeline(
      pipeline_yaml("odd", stream, "", "", R"(, "schemas": ["Odd \"schema\""])"), "odd");
  expect_succeeded(report);
  // It keeps its source schema in the destination.
  auto d = dst();
  EXPECT_EQ(
      d.query(
          R"(SELECT "Key"::text, "a;b", "DROP TABLE x"::text FROM "Odd ""schema"""."we;ird ""table""" ORDER BY 1)"),
      (std::vector<TextRow>{{"1", "x", "2"}, {"2", "y", std::nullopt}}));
  EXPECT_EQ(
      d.value(
          R"(SELECT count(*) FROM information_schema.columns WHERE table_schema = 'Odd "schema"' AND table_name = 'we;ird "table"')"),
      "3");
}

// Streams keep their source schema, so lands.lands_items and public.lands_items stay
// apart; `schema` and `tables` in the destination's config move them, and so
// does a stream's `destination_table`.
TEST_F(PgConnectorTest, StreamsLandInTheirOwnSchemaUnlessMapped) {
  auto s = src();
  s.exec(
      "CREATE SCHEMA lands; CREATE TABLE lands.lands_items (id int PRIMARY KEY, v text);"
      "CREATE TABLE public.lands_items (id int PRIMARY KEY, v text);"
      "INSERT INTO lands.lands_items VALUES (1, 'lands');"
      "INSERT INTO public.lands_items VALUES (1, 'public'), (2, 'public');");
  expect_succeeded(
      run_pipeline(pipeline_yaml("keep_schema", "{name: lands.lands_items}, {name: lands_items}",
                                 "  write_mode: replace\n"),
                   "keep_schema"));
  auto d = dst();
  EXPECT_EQ(d.query("SELECT v FROM lands.lands_items"), (std::vector<TextRow>{{"lands"}}));
  EXPECT_EQ(d.value("SELECT count(*) FROM public.lands_items WHERE v = 'public'"), "2");
  // Mapped: one stream by name, the other into the configured schema.
  std::string yaml = pipeline_yaml("mapped", "{name: lands.lands_items}, {name: lands_items}",
                                   "  write_mode: replace\n");
  const std::string dest = "\"database\": \"" + std::string(kDestDb) + "\"";
  yaml.replace(yaml.rfind(dest), dest.size(),
               dest +
                   ", \"schema\": \"staging\", \"tables\": {\"lands.lands_items\": "
                   "\"archive.lands_items\"}");
  expect_succeeded(run_pipeline(yaml, "mapped"));
  EXPECT_EQ(d.query("SELECT v FROM archive.lands_items"), (std::vector<TextRow>{{"lands"}}));
  EXPECT_EQ(d.value("SELECT count(*) FROM staging.lands_items"), "2");
  // A stream's own destination_table, in the pipeline, whatever the destination.
  expect_succeeded(run_pipeline(
      pipeline_yaml("renamed",
                    "{name: lands.lands_items, destination_table: renamed.lands_copy}, "
                    "{name: lands_items, destination_table: lands_public}",
                    "  write_mode: replace\n"),
      "renamed"));
  EXPECT_EQ(d.query("SELECT v FROM renamed.lands_copy"), (std::vector<TextRow>{{"lands"}}));
  EXPECT_EQ(d.value("SELECT count(*) FROM public.lands_public WHERE v = 'public'"), "2");
}

// Each stream may set its own write mode and key.
TEST_F(PgConnectorTest, StreamsHaveTheirOwnWriteModeAndKey) {
  auto s = src();
  s.exec(
      "CREATE TABLE per_upsert (k int PRIMARY KEY, v text);"
      "CREATE TABLE per_append (id int, v text);"
      "INSERT INTO per_upsert VALUES (1, 'a'), (2, 'b'); INSERT INTO per_append VALUES (1, 'x');");
  const std::string streams =
      "{name: per_upsert, write_mode: upsert, primary_key: [k]}, {name: per_append}";
  for (int run = 0; run < 2; ++run) {
    expect_succeeded(run_pipeline(pipeline_yaml("per_stream", streams), "per_stream"));
  }
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) FROM per_upsert"), "2");  // upserted twice
  EXPECT_EQ(d.value("SELECT count(*) FROM per_append"), "2");  // appended twice
}

// A stream that resumes after a cursor never starts a new table holding
// only the rows after it.
TEST_F(PgConnectorTest, ResumingIntoAMissingTableFailsUntilTheStateIsReset) {
  auto s = src();
  s.exec(
      "CREATE TABLE resumed (id int PRIMARY KEY, v text);"
      "INSERT INTO resumed SELECT g, 'v' FROM generate_series(1, 10) g;");
  const std::string yaml =
      pipeline_yaml("resumed", "{name: resumed, sync_mode: incremental, cursor_field: id}",
                    "  write_mode: upsert\n  primary_key: [id]\n");
  expect_succeeded(run_pipeline(yaml, "resumed"));
  dst().exec("DROP TABLE resumed");
  s.exec("INSERT INTO resumed VALUES (11, 'new')");
  auto refused = run_pipeline(yaml, "resumed");
  ASSERT_FALSE(refused.succeeded());
  EXPECT_EQ(refused.streams[0].root_error()->code, "TARGET_MISSING");
  EXPECT_EQ(refused.first_error(),
            "resumed: dest-postgres: stream 'resumed' resumes after a committed cursor, but its "
            "table \"public\".\"resumed\" does not exist (dropped, or the pipeline now writes "
            "elsewhere); a new table would hold only the rows after the cursor. Run `rapidbyte "
            "state reset <pipeline.yaml> --stream resumed` to load the stream from the start");
}

TEST_F(PgConnectorTest, UnknownColumnCursorAndMissingTableFailWithClearErrorsAndWriteNothing) {
  auto s = src();
  s.exec("CREATE TABLE known (id int);");
  auto report = run_pipeline(pipeline_yaml("bad_column", "{name: known, columns: [id, nosuch]}"),
                             "bad_column");
  ASSERT_FALSE(report.succeeded());
  EXPECT_NE(report.first_error().find("stream 'known' has no column 'nosuch'"), std::string::npos)
      << report.first_error();
  auto bad_cursor = run_pipeline(
      pipeline_yaml("bad_cursor", "{name: known, sync_mode: incremental, cursor_field: nosuch}"),
      "bad_cursor");
  ASSERT_FALSE(bad_cursor.succeeded());
  EXPECT_NE(
      bad_cursor.first_error().find(
          "known: source-postgres: cursor_field 'nosuch' is not a column of \"public\".\"known\""),
      std::string::npos)
      << bad_cursor.first_error();
  auto missing = run_pipeline(pipeline_yaml("missing", "{name: nosuch_table}"), "missing");
  ASSERT_FALSE(missing.succeeded());
  EXPECT_NE(missing.first_error().find("table \"public\".\"nosuch_table\" does not exist"),
            std::string::npos)
      << missing.first_error();
  auto d = dst();
  EXPECT_EQ(d.value("SELECT to_regclass('known') IS NULL AND to_regclass('nosuch_table') IS NULL"),
            "t");
}

TEST_F(PgConnectorTest, TlsVerifyFullThroughTheHost) {
  auto s = src();
  s.exec(
      "CREATE TABLE secure (id int PRIMARY KEY, secret text);"
      "INSERT INTO secure VALUES (1, 'a'), (2, 'b');"
      "GRANT SELECT ON secure TO rb_tls;");
  auto d = dst();
  d.exec("GRANT CREATE ON SCHEMA public TO rb_tls;");
  // rb_tls may only log in over TLS (pg_hba: hostnossl ... reject).
  const std::string tls =
      ", \"sslmode\": \"verify-full\", \"ca_file\": \"" + cluster().ca_file().string() + "\"";
  auto config = [&](const std::string& db, const std::string& tls_fields) {
    std::string c = pg_config(db, tls_fields, kTlsUser);
    c.replace(c.find(", \"sslmode\": \"disable\""), 22, "");
    return c;
  };
  const std::string yaml =
      "pipeline: secure\nsource:\n  use: postgres\n  config: " + config(kSourceDb, tls) +
      "\n  streams: [{name: secure}]\ndestination:\n  use: postgres\n  "
      "config: " +
      config(kDestDb, tls) + "\nresources: {max_retries: 0}\n";
  auto report = run_pipeline(yaml, "secure");
  expect_succeeded(report);
  LibpqSession admin(cluster().admin_conninfo(kDestDb));  // the table belongs to rb_tls
  EXPECT_EQ(table_digest(admin, "secure", "id"), table_digest(s, "secure", "id"));

  // Without TLS the server refuses rb_tls; with a CA that did not sign the
  // certificate the host refuses the server.
  const std::string plain = "pipeline: plain\nsource:\n  use: postgres\n  config: " +
                            config(kSourceDb, ", \"sslmode\": \"disable\"") +
                            "\n  streams: [{name: secure}]\ndestination:\n  use: \"null\"\n"
                            "resources: {max_retries: 0}\n";
  auto refused = run_pipeline(plain, "plain");
  ASSERT_FALSE(refused.succeeded());
  EXPECT_NE(refused.first_error().find("no encryption"), std::string::npos)
      << refused.first_error();
  const std::string wrong_ca = "pipeline: wrong_ca\nsource:\n  use: postgres\n  config: " +
                               config(kSourceDb,
                                      ", \"sslmode\": \"verify-full\", \"ca_file\": "
                                      "\"/etc/ssl/certs/ca-certificates.crt\"") +
                               "\n  streams: [{name: secure}]\ndestination:\n  use: \"null\"\n"
                               "resources: {max_retries: 0}\n";
  auto unverified = run_pipeline(wrong_ca, "wrong_ca");
  ASSERT_FALSE(unverified.succeeded());
  const auto* error = unverified.streams.at(0).root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, "TLS_VERIFY") << error->message;
}

// examples/postgres.yaml, as the README demo runs it.
TEST_F(PgConnectorTest, ExamplePipelineRunsAndReruns) {
  auto s = src();
  s.exec(
      "CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(12, 2), "
      "updated_at timestamptz NOT NULL);"
      "INSERT INTO orders SELECT g, 'customer ' || g % 97, g * 0.25, now() - g * interval "
      "'1 minute' FROM generate_series(1, 20000) g;");
  ::setenv("PGHOST", "127.0.0.1", 1);
  ::setenv("PGPORT", std::to_string(cluster().port()).c_str(), 1);
  ::setenv("PGUSER", kUser, 1);
  ::setenv("PGPASSWORD", kPassword, 1);
  ::setenv("PGSOURCE_DATABASE", kSourceDb, 1);
  ::setenv("PGDEST_DATABASE", kDestDb, 1);
  std::ifstream file(std::string(RAPIDBYTE_EXAMPLES_DIR) + "/postgres.yaml");
  const std::string yaml((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(yaml.empty());
  auto first = run_pipeline(yaml, "example");
  expect_succeeded(first);
  EXPECT_EQ(first.records(), 20000u);
  s.exec("UPDATE orders SET amount = -1, updated_at = now() + interval '1 hour' WHERE id <= 5");
  auto second = run_pipeline(yaml, "example");
  expect_succeeded(second);
  EXPECT_EQ(second.records(), 5u);
  auto d = dst();
  EXPECT_EQ(table_digest(d, "orders", "id"), table_digest(s, "orders", "id"));
}

}  // namespace
}  // namespace rapidbyte::test

namespace rapidbyte::test {
namespace {

// on_data_error: dlq through the engine: the row the target rejects goes to
// the dead-letter queue (persisted in the state backend, counted in the run
// report); every other row arrives.
TEST_F(PgConnectorTest, RejectedRowGoesToTheDeadLetterQueueThroughTheEngine) {
  auto s = src();
  s.exec(
      "CREATE TABLE payments (id int PRIMARY KEY, amount int NOT NULL);"
      "INSERT INTO payments SELECT g, CASE WHEN g = 7 THEN -1 ELSE g END FROM generate_series(1, "
      "50) g;");
  auto d = dst();
  d.exec("CREATE TABLE payments (id int PRIMARY KEY, amount int NOT NULL CHECK (amount > 0));");
  const auto report = run_pipeline(
      pipeline_yaml("payments", "{name: payments}", "  on_data_error: dlq\n"), "payments_dlq");
  expect_succeeded(report);
  EXPECT_EQ(report.dead_letters(), 1u);
  EXPECT_EQ(d.value("SELECT count(*) || ':' || sum(id) FROM payments"), "49:1268");
  auto state = engine::SqliteStateBackend::open(cache_dir_ / "payments_dlq.db");
  ASSERT_TRUE(state) << state.error();
  EXPECT_EQ((*state)->dead_letter_count({"payments"}).value(), 1u);
}

}  // namespace
}  // namespace rapidbyte::test
