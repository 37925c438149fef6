// The engine beyond one happy stream: retries that follow the connector's
// error, parallel streams, cancellation, and the check and discover commands.
#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>

#include <fstream>
#include <numeric>
#include <sstream>

#include "host/engine/connector_catalog.hpp"
#include "host/engine/pipeline_probe.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "tests/host/runtime_fixture.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

class EngineTest : public RuntimeTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(cache_dir_);
    db_path_ =
        cache_dir_ /
        (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
    std::filesystem::remove(db_path_);
    auto state = engine::SqliteStateBackend::open(db_path_);
    ASSERT_TRUE(state) << state.error();
    state_ = std::move(*state);
    catalog_ = std::make_unique<engine::ConnectorCatalog>(
        *engine_,
        std::vector<std::filesystem::path>{RAPIDBYTE_CONNECTOR_DIR, RAPIDBYTE_TEST_GUEST_DIR});
  }

  engine::PipelineConfig pipeline(const std::string& yaml) {
    auto parsed = engine::parse_pipeline(yaml, "engine.yaml");
    EXPECT_TRUE(parsed) << parsed.error();
    return *parsed;
  }

  engine::RunReport run(const std::string& yaml, std::stop_token stop = {}) {
    engine::PipelineRunner runner(*engine_, *catalog_, *state_);
    engine::RunOptions options;
    options.stop = stop;
    auto report = runner.run(pipeline(yaml), options);
    EXPECT_TRUE(report) << report.error().message;
    return *report;
  }

  std::filesystem::path db_path_;
  std::unique_ptr<engine::SqliteStateBackend> state_;
  std::unique_ptr<engine::ConnectorCatalog> catalog_;
};

std::string flaky_yaml(int fail_times, int max_retries) {
  return "pipeline: flaky\nsource:\n  use: generator\n  config: {rows: 1000}\n  streams: [{name: "
         "s}]\n"
         "destination:\n  use: test-flaky-dest\n  config: {fail_times: " +
         std::to_string(fail_times) + "}\nresources: {max_retries: " + std::to_string(max_retries) +
         ", retry_base_delay_ms: 1}\n";
}

TEST_F(EngineTest, RetriesTransientFailuresAndEndsWithExactData) {
  const auto report = run(flaky_yaml(2, 3));
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  ASSERT_EQ(report.streams.size(), 1u);
  EXPECT_EQ(report.streams[0].attempts, 3u);
  EXPECT_EQ(report.streams[0].records(), 1000u);
  auto runs = state_->recent_runs("flaky", 1);
  ASSERT_TRUE(runs);
  EXPECT_EQ((*runs)[0].status, engine::RunStatus::kSucceeded);
  EXPECT_EQ((*runs)[0].records, 1000u);
}

// A full refresh appended in part before its destination failed: a retry
// would append those rows again, so the stream fails instead, saying why,
// and the run counts the rows that were committed. With upsert the same
// failure is retried.
TEST_F(EngineTest, RetryThatWouldAppendCommittedRowsAgainIsRefused) {
  const std::string yaml =
      "pipeline: partial\nsource:\n  use: generator\n  config: {rows: 100000}\n  streams: "
      "[{name: s, primary_key: [id]}]\ndestination:\n  use: test-flaky-dest\n  config: "
      "{fail_times: 1, commit_batches: 2}\n  write_mode: WRITE_MODE\nresources: {max_retries: 3, "
      "retry_base_delay_ms: 1, max_batch_bytes: 65536}\n";
  auto with_mode = [&](const std::string& mode) {
    std::string text = yaml;
    text.replace(text.find("WRITE_MODE"), 10, mode);
    return text;
  };
  const auto report = run(with_mode("append"));
  ASSERT_FALSE(report.succeeded());
  ASSERT_EQ(report.streams.size(), 1u);
  EXPECT_EQ(report.streams[0].attempts, 1u);
  EXPECT_EQ(report.first_error(),
            "s: test-flaky-dest: connection to the target lost (attempt 1); not retried: the "
            "destination of stream 's' had already committed rows that a retry would append "
            "again (write_mode append); use upsert or replace for retries that cannot duplicate");
  const uint64_t committed = report.streams[0].records();
  EXPECT_GT(committed, 0u);
  EXPECT_LT(committed, 100000u);
  auto runs = state_->recent_runs("partial", 1);
  ASSERT_TRUE(runs);
  EXPECT_EQ((*runs)[0].records, committed);

  ASSERT_TRUE(state_->put("partial/pipeline/flaky-attempts", "0"));
  const auto upsert = run(with_mode("upsert"));
  ASSERT_TRUE(upsert.succeeded()) << upsert.first_error();
  EXPECT_EQ(upsert.streams[0].attempts, 2u);
  // What both attempts committed.
  EXPECT_EQ(upsert.streams[0].records(), 100000u + committed);
}

