// `rapidbyte check` against a real source: the mistakes a new user makes in
// stream names, columns, cursors, keys and sync modes are found by check,
// each one line naming the stream and field, and check exits as a run of
// the same pipeline would.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/connectors/connector_environment.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

class CheckCliTest : public PgConnectorTest {
 protected:
  void SetUp() override {
    PgConnectorTest::SetUp();
    src().exec(
        "CREATE TABLE IF NOT EXISTS chk_customers (id bigint PRIMARY KEY, email text, "
        "updated_at timestamptz);"
        "CREATE TABLE IF NOT EXISTS chk_orders (id bigint PRIMARY KEY, customer_id bigint, "
        "payload jsonb, updated_at timestamptz);"
        "CREATE OR REPLACE VIEW chk_orders_v AS SELECT id, updated_at FROM chk_orders;"
        "CREATE TABLE IF NOT EXISTS chk_keyless (n int, note text);"
        "CREATE TABLE IF NOT EXISTS chk_events (id bigint PRIMARY KEY, payload jsonb);");
  }

  CommandResult rapidbyte(const std::string& command, const std::string& streams,
                          const std::string& destination_extra = "") {
    const auto dir = cache_dir_ / "check_cli";
    std::filesystem::create_directories(dir);
    const auto path = dir / "pipeline.yaml";
    std::ofstream(path) << pipeline_yaml("check_cli", streams, destination_extra)
                        << "state: {connection: " << (dir / "state.db").string() << "}\n";
    return run_command(
        {RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, command, path.string()});
  }

  // The FAIL lines of check's output.
  static std::vector<std::string> failures(const std::string& output) {
    std::vector<std::string> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("FAIL ")) lines.push_back(line);
    }
    return lines;
  }
};

TEST_F(CheckCliTest, MisspeltNamesFailCheckWithTheClosestName) {
  auto checked = rapidbyte("check",
                           "{name: chk_custmers}, {name: chk_customers, columns: [id, emial]}, "
                           "{name: chk_orders, sync_mode: incremental, cursor_field: updatedat}, "
                           "{name: chk_events, sync_mode: incremental, cursor_field: payload}, "
                           "{name: chk_orders_v, sync_mode: cdc}");
  EXPECT_EQ(checked.exit_code, 1) << checked.output;
  EXPECT_EQ(failures(checked.output),
            (std::vector<std::string>{
                "FAIL stream chk_custmers: exists — the source has no stream 'chk_custmers'; did "
                "you mean 'chk_customers'?",
                "FAIL stream chk_customers: columns — no column 'emial'; did you mean 'email'?",
                "FAIL stream chk_orders: cursor_field — no column 'updatedat'; did you mean "
                "'updated_at'?",
                "FAIL stream chk_events: cursor_field — column 'payload' has type utf8 (jsonb), "
                "which cannot order an incremental read; columns that can: id",
                "FAIL stream chk_orders_v: sync_mode — the source does not offer sync_mode cdc "
                "for this stream (it offers full_refresh, incremental)",
            }))
      << checked.output;
  // A run of the same pipeline fails with the same exit code.
  auto ran = rapidbyte("run", "{name: chk_custmers}");
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
}

TEST_F(CheckCliTest, UpsertWithoutAKeyFailsCheck) {
  auto checked =
      rapidbyte("check", "{name: chk_keyless}, {name: chk_customers}", "  write_mode: upsert\n");
  EXPECT_EQ(checked.exit_code, 1) << checked.output;
  EXPECT_EQ(failures(checked.output),
            (std::vector<std::string>{
                "FAIL stream chk_keyless: primary_key — write_mode upsert needs a primary_key; "
                "the source table has none either, so name the columns that identify a row",
                "FAIL stream chk_customers: primary_key — write_mode upsert needs a primary_key; "
                "the source table's is [id]: add primary_key: [id]",
            }))
      << checked.output;
}

