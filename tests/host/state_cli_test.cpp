// `rapidbyte state show|reset`, `runs`, `dlq` and `teardown` against a real
// SQLite state file: the binary is run as an operator would, after real
// runs of a generator pipeline; dead letters and connector state a test
// needs beyond those are written through the backend into the same file.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/engine/state/sqlite_state_backend.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

class StateCliTest : public ::testing::Test {
 protected:
  void SetUp() override { write_pipeline({"items"}); }

  // The pipeline "inc": `rows` generated rows per stream, read incrementally.
  void write_pipeline(const std::vector<std::string>& streams, int rows = 1000) {
    std::string list;
    for (const auto& s : streams) {
      list += (list.empty() ? "" : ", ") + std::string("{name: ") + s +
              ", sync_mode: incremental, cursor_field: id}";
    }
    std::ofstream(pipeline_path())
        << "pipeline: inc\nsource:\n  use: generator\n  config: {rows: " << rows
        << "}\n  streams: [" << list
        << "]\ndestination: {use: \"null\"}\nstate: {connection: " << db_path().string() << "}\n";
  }
  std::filesystem::path pipeline_path() const { return dir_ / "pipeline.yaml"; }
  std::filesystem::path db_path() const { return dir_ / "state.db"; }

  CommandResult cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  // The command on a terminal (script(1) gives it one) that reads `typed`.
  CommandResult cli_on_terminal(const std::string& args, const std::string& typed) {
    const std::string command = std::string(RAPIDBYTE_BINARY) + " " + args;
    return run_command(
        {"sh", "-c", "printf '" + typed + "\\n' | script -qec '" + command + "' /dev/null"});
  }

  std::unique_ptr<engine::SqliteStateBackend> backend() {
    auto db = engine::SqliteStateBackend::open(db_path());
    EXPECT_TRUE(db) << db.error();
    return db ? std::move(*db) : nullptr;
  }

