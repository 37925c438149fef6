// The whole path: generator -> passthrough -> null through the engine, one
// thread and one store per stage, 1,000,000 rows. The destination must see
// exactly the rows the source produced: same count, same content checksum
// (computed here natively over the source's own batches).
#include <gtest/gtest.h>

#include "host/engine/connector_catalog.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "portable/arrow/checksum.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "tests/host/runtime_fixture.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

constexpr uint64_t kRows = 1'000'000;
constexpr const char* kGeneratorConfig = R"({"rows": 1000000, "seed": 7})";

// Where run_cli writes a pipeline file and its state; removed after each
// command.
std::filesystem::path cli_dir() {
  return std::filesystem::temp_directory_path() / ("rapidbyte-cli-" + std::to_string(::getpid()));
}

std::string pipeline_yaml(bool with_transform) {
  return std::string(
             "version: 1\npipeline: e2e\nsource:\n  use: generator\n  config: {rows: 1000000, "
             "seed: 7}\n"
             "  streams: [{name: synthetic}]\n") +
         (with_transform ? "transforms:\n  - use: passthrough\n" : "") +
         "destination:\n  use: \"null\"\nstate:\n  connection: " +
         (cli_dir() / "state.db").string() +
         "\nresources:\n  max_batch_bytes: 1048576\n  "
         "max_inflight_batches: 4\n";
}

// A shell command line, its stdout and stderr interleaved.
CommandResult run_shell(const std::string& command) {
  return run_command({"sh", "-c", command});
}

// Writes `yaml` to a fresh pipeline file and runs the CLI on it.
CommandResult run_cli(const std::string& yaml, const std::string& args, std::string* path_out) {
  const auto dir = cli_dir();
  std::filesystem::create_directories(dir);
  const auto path = dir / "pipeline.yaml";
  std::ofstream(path) << yaml;
  *path_out = path.string();
  auto result = run_shell(std::string(RAPIDBYTE_BINARY) + " --connector-dir " +
                          RAPIDBYTE_CONNECTOR_DIR + " run " + args + " " + path.string());
  std::filesystem::remove_all(dir);
  return result;
}

class EndToEndTest : public RuntimeTest {
 protected:
  engine::RunReport run(const std::string& yaml) {
    auto pipeline = engine::parse_pipeline(yaml, "e2e.yaml");
    EXPECT_TRUE(pipeline) << pipeline.error();
    engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
    auto state = engine::SqliteStateBackend::open(cache_dir_ / "e2e-state.db");
    EXPECT_TRUE(state) << state.error();
    engine::PipelineRunner runner(*engine_, catalog, **state);
    auto report = runner.run(*pipeline);
    EXPECT_TRUE(report) << report.error().message;
    return *report;
  }

  // The checksum of what the source emits, decoded natively on the host.
  uint64_t source_checksum(uint64_t* rows) {
    auto source = instantiate(connector("source-generator"));
    EXPECT_TRUE(source);
    EXPECT_TRUE(source->open(kGeneratorConfig));
    p::RunRequest req;
    req.phase = p::RunPhase::kRead;
    p::StreamContext ctx;
    ctx.stream_name = "synthetic";
    ctx.limits.max_batch_bytes = 1 << 20;
    req.streams.push_back(ctx);
    auto summary = source->run(req);
    EXPECT_TRUE(summary) << summary.error().message;
    uint64_t sum = 0;
    *rows = 0;
    for (const auto& bytes : services_.emitted) {
      auto reader = arrow::IpcStreamReader::open(bytes);
      EXPECT_TRUE(reader) << reader.error().message;
      while (true) {
        auto batch = reader->next();
        EXPECT_TRUE(batch) << batch.error().message;
        if (!batch || !*batch) break;
        sum += arrow::content_checksum(**batch);
        *rows += static_cast<uint64_t>((*batch)->num_rows());
      }
    }
    return sum;
  }
};

TEST_F(EndToEndTest, GeneratorThroughPassthroughToNullIsExact) {
  uint64_t source_rows = 0;
  const uint64_t expected = source_checksum(&source_rows);
  ASSERT_EQ(source_rows, kRows);

  const auto report = run(pipeline_yaml(true));
  ASSERT_TRUE(report.succeeded());
  ASSERT_EQ(report.streams.size(), 1u);
  const auto& stream = report.streams[0];
  ASSERT_EQ(stream.stages.size(), 3u);
  EXPECT_EQ(stream.records(), kRows);
  const auto& source = stream.stages[0];
  const auto& transform = stream.stages[1];
  const auto& dest = stream.stages[2];
  ASSERT_TRUE(source.summary && source.summary->read);
  EXPECT_EQ(source.summary->read->records, kRows);
  ASSERT_TRUE(transform.summary && transform.summary->transform);
  EXPECT_EQ(transform.summary->transform->records_in, kRows);
  EXPECT_EQ(transform.summary->transform->records_out, kRows);
  EXPECT_EQ(transform.batches_emitted, source.batches_emitted);
  ASSERT_TRUE(dest.summary && dest.summary->write);
  EXPECT_EQ(dest.summary->write->records_written, kRows);
  EXPECT_EQ(dest.counter("records"), kRows);
  EXPECT_EQ(dest.counter("checksum"), expected);
  // Batches respect the stream's max_batch_bytes.
  EXPECT_LE(source.bytes_emitted / source.batches_emitted, 1u << 20);
  EXPECT_GT(source.batches_emitted, 1u);
}