TEST_F(CheckCliTest, ACorrectPipelinePassesAndAnInvalidFileExitsTwoLikeRun) {
  auto checked = rapidbyte("check",
                           "{name: chk_customers, columns: [id, email]}, "
                           "{name: public.chk_orders, sync_mode: incremental, "
                           "cursor_field: updated_at}");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_NE(checked.output.find("ok   stream chk_customers: catalog — 2 of 3 columns, "
                                "full_refresh\n"),
            std::string::npos)
      << checked.output;
  EXPECT_NE(checked.output.find("ok   stream public.chk_orders: catalog — 4 of 4 columns, "
                                "incremental\n"),
            std::string::npos)
      << checked.output;
  // A mode the source's manifest does not list: the file itself is wrong.
  auto invalid = rapidbyte("check", "{name: chk_customers}", "  write_mode: merge\n");
  auto invalid_run = rapidbyte("run", "{name: chk_customers}", "  write_mode: merge\n");
  EXPECT_EQ(invalid.exit_code, 2) << invalid.output;
  EXPECT_EQ(invalid_run.exit_code, 2) << invalid_run.output;
}

// Partition settings are checked by planning the slices, as a run would:
// a key the source cannot split on and a view without a key fail, each on
// its stream's line; a good split says how many slices, and how.
TEST_F(CheckCliTest, PartitionSettingsAreCheckedByPlanningTheSlices) {
  auto checked = rapidbyte("check",
                           "{name: chk_customers, partitions: 2, partition_key: email}, "
                           "{name: chk_orders_v, partitions: 2}, "
                           "{name: chk_orders, partitions: 3, partition_key: id}, "
                           "{name: chk_keyless, partitions: 4}");
  EXPECT_EQ(checked.exit_code, 1) << checked.output;
  EXPECT_EQ(failures(checked.output),
            (std::vector<std::string>{
                "FAIL stream chk_customers: partitions — partition_key 'email' of "
                "\"public\".\"chk_customers\" is text; a range split needs an integer, numeric, "
                "timestamp or date column",
                "FAIL stream chk_orders_v: partitions — stream 'chk_orders_v': "
                "\"public\".\"chk_orders_v\" is not a plain table, so it cannot be split by "
                "heap pages; set partition_key",
            }))
      << checked.output;
  for (const char* line : {"ok   stream chk_orders: partitions — 3 slices by range of id\n",
                           "ok   stream chk_keyless: partitions — 4 slices by heap pages\n"}) {
    EXPECT_NE(checked.output.find(line), std::string::npos) << checked.output;
  }
}

// Transforms are bound against each stream's real schema (a dry run that
// reads no rows): a rule or query naming a column the table lacks fails.
TEST_F(CheckCliTest, TransformsAreBoundAgainstTheTablesSchema) {
  auto checked =
      rapidbyte("check", "{name: chk_customers}, {name: chk_orders}",
                "transforms:\n"
                "  - use: validate\n"
                "    config: {columns: {email: {not_null: true}}}\n"
                "  - use: sql\n"
                "    config: {query: \"SELECT id, lower(email) AS email FROM input\"}\n");
  EXPECT_EQ(checked.exit_code, 1) << checked.output;
  EXPECT_EQ(failures(checked.output),
            (std::vector<std::string>{
                "FAIL stream chk_orders: transforms — transform-validate: column 'email' has rules "
                "but the stream has no such column",
            }))
      << checked.output;
  EXPECT_NE(checked.output.find("ok   stream chk_customers: transforms — its schema passes 2 "
                                "transforms\n"),
            std::string::npos)
      << checked.output;
}