TEST_F(EngineTest, GivesUpAfterMaxRetriesWithTheConnectorsMessage) {
  const auto report = run(flaky_yaml(5, 1));
  ASSERT_FALSE(report.succeeded());
  EXPECT_EQ(report.streams[0].attempts, 2u);
  const auto* error = report.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, p::ErrorCategory::kTransientDb);
  EXPECT_EQ(error->message, "connection to the target lost (attempt 2)");
  EXPECT_EQ(report.first_error(), "s: test-flaky-dest: connection to the target lost (attempt 2)");
  auto runs = state_->recent_runs("flaky", 1);
  ASSERT_TRUE(runs);
  EXPECT_EQ((*runs)[0].status, engine::RunStatus::kFailed);
  EXPECT_EQ((*runs)[0].error, "s: test-flaky-dest: connection to the target lost (attempt 2)");
}

// A source that emits bytes that are not Arrow IPC: the first stage that
// decodes them fails the stream, naming itself and the stream; nothing is
// retried (the data would be the same).
TEST_F(EngineTest, GarbageBatchFailsTheStreamAtTheFirstDecoder) {
  const auto report =
      run("pipeline: garbage\nsource:\n  use: test-misbehave\n  config: {mode: garbage_ipc}\n"
          "  streams: [{name: s}]\ntransforms: [{use: sql, config: {query: SELECT * FROM input}}]\n"
          "destination: {use: \"null\"}\n");
  ASSERT_FALSE(report.succeeded());
  EXPECT_EQ(report.streams[0].attempts, 1u);
  EXPECT_TRUE(report.first_error().starts_with("s: transform-sql: invalid Arrow IPC batch: "))
      << report.first_error();
}

// The manifests' modes are checked before anything runs: every stream's sync
// mode against the source's (and the destination's), the write mode against
// the destination's.
TEST_F(EngineTest, ModesTheManifestsDoNotListAreConfigErrorsBeforeTheRun) {
  engine::PipelineRunner runner(*engine_, *catalog_, *state_);
  auto report = runner.run(
      pipeline("pipeline: modes\nsource:\n  use: generator\n  streams:\n    - {name: a}\n"
               "    - {name: b, sync_mode: cdc}\ndestination:\n  use: test-flaky-dest\n"
               "  write_mode: replace\n"));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, engine::EngineError::Kind::kConfig);
  EXPECT_EQ(report.error().message,
            "engine.yaml:3: source: streams[1] ('b'): connector 'source-generator' does not "
            "support sync_mode cdc (its manifest lists: full_refresh, incremental)\n"
            "engine.yaml:8: destination: streams[1] ('b'): connector 'test-flaky-dest' does not "
            "support sync_mode cdc (its manifest lists: full_refresh, incremental)\n"
            "engine.yaml:8: destination: destination.write_mode: connector 'test-flaky-dest' "
            "does not support write_mode replace (its manifest lists: append, upsert)");
  EXPECT_TRUE(state_->recent_runs("modes", 1).value().empty()) << "nothing ran";
}

// An incremental stream names its cursor_field, unless its source keeps
// the position itself (capabilities.cursor: connector, as source-file does).
TEST_F(EngineTest, IncrementalStreamsNeedACursorFieldUnlessTheSourceKeepsItsPosition) {
  engine::PipelineRunner runner(*engine_, *catalog_, *state_);
  auto report = runner.run(
      pipeline("pipeline: cursors\nsource:\n  use: generator\n  streams:\n"
               "    - {name: a, sync_mode: incremental}\ndestination:\n  use: \"null\"\n"));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, engine::EngineError::Kind::kConfig);
  EXPECT_EQ(report.error().message,
            "engine.yaml:3: source: streams[0] ('a').cursor_field: required when sync_mode is "
            "incremental");
}

