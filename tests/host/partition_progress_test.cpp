// PartitionProgress, the record of a partitioned stream's slices in the
// state: its JSON round trip, records of earlier versions, and which
// requests may resume it.
#include "host/engine/partition_progress.hpp"

#include <gtest/gtest.h>

#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {
namespace {

namespace p = rapidbyte::protocol;

PartitionProgress cdc_progress() {
  PartitionProgress progress;
  progress.generation = 17;
  progress.write_mode = p::WriteMode::kUpsert;
  progress.sync_mode = p::SyncMode::kCdc;
  progress.cursor = StoredCursor{
      std::nullopt, p::CursorValue(std::in_place_index<p::cursor_kind::kLsn>, uint64_t{0x16B3748})};
  for (uint32_t i = 0; i < 3; ++i) {
    p::Partition slice;
    slice.index = i;
    slice.count = 3;
    slice.generation = 17;
    slice.key = "id";
    slice.mode = "range";
    slice.slice = "{\"lower\":\"" + std::to_string(i) + "\"}";
    progress.slices.push_back(slice);
  }
  progress.done = {0, 2};
  return progress;
}

p::Partition request_of(const PartitionProgress& progress) {
  p::Partition request;
  request.count = progress.slices.front().count;
  request.key = progress.slices.front().key;
  request.mode = progress.slices.front().mode;
  return request;
}

TEST(PartitionProgressTest, RoundTripKeepsTheSyncModeAndTheLsnCursor) {
  const PartitionProgress progress = cdc_progress();
  auto back = PartitionProgress::from_json(progress.to_json());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sync_mode, p::SyncMode::kCdc);
  EXPECT_EQ(back->write_mode, p::WriteMode::kUpsert);
  EXPECT_EQ(back->cursor, progress.cursor);
  EXPECT_EQ(back->slices, progress.slices);
  EXPECT_EQ(back->done, progress.done);
  EXPECT_EQ(back->generation, 17u);
}

// A plan is resumed only by a request of the same shape, write mode and
// sync mode: the slices of a stream read by cdc before (an LSN cursor) do
// not serve its incremental reads, nor the other way round.
TEST(PartitionProgressTest, OnlyTheSameSyncModeResumes) {
  const PartitionProgress progress = cdc_progress();
  const p::Partition request = request_of(progress);
  EXPECT_TRUE(progress.matches(request, p::WriteMode::kUpsert, p::SyncMode::kCdc));
  EXPECT_FALSE(progress.matches(request, p::WriteMode::kUpsert, p::SyncMode::kIncremental));
  EXPECT_FALSE(progress.matches(request, p::WriteMode::kAppend, p::SyncMode::kCdc));
  p::Partition other = request;
  other.count = 4;
  EXPECT_FALSE(progress.matches(other, p::WriteMode::kUpsert, p::SyncMode::kCdc));
}

// Records written before the sync mode was kept: one with a cursor was an
// incremental stream's first read, one without a full refresh.
TEST(PartitionProgressTest, EarlierRecordsTellTheirSyncModeByTheirCursor) {
  auto without_sync_mode = [](const PartitionProgress& progress) {
    std::string json = progress.to_json();
    const std::string member =
        ",\"sync_mode\":\"" + std::string(p::mode_name(progress.sync_mode)) + "\"";
    const size_t at = json.find(member);
    EXPECT_NE(at, std::string::npos) << json;
    if (at != std::string::npos) json.erase(at, member.size());
    return json;
  };
  PartitionProgress incremental = cdc_progress();
  incremental.sync_mode = p::SyncMode::kIncremental;
  incremental.cursor = StoredCursor{
      "updated_at", p::CursorValue(std::in_place_index<p::cursor_kind::kInt64>, int64_t{42})};
  auto read = PartitionProgress::from_json(without_sync_mode(incremental));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->sync_mode, p::SyncMode::kIncremental);
  EXPECT_EQ(read->cursor, incremental.cursor);

  PartitionProgress full = cdc_progress();
  full.sync_mode = p::SyncMode::kFullRefresh;
  full.cursor.reset();
  read = PartitionProgress::from_json(without_sync_mode(full));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->sync_mode, p::SyncMode::kFullRefresh);

  std::string bad = full.to_json();
  bad.replace(bad.find("\"full_refresh\""), 14, "\"sometimes\"");
  EXPECT_FALSE(PartitionProgress::from_json(bad)) << bad;
}

}  // namespace
}  // namespace rapidbyte::engine