// The destination's existing tables are checked against each stream's
// schema (its write phase as a dry run): every conflict one line, and the
// target left as it was.
TEST_F(CheckCliTest, DestinationTypeConflictsFailCheckEachOnItsLine) {
  dst().exec(
      "DROP TABLE IF EXISTS public.chk_orders;"
      "CREATE TABLE public.chk_orders (id text, customer_id bigint NOT NULL, "
      "updated_at timestamptz, legacy int);");
  const std::string evolution =
      "  schema_evolution: {removed_column: fail, nullability_change: fail}\n";
  auto checked = rapidbyte("check", "{name: chk_orders}, {name: chk_customers}", evolution);
  EXPECT_EQ(checked.exit_code, 1) << checked.output;
  EXPECT_EQ(failures(checked.output),
            (std::vector<std::string>{
                "FAIL stream chk_orders: destination — dest-postgres: column 'id' of "
                "\"public\".\"chk_orders\" has type text, but stream 'chk_orders' sends int64 "
                "(schema_evolution.type_change is fail)",
                "FAIL stream chk_orders: destination — dest-postgres: column 'customer_id' of "
                "\"public\".\"chk_orders\" is NOT NULL, but stream 'chk_orders' may send nulls "
                "(schema_evolution.nullability_change is fail)",
                "FAIL stream chk_orders: destination — dest-postgres: column 'legacy' of "
                "\"public\".\"chk_orders\" is missing from stream 'chk_orders' "
                "(schema_evolution.removed_column is fail)",
            }))
      << checked.output;
  EXPECT_NE(checked.output.find("ok   stream chk_customers: destination — its schema fits "
                                "dest-postgres's target\n"),
            std::string::npos)
      << checked.output;
  // check changed nothing: payload, a new column, was not added.
  EXPECT_EQ(dst().value("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                        "information_schema.columns WHERE table_name = 'chk_orders'"),
            "id,customer_id,updated_at,legacy");
  // A run of the same pipeline fails with the same exit code, on the first.
  auto ran = rapidbyte("run", "{name: chk_orders}", evolution);
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
  EXPECT_NE(ran.output.find("column 'id' of \"public\".\"chk_orders\" has type text"),
            std::string::npos)
      << ran.output;
  dst().exec("DROP TABLE public.chk_orders");
}

// A stream pattern stands for the tables it matches, less `exclude`; check
// lists each one.
TEST_F(CheckCliTest, StreamPatternsExpandAgainstTheSourcesTables) {
  auto checked = rapidbyte("check", "{name: \"chk_*\", exclude: [chk_orders_v, \"*keyless\"]}");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  std::vector<std::string> streams;
  std::istringstream in(checked.output);
  for (std::string line; std::getline(in, line);) {
    if (line.find(": catalog — ") != std::string::npos)
      streams.push_back(line.substr(0, line.find(':')));
  }
  EXPECT_EQ(streams, (std::vector<std::string>{"ok   stream chk_customers",
                                               "ok   stream chk_events", "ok   stream chk_orders"}))
      << checked.output;
  auto nothing = rapidbyte("check", "{name: \"nope_*\"}");
  EXPECT_EQ(nothing.exit_code, 1) << nothing.output;  // as a misspelt stream
  EXPECT_NE(nothing.output.find("error: stream pattern 'nope_*' matches no stream of the source"),
            std::string::npos)
      << nothing.output;
}

// discover needs only the source block: it is how streams are chosen.
TEST_F(CheckCliTest, DiscoverWorksFromASourceBlockAlone) {
  const auto path = cache_dir_ / "check_cli" / "source_only.yaml";
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << "source:\n  use: postgres\n  config: " << pg_config(kSourceDb) << "\n"
                      << "state: {connection: " << (path.parent_path() / "state.db").string()
                      << "}\n";
  auto found = run_command({RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR,
                            "discover", "--json", path.string()});
  EXPECT_EQ(found.exit_code, 0) << found.output;
  EXPECT_NE(found.output.find("\"name\":\"chk_customers\""), std::string::npos) << found.output;
  // A run still needs streams and a destination.
  auto ran = run_command(
      {RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "run", path.string()});
  EXPECT_EQ(ran.exit_code, 2) << ran.output;
}

}  // namespace
}  // namespace rapidbyte::test