TEST_F(EngineTest, ParallelStreamsAreEachExact) {
  std::string yaml =
      "pipeline: parallel\nsource:\n  use: generator\n  config: {rows: 20000}\n  streams:\n";
  for (int i = 0; i < 8; ++i) yaml += "    - name: s" + std::to_string(i) + "\n";
  yaml +=
      "transforms: [{use: passthrough}]\ndestination: {use: \"null\"}\nresources: {parallelism: "
      "4}\n";
  const auto report = run(yaml);
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  ASSERT_EQ(report.streams.size(), 8u);
  const auto first_checksum = report.streams[0].stages.back().counter("checksum");
  ASSERT_TRUE(first_checksum);
  for (const auto& s : report.streams) {
    EXPECT_EQ(s.records(), 20000u) << s.stream;
    EXPECT_EQ(s.stages.back().counter("checksum"), first_checksum) << s.stream;
  }
  EXPECT_EQ(report.records(), 160000u);
}

TEST_F(EngineTest, StopRequestCancelsTheRunAndRecordsIt) {
  std::stop_source stop;
  stop.request_stop();
  const auto report =
      run("pipeline: cancel\nsource:\n  use: generator\n  config: {rows: 100000000}\n  streams: "
          "[{name: s}]\n"
          "destination: {use: \"null\"}\n",
          stop.get_token());
  EXPECT_TRUE(report.cancelled);
  EXPECT_FALSE(report.succeeded());
  ASSERT_NE(report.streams[0].root_error(), nullptr);
  EXPECT_EQ(report.streams[0].root_error()->code, "CANCELLED");
  auto runs = state_->recent_runs("cancel", 1);
  ASSERT_TRUE(runs);
  EXPECT_EQ((*runs)[0].status, engine::RunStatus::kCancelled);
}

TEST_F(EngineTest, DryRunPreviewsSourceAndTransformsAndWritesNothing) {
  std::vector<std::string> streams;
  int64_t rows = 0;
  engine::RunOptions options;
  options.dry_run_limit = 5;
  options.preview = [&](const std::string& stream, const std::vector<uint8_t>& ipc) {
    auto contents = arrow::read_ipc_stream(ipc);
    ASSERT_TRUE(contents) << contents.error().message;
    for (const auto& b : contents->batches) rows += b.num_rows();
    streams.push_back(stream);
  };
  engine::PipelineRunner runner(*engine_, *catalog_, *state_);
  auto report = runner.run(
      pipeline("pipeline: preview\nsource:\n  use: generator\n  config: {rows: 1000}\n"
               "  streams: [{name: s, sync_mode: incremental, cursor_field: id}]\n"
               "transforms: [{use: passthrough}]\ndestination: {use: test-flaky-dest}\n"),
      options);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->succeeded()) << report->first_error();
  EXPECT_EQ(rows, 5);
  EXPECT_EQ(streams, std::vector<std::string>{"s"});
  ASSERT_EQ(report->streams[0].stages.size(), 2u);  // source and transform only
  EXPECT_TRUE(state_->recent_runs("preview", 1)->empty());
  EXPECT_FALSE(*state_->cursor("preview", "s"));
}

// The limit is the host's, not a source's promise: a source that ignores
// max-records still previews no more than the limit.
TEST_F(EngineTest, DryRunLimitHoldsAgainstASourceThatIgnoresIt) {
  std::vector<int64_t> values;
  engine::RunOptions options;
  options.dry_run_limit = 15;
  options.preview = [&](const std::string&, const std::vector<uint8_t>& ipc) {
    auto contents = arrow::read_ipc_stream(ipc);
    ASSERT_TRUE(contents) << contents.error().message;
    for (const auto& b : contents->batches) {
      arrow::PrimitiveArray<int64_t> n(b.column(0));
      for (int64_t i = 0; i < b.num_rows(); ++i) values.push_back(n.value(i));
    }
  };
  engine::PipelineRunner runner(*engine_, *catalog_, *state_);
  auto report = runner.run(pipeline("pipeline: limit\nsource:\n  use: test-misbehave\n"
                                    "  config: {mode: ignore_limit}\n  streams: [{name: s}]\n"
                                    "destination: {use: \"null\"}\n"),
                           options);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->succeeded()) << report->first_error();
  std::vector<int64_t> expected(15);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(values, expected);
}

