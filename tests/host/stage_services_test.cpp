// StageServices on its own: a guest's log is bounded (long lines cut between
// code points, a flood dropped and counted), and source checkpoints reach the
// destination in band, behind their batches, taken in by batch_ready as well.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>

#include "host/engine/stage_services.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "tests/support/temp_dir.hpp"

namespace rapidbyte::engine {
namespace {

namespace p = rapidbyte::protocol;

class StageServicesTest : public ::testing::Test {
 protected:
  StageServicesTest()
      : log_(std::make_shared<spdlog::logger>(
            "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_))) {
    log_->set_pattern("%v");
    report_.connector_id = "guest";
  }

  StageServices::Wiring wiring(BatchQueue* input, BatchQueue* output, p::ConnectorRole role) {
    return {"pipe", "s", 1, role, input, output, nullptr, nullptr, log_.get(), nullptr, 1024};
  }

  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> log_;
  StageReport report_;
};

TEST_F(StageServicesTest, GuestLogIsCutAndAFloodIsCounted) {
  StageServices services(wiring(nullptr, nullptr, p::ConnectorRole::kSource), &report_);
  services.log(p::LogLevel::kInfo, std::string(StageServices::kMaxLogLine + 10, 'x'));
  for (uint32_t i = 1; i < StageServices::kMaxLogLinesPerSecond + 50; ++i) {
    services.log(p::LogLevel::kInfo, "line " + std::to_string(i));
  }
  ASSERT_EQ(lines().size(), StageServices::kMaxLogLinesPerSecond);
  EXPECT_EQ(lines()[0], "[s/guest] " + std::string(StageServices::kMaxLogLine, 'x') +
                            "... (10 more bytes dropped)");
  EXPECT_EQ(lines().back(),
            "[s/guest] line " + std::to_string(StageServices::kMaxLogLinesPerSecond - 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  services.log(p::LogLevel::kInfo, "after");
  const auto all = lines();
  ASSERT_EQ(all.size(), StageServices::kMaxLogLinesPerSecond + 2);
  EXPECT_EQ(all[all.size() - 2], "[s/guest] 50 log lines dropped: more than 200 a second");
  EXPECT_EQ(all.back(), "[s/guest] after");
}

// A long line is cut before a code point, not inside one: what the log
// prints stays UTF-8.
TEST_F(StageServicesTest, GuestLogIsCutBetweenCodePoints) {
  StageServices services(wiring(nullptr, nullptr, p::ConnectorRole::kSource), &report_);
  const std::string head(StageServices::kMaxLogLine - 1, 'x');
  services.log(p::LogLevel::kInfo, head + "\xC3\xA9 tail");  // the é straddles the limit
  ASSERT_EQ(lines().size(), 1u);
  EXPECT_EQ(lines()[0], "[s/guest] " + head + "... (7 more bytes dropped)");
}

TEST_F(StageServicesTest, ABatchPastTheLimitIsRefusedNotQueued) {
  BatchQueue output(8);
  StageServices source(wiring(nullptr, &output, p::ConnectorRole::kSource), &report_);
  EXPECT_TRUE(source.batch_emit(std::vector<uint8_t>(1024)));
  auto refused = source.batch_emit(std::vector<uint8_t>(1025));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "BATCH_TOO_LARGE");
  EXPECT_EQ(refused.error().message,
            "connector 'guest' emitted a batch of 1025 bytes for stream 's'; the limit is 1024 "
            "(resources.max_batch_bytes plus max_record_bytes, for a batch of one large row)");
  EXPECT_EQ(report_.batches_emitted, 1u);
}

TEST_F(StageServicesTest, BatchReadyTakesInCheckpointsAndTimesOutWhenIdle) {
  BatchQueue input(8);
  StageServices dest(wiring(&input, nullptr, p::ConnectorRole::kDestination), &report_);
  ASSERT_TRUE(input.push(BatchQueue::Batch{1, 2, 3}));
  ASSERT_TRUE(input.push(p::CheckpointInfo{p::CheckpointKind::kSource, "s", {}, {}, 3, 3}));
  EXPECT_TRUE(dest.batch_ready(std::chrono::milliseconds(0)));
  auto batch = dest.batch_next();
  ASSERT_TRUE(batch && *batch);
  EXPECT_EQ(**batch, (std::vector<uint8_t>{1, 2, 3}));
  // Only the checkpoint is left: no input to read, and it is taken in.
  EXPECT_FALSE(dest.batch_ready(std::chrono::milliseconds(50)));
  input.close();
  EXPECT_TRUE(dest.batch_ready(std::chrono::milliseconds(50)));
  auto end = dest.batch_next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);
}

// A dry run's destination (check) confirms checkpoints and gets dead
// letters like any other, but neither reaches the state.
TEST_F(StageServicesTest, ADryRunPersistsNoCursorAndNoDeadLetter) {
  test::TempDir dir("stage-services");
  auto state = SqliteStateBackend::open(dir / "state.db");
  ASSERT_TRUE(state) << state.error().message;
  BatchQueue input(8);
  StageServices::Wiring dry = wiring(&input, nullptr, p::ConnectorRole::kDestination);
  dry.state = state->get();
  dry.dry_run = true;
  StageServices dest(dry, &report_);
  ASSERT_TRUE(input.push(
      p::CheckpointInfo{p::CheckpointKind::kSource, "s", "id",
                        p::CursorValue{std::in_place_index<p::cursor_kind::kInt64>, 7}, 0, 0}));
  input.close();
  auto end = dest.batch_next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);
  dest.checkpoint({p::CheckpointKind::kDestination, "s", {}, {}, 0, 0});
  p::DlqRecord letter;
  letter.stream_name = "s";
  letter.record_json = "{}";
  dest.dlq(letter);
  ASSERT_TRUE(dest.finish());
  EXPECT_EQ(report_.committed_checkpoints, 1u);
  EXPECT_EQ(report_.dlq_records, 1u);
  auto cursor = (*state)->cursor("pipe", "s");
  ASSERT_TRUE(cursor);
  EXPECT_FALSE(cursor->has_value());
  auto letters = (*state)->dead_letter_count({"pipe", std::nullopt});
  ASSERT_TRUE(letters);
  EXPECT_EQ(*letters, 0u);
}

}  // namespace
}  // namespace rapidbyte::engine
