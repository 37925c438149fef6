// The host's memory stays within its budget however a guest floods it.
//
// Each case runs the real CLI on a pipeline whose source is test-misbehave
// in one flooding mode (metrics, dead letters, logs, state values,
// checkpoints, its own memory), into the null destination, and measures the
// peak resident set of that process. The budget: what a well-behaved run of
// the same pipeline peaks at, plus the guest's memory cap, plus what the
// stream's limits let the host hold for it (the queues' batches, one host
// call's copy, the dead-letter buffer), plus allocator slack. Unbounded, each
// flood would hold hundreds of MiB. The outcome of each run is exact too.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "host/engine/stage_services.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

namespace fs = std::filesystem;
namespace p = rapidbyte::protocol;

constexpr long kStageMemoryMib = 64;
constexpr long kMaxBatchBytes = 1 << 20;
constexpr long kMaxRecordBytes = 1 << 20;
constexpr long kMaxInflightBatches = 4;

// What the stream's limits let the host hold on the guest's behalf, beyond
// a well-behaved run: its memory, the queue's batches, one call's copy, the
// dead letters waiting to be written; and slack for allocator arenas.
constexpr long kBudgetOverBaselineKib =
    (kStageMemoryMib << 10) + kMaxInflightBatches * (kMaxBatchBytes + kMaxRecordBytes) / 1024 +
    (kMaxBatchBytes + kMaxRecordBytes + (1 << 20)) / 1024 +
    static_cast<long>(engine::StageServices::kDeadLetterBufferBytes / 1024) + (24 << 10);

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class HostMemoryBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (fs::temp_directory_path() / "rapidbyte-budget-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the pipeline with the guest in `mode`; `flag` goes before the
  // command, `run_flag` after it.
  test::CommandResult run(const std::string& mode, const std::string& flag = "",
                          const std::string& run_flag = "") {
    const fs::path pipeline = dir_ / "pipeline.yaml";
    std::ofstream(pipeline) << fmt::format(R"(pipeline: budget
source:
  use: test-misbehave
  config: {{mode: {}}}
  streams: [{{name: s}}]
destination:
  use: "null"
resources:
  stage_memory_mb: {}
  max_batch_bytes: {}
  max_record_bytes: {}
  max_inflight_batches: {}
  max_retries: 0
state:
  connection: {}
)",
                                           mode, kStageMemoryMib, kMaxBatchBytes, kMaxRecordBytes,
                                           kMaxInflightBatches, (dir_ / "state.db").string());
    std::vector<std::string> argv{RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_TEST_GUEST_DIR};
    if (!flag.empty()) argv.push_back(flag);
    argv.push_back("run");
    if (!run_flag.empty()) argv.push_back(run_flag);
    argv.push_back(pipeline.string());
    return test::run_command(argv);
  }

  std::unique_ptr<engine::SqliteStateBackend> state() {
    auto db = engine::SqliteStateBackend::open(dir_ / "state.db");
    EXPECT_TRUE(db) << db.error();
    return db ? std::move(*db) : nullptr;
  }

  // The peak of a well-behaved run of the same pipeline, once per suite.
  long baseline_kib() {
    static const long baseline = [&] {
      const test::CommandResult ok = run("ok");
      EXPECT_EQ(ok.exit_code, 0) << ok.output;
      return ok.peak_rss_kib;
    }();
    return baseline;
  }

  void expect_within_budget(const test::CommandResult& flooded) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // AddressSanitizer's quarantine keeps freed memory resident on purpose,
    // ThreadSanitizer's shadow grows with it: peak RSS says nothing about the
    // program there. The rest of each test still runs.
    (void)flooded;
    return;
#endif
    const long budget = baseline_kib() + kBudgetOverBaselineKib;
    EXPECT_LE(flooded.peak_rss_kib, budget)
        << "peak RSS " << flooded.peak_rss_kib / 1024 << " MiB; budget " << budget / 1024
        << " MiB (a well-behaved run: " << baseline_kib() / 1024 << " MiB)";
  }

  fs::path dir_;
};

TEST_F(HostMemoryBudgetTest, DistinctMetricsAreKeptUpToTheBoundAndCounted) {
  const test::CommandResult result = run("metrics", "", "--json");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(count_of(result.output, "metric samples dropped: a stage keeps at most 1000 metrics"),
            1);
  EXPECT_EQ(count_of(result.output, "\"metrics_dropped\":199000"), 1) << result.output;
  expect_within_budget(result);
}

TEST_F(HostMemoryBudgetTest, DeadLettersAreWrittenAsTheyComeNotHeld) {
  const test::CommandResult result = run("dead_letters");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(state()->dead_letter_count({"budget"}).value(), 300u);
  expect_within_budget(result);
}

TEST_F(HostMemoryBudgetTest, LongLogLinesAreCutBeforeTheyAreKept) {
  const test::CommandResult result = run("logs", "-v");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const size_t kept = engine::StageServices::kMaxLogLine;
  EXPECT_EQ(
      count_of(result.output, "... (" + std::to_string((1u << 20) - kept) + " more bytes dropped)"),
      100);
  expect_within_budget(result);
}

TEST_F(HostMemoryBudgetTest, LargeStateValuesAreStoredOneAtATime) {
  const test::CommandResult result = run("state");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  auto db = state();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(db->get("budget/pipeline/k" + std::to_string(i)).value(), std::string(2u << 20, 'v'));
  }
  expect_within_budget(result);
}

TEST_F(HostMemoryBudgetTest, UncommittedCheckpointsTakeConstantSpace) {
  const test::CommandResult result = run("checkpoints");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  auto cursor = state()->cursor("budget", "s").value();
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->value, p::CursorValue(std::in_place_index<p::cursor_kind::kText>,
                                          std::string(1000, 'c') + "299999"));
  expect_within_budget(result);
}

TEST_F(HostMemoryBudgetTest, GuestMemoryStopsAtItsCap) {
  const test::CommandResult result = run("hog");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(count_of(result.output,
                     "FAILED  test-misbehave: connector 'test-misbehave' reached its memory limit "
                     "of 64 MiB during phase read (wasm trap: wasm `unreachable` instruction "
                     "executed)\n"),
            1)
      << result.output;
  expect_within_budget(result);
}

}  // namespace
}  // namespace rapidbyte::test