TEST_F(EngineTest, CheckReportsEveryConnector) {
  auto lines = engine::check_pipeline(
      *engine_, *catalog_, *state_,
      pipeline("pipeline: c\nsource: {use: generator, streams: [{name: s}]}\n"
               "transforms: [{use: passthrough}]\ndestination: {use: \"null\"}\n"));
  std::vector<std::string> rendered;
  for (const auto& l : lines) {
    rendered.push_back(std::to_string(static_cast<int>(l.status)) + " " + l.subject + ": " +
                       l.check);
  }
  EXPECT_EQ(rendered, (std::vector<std::string>{
                          "0 pipeline: connectors and configs",
                          "0 source source-generator: open",
                          "0 source source-generator: validate",
                          "0 stream s: catalog",
                          "0 transform transform-passthrough: open",
                          "0 transform transform-passthrough: validate",
                          "0 destination dest-null: open",
                          "0 destination dest-null: validate",
                          "0 stream s: transforms",
                          "0 stream s: destination",
                      }));
}

// Transforms are bound against each stream's schema by a dry run that reads
// no rows: a query naming a column the stream lacks fails check.
TEST_F(EngineTest, CheckBindsTransformsAgainstTheStreamsSchema) {
  auto lines = engine::check_pipeline(
      *engine_, *catalog_, *state_,
      pipeline("pipeline: c\nsource: {use: generator, streams: [{name: s}, {name: t}]}\n"
               "transforms:\n  - use: sql\n    config: {query: \"SELECT id, nmae FROM input\"}\n"
               "destination: {use: \"null\"}\n"));
  std::vector<std::string> transforms;
  for (const auto& l : lines) {
    if (l.check == "transforms") {
      transforms.push_back(std::to_string(static_cast<int>(l.status)) + " " + l.subject + ": " +
                           l.message);
    }
  }
  EXPECT_EQ(transforms, (std::vector<std::string>{
                            "2 stream s: transform-sql: query error at line 1, column 12: column "
                            "\"nmae\" does not exist",
                            "2 stream t: transform-sql: query error at line 1, column 12: column "
                            "\"nmae\" does not exist",
                        }));
}

TEST_F(EngineTest, CheckFailsOnBadConfigWithTheReason) {
  auto lines = engine::check_pipeline(
      *engine_, *catalog_, *state_,
      pipeline("pipeline: c\nsource: {use: generator, config: {rows: x}, streams: [{name: s}]}\n"
               "destination: {use: \"null\"}\n"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].status, p::CheckStatus::kFailed);
  EXPECT_TRUE(lines[0].invalid_pipeline);  // exit code 2, as run
  EXPECT_EQ(lines[0].message,
            "engine.yaml:2: source.config: connector 'source-generator' rejects its config:\n"
            "  - config.rows (line 2): must be an integer, got 'x'");
}

// Streams are resolved against what the source discovers: a misspelt
// column or cursor is found by check, not by the run.
TEST_F(EngineTest, CheckResolvesStreamsAgainstTheSourceCatalog) {
  auto lines = engine::check_pipeline(
      *engine_, *catalog_, *state_,
      pipeline("pipeline: c\nsource:\n  use: generator\n  streams:\n"
               "    - {name: s, columns: [id, nmae]}\n"
               "    - {name: t, sync_mode: incremental, cursor_field: value}\n"
               "destination: {use: \"null\"}\n"));
  std::vector<std::string> failed;
  for (const auto& l : lines) {
    if (l.status == p::CheckStatus::kFailed) failed.push_back(l.subject + ": " + l.message);
    EXPECT_FALSE(l.invalid_pipeline);
  }
  EXPECT_EQ(failed, (std::vector<std::string>{
                        "stream s: no column 'nmae'; did you mean 'name'?",
                        "stream t: column 'value' has type float64, which cannot "
                        "order an incremental read; columns that can: id",
                    }));
}