// Incremental runs resume after the cursor the destination committed: a
// second run over a grown source reads only the new rows, a third reads none.
TEST_F(EndToEndTest, IncrementalRunsResumeFromCommittedCursor) {
  const auto db_path = cache_dir_ / "incremental.db";
  std::filesystem::create_directories(cache_dir_);
  std::filesystem::remove(db_path);
  auto yaml = [&](int rows) {
    return "pipeline: incremental\nsource:\n  use: generator\n  config: {rows: " +
           std::to_string(rows) +
           "}\n  streams: [{name: items, sync_mode: incremental, cursor_field: id}]\n"
           "transforms: [{use: passthrough}]\ndestination: {use: \"null\"}\n"
           "state: {connection: " +
           db_path.string() + "}\nresources: {checkpoint_interval_rows: 100}\n";
  };
  auto run_rows = [&](int rows) {
    auto pipeline = engine::parse_pipeline(yaml(rows), "inc.yaml");
    EXPECT_TRUE(pipeline) << pipeline.error();
    engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
    auto state = engine::SqliteStateBackend::open(db_path);
    EXPECT_TRUE(state) << state.error();
    engine::PipelineRunner runner(*engine_, catalog, **state);
    auto report = runner.run(*pipeline);
    EXPECT_TRUE(report && report->succeeded());
    auto cursor = (*state)->cursor("incremental", "items");
    EXPECT_TRUE(cursor && *cursor);
    return std::make_pair(report->records(), std::get<p::cursor_kind::kInt64>((*cursor)->value));
  };
  EXPECT_EQ(run_rows(1000), std::make_pair(uint64_t{1000}, int64_t{1000}));
  EXPECT_EQ(run_rows(1500), std::make_pair(uint64_t{500}, int64_t{1500}));
  EXPECT_EQ(run_rows(1500), std::make_pair(uint64_t{0}, int64_t{1500}));
}

TEST_F(EndToEndTest, ConfigIsCheckedAgainstManifestSchemaBeforeAnythingRuns) {
  auto pipeline = engine::parse_pipeline(
      "pipeline: bad\nsource:\n  use: generator\n  config: {rows: -5, colour: red}\n"
      "  streams: [{name: s}]\ndestination:\n  use: \"null\"\n  config: {extra: 1}\n",
      "bad.yaml");
  ASSERT_TRUE(pipeline) << pipeline.error();
  engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
  auto state = engine::SqliteStateBackend::open(cache_dir_ / "bad-config.db");
  ASSERT_TRUE(state);
  engine::PipelineRunner runner(*engine_, catalog, **state);
  auto report = runner.run(*pipeline);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, engine::EngineError::Kind::kConfig);
  EXPECT_EQ(report.error().message,
            "bad.yaml:3: source.config: connector 'source-generator' rejects its config:\n"
            "  - config.rows (line 4): must be at least 0, got '-5'\n"
            "  - config.colour (line 4): unknown key (expected one of: rows, seed, stream, "
            "columns)\n"
            "bad.yaml:7: destination.config: connector 'dest-null' rejects its config:\n"
            "  - config.extra (line 8): unknown key (the connector takes no keys here)");
}

TEST_F(EndToEndTest, CliRunPrintsJsonSummary) {
  std::string path;
  auto result = run_cli(pipeline_yaml(true), "--json", &path);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find(R"("pipeline":"e2e","status":"succeeded","records":1000000)"),
            std::string::npos)
      << result.output;
}

TEST_F(EndToEndTest, CliReportsUnknownConnectorWithExitCode2) {
  std::string path;
  auto result = run_cli(
      "pipeline: x\nsource:\n  use: nosuch\n  streams: [{name: s}]\ndestination: {use: \"null\"}\n",
      "", &path);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(path + ":3: source.use: no source connector named 'nosuch'"),
            std::string::npos)
      << result.output;
}

// A record limit without --dry-run would write part of the data and look
// like a test run: refused before anything runs, as bad usage (2, not
// CLI11's own codes).
TEST_F(EndToEndTest, CliRefusesALimitWithoutDryRun) {
  std::string path;
  auto result = run_cli(pipeline_yaml(false), "--limit 2", &path);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_EQ(result.output, "--limit requires --dry-run\nRun with --help for more information.\n");
  auto unknown = run_shell(std::string(RAPIDBYTE_BINARY) + " run --no-such-flag x.yaml");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
}

// Dry-run rows as JSON name their stream: one line per row.
TEST_F(EndToEndTest, CliDryRunJsonRowsNameTheirStream) {
  std::string path;
  auto result = run_cli(pipeline_yaml(false), "--dry-run --json --limit 2", &path);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.rfind("{\"stream\":\"synthetic\",\"record\":{\"id\":1,", 0), 0u)
      << result.output;
  EXPECT_NE(result.output.find("\n{\"stream\":\"synthetic\",\"record\":{\"id\":2,"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 2) << result.output;
}

// A state database that cannot be used is the environment's failure, not
// bad usage: exit code 1, the file named.
TEST_F(EndToEndTest, CliReportsAStateDatabaseFailureWithExitCode1) {
  std::filesystem::create_directories(cache_dir_);
  const auto state = cache_dir_ / "not-a-state.db";
  std::ofstream(state) << std::string(4096, 'x');
  std::string path;
  auto result = run_cli(
      "pipeline: x\nsource:\n  use: generator\n  streams: [{name: s}]\n"
      "destination: {use: \"null\"}\nstate: {connection: " +
          state.string() + "}\n",
      "", &path);
  std::filesystem::remove(state);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(result.output, "error: state database " + state.string() +
                               ": cannot open: not a valid state database (file is not a "
                               "database); the file was left as it is\n");
}

}  // namespace
}  // namespace rapidbyte::test