  // Runs the pipeline; returns the records the run wrote.
  uint64_t run_pipeline() {
    auto r = cli({"run", "--json", pipeline_path().string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    rapidjson::Document doc;
    doc.Parse(r.output.c_str());
    EXPECT_FALSE(doc.HasParseError()) << r.output;
    return doc.HasParseError() ? 0 : doc["records"].GetUint64();
  }

  TempDir dir_{"state-cli"};
};

TEST_F(StateCliTest, ShowPrintsTheCursorAndResetStartsTheStreamOver) {
  auto empty = cli({"state", "show", pipeline_path().string()});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.output, "no state: the next run starts from scratch\n");

  EXPECT_EQ(run_pipeline(), 1000u);
  EXPECT_EQ(run_pipeline(), 0u);  // resumed after the cursor

  auto shown = cli({"state", "show", pipeline_path().string()});
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_EQ(shown.output.substr(0, shown.output.find("UPDATED")),
            "cursors:\n  STREAM  CURSOR FIELD  TYPE   VALUE  ");
  EXPECT_NE(shown.output.find("\n  items   id            int64  1000   20"), std::string::npos)
      << shown.output;

  auto json = cli({"state", "show", "--json", pipeline_path().string()});
  rapidjson::Document doc;
  doc.Parse(json.output.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json.output;
  ASSERT_EQ(doc["cursors"].Size(), 1u);
  EXPECT_STREQ(doc["cursors"][0]["stream"].GetString(), "items");
  EXPECT_STREQ(doc["cursors"][0]["cursor_field"].GetString(), "id");
  EXPECT_STREQ(doc["cursors"][0]["type"].GetString(), "int64");
  EXPECT_STREQ(doc["cursors"][0]["value"].GetString(), "1000");
  EXPECT_EQ(doc["connector_state"].Size(), 0u);

  // Without a terminal to ask on, reset wants --yes and changes nothing.
  auto refused = cli({"state", "reset", pipeline_path().string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.output,
            "error: forget 1 cursor and 0 connector state keys of pipeline 'inc' (its next run "
            "starts from scratch): not confirmed (no terminal to ask on); pass --yes to confirm\n");
  EXPECT_TRUE(backend()->cursor("inc", "items").value());

  auto reset = cli({"state", "reset", "--yes", pipeline_path().string()});
  EXPECT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(reset.output,
            "reset pipeline 'inc': forgot 1 cursor and 0 connector state keys; its next run starts "
            "from scratch\n");
  EXPECT_EQ(run_pipeline(), 1000u);
}

TEST_F(StateCliTest, ResetOfOneStreamKeepsTheOthers) {
  write_pipeline({"a", "b"});
  EXPECT_EQ(run_pipeline(), 2000u);
  {
    auto db = backend();
    ASSERT_TRUE(db->put("inc/stream/a/snapshot", "done"));
    ASSERT_TRUE(db->put("inc/stream/b/snapshot", "done"));
    ASSERT_TRUE(db->put("inc/pipeline/slot", "inc_slot"));
  }
  auto shown = cli({"state", "show", "--stream", "a", pipeline_path().string()});
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("connector state:\n  KEY                    UPDATED"),
            std::string::npos)
      << shown.output;
  EXPECT_NE(shown.output.find("  inc/stream/a/snapshot  20"), std::string::npos) << shown.output;
  EXPECT_EQ(shown.output.find("inc/stream/b"), std::string::npos) << shown.output;

  auto reset = cli({"state", "reset", "--stream", "a", "-y", pipeline_path().string()});
  EXPECT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(reset.output,
            "reset stream 'a' of pipeline 'inc': forgot 1 cursor and 1 connector state key; its "
            "next run starts from scratch\n");
  auto db = backend();
  EXPECT_FALSE(db->cursor("inc", "a").value());
  EXPECT_TRUE(db->cursor("inc", "b").value());
  EXPECT_EQ(db->get("inc/stream/a/snapshot").value(), std::nullopt);
  EXPECT_EQ(db->get("inc/stream/b/snapshot").value(), "done");
  EXPECT_EQ(db->get("inc/pipeline/slot").value(), "inc_slot");
  EXPECT_EQ(run_pipeline(), 1000u);  // stream a again, b resumed

  auto unknown = cli({"state", "reset", "--stream", "c", "--yes", pipeline_path().string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.output,
            "error: pipeline 'inc' has no stream 'c' and no state for one (its streams: a, b)\n");
}

TEST_F(StateCliTest, ResetAsksOnATerminal) {
  EXPECT_EQ(run_pipeline(), 1000u);
  const std::string args = "state reset " + pipeline_path().string();
  auto declined = cli_on_terminal(args, "n");
  EXPECT_EQ(declined.exit_code, 2) << declined.output;
  EXPECT_NE(declined.output.find("forget 1 cursor and 0 connector state keys of pipeline 'inc' "
                                 "(its next run starts from scratch)? [y/N] "),
            std::string::npos)
      << declined.output;
  EXPECT_NE(declined.output.find("nothing changed"), std::string::npos) << declined.output;
  EXPECT_TRUE(backend()->cursor("inc", "items").value());

  auto accepted = cli_on_terminal(args, "y");
  EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_NE(accepted.output.find("reset pipeline 'inc': forgot 1 cursor"), std::string::npos)
      << accepted.output;
  EXPECT_FALSE(backend()->cursor("inc", "items").value());
}

TEST_F(StateCliTest, RunsListsTheHistoryNewestFirst) {
  EXPECT_EQ(cli({"runs", pipeline_path().string()}).output, "no runs recorded\n");
  EXPECT_EQ(run_pipeline(), 1000u);
  EXPECT_EQ(run_pipeline(), 0u);
  {
    auto db = backend();
    const int64_t id = db->begin_run("inc").value();
    ASSERT_TRUE(db->finish_run(id, engine::RunStatus::kFailed, 5, 100,
                               "stream 'items': connection refused\nretry later"));
  }
  auto text = cli({"runs", pipeline_path().string()});
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(text.output.find(" \n"), std::string::npos) << "no trailing blanks";
  std::istringstream lines(text.output);
  std::string header, failed, second, first;
  std::getline(lines, header);
  std::getline(lines, failed);
  std::getline(lines, second);
  std::getline(lines, first);
  EXPECT_EQ(header.substr(0, 32), "RUN  STATUS     STARTED         ");
  EXPECT_EQ(failed.substr(0, 11), "3    failed");
  EXPECT_TRUE(failed.ends_with("5        100 B     stream 'items': connection refused retry later"))
      << text.output;
  EXPECT_EQ(second.substr(0, 14), "2    succeeded");
  EXPECT_EQ(first.substr(0, 14), "1    succeeded");
  EXPECT_NE(first.find("  1000     "), std::string::npos) << text.output;

  auto json = cli({"runs", "--json", "--limit", "2", pipeline_path().string()});
  rapidjson::Document doc;
  doc.Parse(json.output.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json.output;
  ASSERT_EQ(doc.Size(), 2u);
  EXPECT_EQ(doc[0]["run_id"].GetInt64(), 3);
  EXPECT_STREQ(doc[0]["status"].GetString(), "failed");
  EXPECT_STREQ(doc[0]["error"].GetString(), "stream 'items': connection refused\nretry later");
  EXPECT_EQ(doc[1]["run_id"].GetInt64(), 2);
  EXPECT_TRUE(doc[1]["error"].IsNull());
  EXPECT_EQ(doc[1]["records"].GetUint64(), 0u);
}

TEST_F(StateCliTest, DeadLettersAreListedCountedExportedAndPurged) {
  write_pipeline({"a", "b"});
  {
    auto db = backend();
    auto letter = [](const std::string& stream, int id) {
      p::DlqRecord r{stream, "{\"id\":" + std::to_string(id) + ",\"email\":null}", {}};
      r.error.code = "NOT_NULL";
      r.error.category = p::ErrorCategory::kData;
      r.error.message = "column email: null";
      return engine::DlqEntry{"inc", 1, r};
    };
    ASSERT_TRUE(db->add_dead_letters({letter("a", 1), letter("b", 2), letter("a", 3)}));
  }
  const std::string path = pipeline_path().string();
  EXPECT_EQ(cli({"dlq", "count", path}).output, "3\n");
  EXPECT_EQ(cli({"dlq", "count", "--stream", "a", path}).output, "2\n");

  auto listed = cli({"dlq", "list", "--limit", "2", path});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("NOT_NULL: column email: null  {\"id\":1,\"email\":null}"),
            std::string::npos)
      << listed.output;
  EXPECT_EQ(listed.output.find("{\"id\":3"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find(
                "the oldest 2 of 3: `rapidbyte dlq export` writes them all as JSON lines\n"),
            std::string::npos)
      << listed.output;

  const auto exported = dir_ / "dead.jsonl";
  auto done = cli({"dlq", "export", "--stream", "a", "-o", exported.string(), path});
  EXPECT_EQ(done.exit_code, 0) << done.output;
  EXPECT_EQ(done.output, "exported 2 dead letters to " + exported.string() + "\n");
  std::ifstream in(exported);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u);
  rapidjson::Document doc;
  doc.Parse(lines[1].c_str());
  ASSERT_FALSE(doc.HasParseError()) << lines[1];
  EXPECT_EQ(doc["id"].GetInt64(), 3);
  EXPECT_EQ(doc["run_id"].GetInt64(), 1);
  EXPECT_STREQ(doc["stream"].GetString(), "a");
  EXPECT_STREQ(doc["error"]["code"].GetString(), "NOT_NULL");
  EXPECT_STREQ(doc["error"]["category"].GetString(), "data");
  EXPECT_STREQ(doc["error"]["message"].GetString(), "column email: null");
  EXPECT_EQ(doc["record"]["id"].GetInt(), 3);  // the record as JSON, not a string
  EXPECT_TRUE(doc["record"]["email"].IsNull());

  auto refused = cli({"dlq", "purge", "--stream", "a", path});
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_EQ(cli({"dlq", "count", path}).output, "3\n");
  auto purged = cli({"dlq", "purge", "--stream", "a", "--yes", path});
  EXPECT_EQ(purged.exit_code, 0) << purged.output;
  EXPECT_EQ(purged.output, "purged 2 dead letters of stream 'a' of pipeline 'inc'\n");
  EXPECT_EQ(cli({"dlq", "count", path}).output, "1\n");
  EXPECT_EQ(cli({"dlq", "list", "--stream", "a", path}).output,
            "no dead letters for stream 'a' of pipeline 'inc'\n");
}

TEST_F(StateCliTest, TeardownForgetsEveryCursorAlsoOfRemovedStreams) {
  write_pipeline({"a", "b"});
  EXPECT_EQ(run_pipeline(), 2000u);
  write_pipeline({"a"});  // b is no longer in the file
  {
    auto db = backend();
    ASSERT_TRUE(db->put("inc/stream/b/snapshot", "done"));
  }
  auto torn = cli({"teardown", pipeline_path().string()});
  EXPECT_EQ(torn.exit_code, 0) << torn.output;
  EXPECT_EQ(cli({"state", "show", pipeline_path().string()}).output,
            "no state: the next run starts from scratch\n");
  EXPECT_EQ(run_pipeline(), 1000u);
}

}  // namespace
}  // namespace rapidbyte::test