TEST_F(EngineTest, DiscoverReturnsTheSourceCatalog) {
  auto catalog = engine::discover_catalog(*engine_, *catalog_, *state_,
                                          pipeline("pipeline: d\nsource: {use: generator, streams: "
                                                   "[{name: s}]}\ndestination: {use: \"null\"}\n"));
  ASSERT_TRUE(catalog) << catalog.error().message;
  // Its configured stream, and the pipeline's (it generates any it is asked for).
  ASSERT_EQ(catalog->streams.size(), 2u);
  EXPECT_EQ(catalog->streams[1].name, "s");
  EXPECT_EQ(catalog->streams[1].columns, catalog->streams[0].columns);
  const auto& stream = catalog->streams[0];
  EXPECT_EQ(stream.name, "generated");
  std::vector<std::string> columns;
  for (const auto& c : stream.columns) columns.push_back(c.name + ":" + c.arrow_type);
  EXPECT_EQ(columns, (std::vector<std::string>{"id:int64", "value:float64", "name:utf8",
                                               "flag:bool", "ts:timestamp[us, tz=UTC]"}));
}

// The filesystem a pipeline grants: the directory the connector's config
// names, narrowed by permissions.filesystem, read-only for a source.
class FilesystemPermissionTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    root_ = cache_dir_ / "files";
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "lake");
    std::filesystem::create_directories(root_ / "elsewhere");
    std::ofstream(root_ / "lake" / "data.txt") << "rows";
    std::ofstream(root_ / "secret.txt") << "secret";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string prober_pipeline(const std::string& granted_root, const std::string& script) const {
    return "pipeline: files\nsource:\n  use: test-file-prober\n  config: {root: \"" + granted_root +
           "\", script: \"" + script + "\"}\n  permissions: {filesystem: [\"" +
           (root_ / "lake").string() + "\"]}\n  streams: [{name: s}]\n" +
           "destination: {use: \"null\"}\n";
  }

  std::filesystem::path root_;
};

TEST_F(FilesystemPermissionTest, TheConnectorSeesOnlyItsGrantReadOnly) {
  const std::string lake = (root_ / "lake").string();
  const std::string yaml = prober_pipeline(
      lake, "read " + lake + "/data.txt\\nwrite " + lake + "/new.txt x\\nread " +
                (root_ / "secret.txt").string() + "\\nread " + lake + "/../secret.txt");
  std::ostringstream log_text;
  engine::RunOptions options;
  options.log = std::make_shared<spdlog::logger>(
      "files", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text));
  engine::PipelineRunner runner(*engine_, *catalog_, *state_);
  auto report = runner.run(pipeline(yaml), options);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->succeeded()) << report->first_error();
  const std::string logged = log_text.str();
  for (const std::string& line : {
           "read " + lake + "/data.txt: ok rows",
           "write " + lake + "/new.txt x: Operation not permitted",
           "read " + (root_ / "secret.txt").string() + ": Capabilities insufficient",
           "read " + lake + "/../secret.txt: Operation not permitted",
       }) {
    EXPECT_NE(logged.find(line), std::string::npos) << line << "\n" << logged;
  }
  EXPECT_FALSE(std::filesystem::exists(root_ / "lake" / "new.txt"));
}

TEST_F(FilesystemPermissionTest, ADirectoryOutsideThePermissionsStopsThePipelineBeforeItRuns) {
  const std::string elsewhere = (root_ / "elsewhere").string();
  engine::PipelineRunner runner(*engine_, *catalog_, *state_);
  auto report = runner.run(pipeline(prober_pipeline(elsewhere, "write " + elsewhere + "/x y")), {});
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().message,
            "engine.yaml:3: source: connector 'test-file-prober': config.root '" + elsewhere +
                "' is outside the directories the pipeline grants (permissions.filesystem: " +
                (root_ / "lake").string() + ")");
  EXPECT_TRUE(std::filesystem::is_empty(root_ / "elsewhere"));
}

}  // namespace
}  // namespace rapidbyte::test
