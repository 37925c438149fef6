// A cdc stream's initial snapshot read as slices of one replication slot's
// snapshot (partitions), by heap pages and by key, next to a stream read
// whole: exact under a concurrent writer moving rows, the target's earlier
// rows reset once, the changes after the snapshot's LSN applied, and a run
// killed at many points resumed (key slices) or started over (heap pages)
// to the same end.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "host/engine/partition_progress.hpp"
#include "host/engine/pipeline_state.hpp"
#include "tests/connectors/cdc_fixture.hpp"

namespace rapidbyte::test {
namespace {

class PartitionedCdcTest : public CdcTest {
 protected:
  // A source table `table` of `rows` keyed rows with a text column.
  void seed(const std::string& table, int rows) {
    src().exec("CREATE TABLE " + table +
               " (id bigint PRIMARY KEY, v int NOT NULL, note text); INSERT INTO " + table +
               " SELECT g, 0, repeat('n', 60) FROM generate_series(1, " + std::to_string(rows) +
               ") g;");
  }

  // One step of a writer on `table`: an update of two rows, and the lowest
  // row replaced by one past the highest (a new id on a new page).
  static void move_rows(LibpqSession& w, const std::string& table, int64_t i) {
    const std::string a = std::to_string(1 + (i * 7919) % 20000);
    w.exec("BEGIN; UPDATE " + table + " SET v = v + 1, note = 'u' WHERE id IN (" + a + ", " + a +
           " + 11); WITH gone AS (DELETE FROM " + table + " WHERE id = (SELECT min(id) FROM " +
           table + ") RETURNING v) INSERT INTO " + table + " SELECT (SELECT max(id) + 1 FROM " +
           table + "), v, 'moved' FROM gone; COMMIT;");
  }

  // Drops the slot and publication of the pipeline at `path` and forgets
  // its state: the next run takes a new snapshot.
  void tear_down(const std::filesystem::path& path) {
    auto pipeline = engine::load_pipeline(path);
    ASSERT_TRUE(pipeline) << pipeline.error();
    engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
    auto backend = engine::SqliteStateBackend::open(pipeline->state.connection);
    ASSERT_TRUE(backend) << backend.error();
    auto done = engine::teardown_pipeline(*engine_, catalog, **backend, *pipeline);
    ASSERT_TRUE(done) << done.error().message;
  }
};

// Both splits, each a pipeline with its own slot, while a writer moves rows
// of the split table and updates the other: the first (bounded) run reads
// the slices and then the changes since; a second run after the writer
// stops leaves both targets equal to their sources. The second pipeline's
// snapshot resets the rows the first left (and a stray row) once.
TEST_F(PartitionedCdcTest, SlicesOfTheSlotsSnapshotThenItsChangesAreExact) {
  seed("pcdc_moving", 30000);
  src().exec(
      "CREATE TABLE pcdc_whole (id int PRIMARY KEY, v int NOT NULL);"
      "INSERT INTO pcdc_whole SELECT g, g FROM generate_series(1, 2000) g;");
  const std::pair<const char*, const char*> splits[] = {
      {"pcdc_pages", ", partitions: 4"}, {"pcdc_key", ", partitions: 4, partition_key: id"}};
  for (const auto& [name, split] : splits) {
    SCOPED_TRACE(split);
    const std::string yaml = cdc_yaml(name,
                                      std::string("{name: pcdc_moving, sync_mode: cdc") + split +
                                          "}, {name: pcdc_whole, sync_mode: cdc}",
                                      ", parallelism: 3, max_batch_bytes: 65536");
    {
      // `check` plans the slices as a run would, and creates no slot.
      auto pipeline = engine::parse_pipeline(yaml, std::string(name) + ".yaml");
      ASSERT_TRUE(pipeline) << pipeline.error();
      engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
      auto backend = engine::SqliteStateBackend::open(cache_dir_ / "pcdc_check.db");
      ASSERT_TRUE(backend) << backend.error();
      std::string planned;
      for (const auto& line : engine::check_pipeline(*engine_, catalog, **backend, *pipeline)) {
        EXPECT_NE(line.status, protocol::CheckStatus::kFailed)
            << line.subject << ": " << line.check << ": " << line.message;
        if (line.check == "partitions") planned = line.subject + ": " + line.message;
      }
      EXPECT_EQ(planned, std::string("stream pcdc_moving: 4 slices by ") +
                             (std::string(split).find("key") != std::string::npos ? "range of id"
                                                                                  : "heap pages"));
      EXPECT_EQ(src().value("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '" +
                            std::string(name) + "%'"),
                "0");
    }
    std::atomic<int> commits{0};
    std::jthread writer([&](std::stop_token stop) {
      LibpqSession w(cluster().tcp_conninfo(kSourceDb, kUser, kPassword));
      for (int64_t i = 0; !stop.stop_requested(); ++i) {
        move_rows(w, "pcdc_moving", i);
        w.exec("UPDATE pcdc_whole SET v = v + 1 WHERE id = " + std::to_string(1 + i % 2000));
        ++commits;
      }
    });
    auto first = run_pipeline(yaml, name);
    ASSERT_TRUE(first.succeeded()) << first.first_error();
    ASSERT_EQ(first.streams[0].partitions.size(), 4u);
    EXPECT_TRUE(first.streams[1].partitions.empty());
    {
      auto d = dst();
      EXPECT_EQ(d.value("SELECT count(*) FROM pcdc_moving WHERE id < 0"), "0")
          << "the snapshot's reset removes what the target held";
      EXPECT_EQ(d.value("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'pcdc_moving__rb%'"),
                "0")
          << "the reset's ledger goes with the finalize";
    }
    writer.request_stop();
    writer.join();
    EXPECT_GT(commits.load(), 0);
    expect_succeeded(run_pipeline(yaml, name));
    expect_same("pcdc_moving", "id, v, note");
    expect_same("pcdc_whole", "id, v");
    expect_confirmed_within_cursor(name, name, name, "pcdc_moving");
    expect_confirmed_within_cursor(name, name, name, "pcdc_whole");
    EXPECT_EQ(src().value("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '" +
                          std::string(name) + "_snapshot%'"),
              "0")
        << "the plan's temporary slot is gone";
    // A stray row the next pipeline's snapshot must remove.
    dst().exec("INSERT INTO pcdc_moving (id, v) VALUES (-1, -1)");
  }
}

// With write_mode append (a change log) the slices stage the snapshot's
// rows and the finalize appends them once; the changes after it follow as
// rows of their own.
TEST_F(PartitionedCdcTest, AppendSnapshotIsLoggedOnceThenItsChanges) {
  seed("pcdc_log", 5000);
  const std::string yaml = pipeline_yaml(
      "pcdc_log", "{name: pcdc_log, sync_mode: cdc, partitions: 3}", "  write_mode: append\n",
      ", parallelism: 2, max_batch_bytes: 65536", ", \"slot_name\": \"pcdc_log\"");
  auto first = run_pipeline(yaml, "pcdc_log");
  ASSERT_TRUE(first.succeeded()) << first.first_error();
  EXPECT_EQ(first.streams[0].partitions.size(), 3u);
  EXPECT_EQ(first.records(), 5000u);
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) || ':' || count(DISTINCT id) || ':' || min(_rb_op) || "
                    "count(DISTINCT _rb_lsn) FROM pcdc_log"),
            "5000:5000:insert1")
      << "every row once, all stamped with the snapshot's LSN";
  src().exec("UPDATE pcdc_log SET v = 7 WHERE id <= 10; DELETE FROM pcdc_log WHERE id = 20");
  auto second = run_pipeline(yaml, "pcdc_log");
  ASSERT_TRUE(second.succeeded()) << second.first_error();
  EXPECT_TRUE(second.streams[0].partitions.empty()) << "changes are not partitioned";
  EXPECT_EQ(d.value("SELECT count(*) FROM pcdc_log WHERE _rb_op = 'update' AND v = 7"), "10");
  EXPECT_EQ(d.value("SELECT count(*) FROM pcdc_log WHERE _rb_op = 'delete' AND id = 20"), "1");
  EXPECT_EQ(d.value("SELECT count(*) FROM pcdc_log"), "5011");
}

// Resumed slices of a cdc snapshot need the changes after their plan's
// cursor: with the pipeline's slot dropped meanwhile, the plan fails with
// SLOT_MISSING before any slice is read (and makes no slot); after a reset
// of the stream a new snapshot is exact.
TEST_F(PartitionedCdcTest, ResumedSlicesWithoutTheirSlotAreRefused) {
  seed("pcdc_gone", 20000);
  const std::string yaml =
      cdc_yaml("pcdc_gone", "{name: pcdc_gone, sync_mode: cdc, partitions: 4, partition_key: id}",
               ", parallelism: 1, max_batch_bytes: 65536");
  const auto path = pipeline_file("pcdc_gone", "pipeline.yaml", yaml);
  const pid_t killed = start_run(path, "partition-done:2");
  ASSERT_GT(killed, 0);
  ASSERT_EQ(wait_exit_code(killed), 128 + SIGKILL);
  auto s = src();
  s.exec("SELECT pg_drop_replication_slot('pcdc_gone')");

  const std::string state = "pcdc_gone/state";  // the file's state.db
  auto refused = run_pipeline(yaml, state);
  ASSERT_FALSE(refused.succeeded());
  const protocol::ConnectorError* error = refused.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, "SLOT_MISSING");
  EXPECT_NE(error->message.find("the unfinished snapshot of stream 'pcdc_gone' resumes at"),
            std::string::npos)
      << error->message;
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'pcdc_gone'"),
            "0");

  {
    auto backend = engine::SqliteStateBackend::open(state_file("pcdc_gone"));
    ASSERT_TRUE(backend);
    ASSERT_TRUE(engine::forget_pipeline_state(**backend, "pcdc_gone", "pcdc_gone"));
  }
  s.exec("DELETE FROM pcdc_gone WHERE id % 3 = 0");
  expect_succeeded(run_pipeline(yaml, state));
  expect_same("pcdc_gone", "id, v, note");
}

// Runs killed at the engine's kill points (the slices' batches and commits,
// a slice done, the stream finalized) while the source changes between
// runs; by key the next run resumes the unfinished slices, by heap pages it
// starts them over. A last run leaves the target equal to the source, and
// the slot never confirmed past the stream's cursor.
TEST_F(PartitionedCdcTest, KilledSnapshotsResumeOrStartOverExactly) {
  const std::pair<const char*, const char*> splits[] = {
      {"pcdc_killed_key", ", partitions: 5, partition_key: id"},
      {"pcdc_killed_pages", ", partitions: 5"}};
  for (const auto& [name, split] : splits) {
    SCOPED_TRACE(split);
    const std::string table = name;
    seed(table, 30000);
    const auto path = pipeline_file(
        name, "pipeline.yaml",
        cdc_yaml(name, "{name: " + table + ", sync_mode: cdc" + split + "}",
                 ", parallelism: 2, max_batch_bytes: 65536, checkpoint_interval_rows: 2000"));
    LibpqSession w(cluster().tcp_conninfo(kSourceDb, kUser, kPassword));
    const char* points[] = {"destination-commit", "source-batch", "partition-done",
                            "stream-finalized"};
    int killed = 0;
    int resumed = 0;
    for (int round = 0; round < 12; ++round) {
      const std::string point = points[round % 4];
      const int count = point == "partition-done"     ? 1 + round % 4
                        : point == "stream-finalized" ? 1
                                                      : 2 + (round * 5) % 13;
      const std::string kill_at = point + ":" + std::to_string(count);
      const pid_t pid = start_run(path, kill_at);
      ASSERT_GT(pid, 0);
      const int code = wait_exit_code(pid);
      ASSERT_TRUE(code == 0 || code == 128 + SIGKILL) << kill_at << ": exit code " << code;
      killed += code == 128 + SIGKILL;
      for (int64_t i = 0; i < 20; ++i) move_rows(w, table, round * 20 + i);
      auto state = engine::SqliteStateBackend::open(state_file(name));
      ASSERT_TRUE(state) << state.error();
      auto progress = engine::PartitionProgress::load(**state, name, table);
      ASSERT_TRUE(progress) << progress.error().message;
      if (*progress && !(*progress)->done.empty()) ++resumed;
      auto cursor = (*state)->cursor(name, table);
      ASSERT_TRUE(cursor);
      if (!*cursor) continue;
      // A snapshot finished once: start the next one over.
      EXPECT_FALSE(*progress) << "the cursor is committed only after the slices";
      expect_confirmed_within_state(name, state_file(name), name, table);
      state->reset();  // the teardown takes the pipeline's lease
      tear_down(path);
    }
    EXPECT_GE(killed, 6) << "most runs must end at their kill point";
    EXPECT_GE(resumed, 2) << "some killed runs must leave finished slices";
    RecordProperty(std::string(name) + "_killed", killed);
    RecordProperty(std::string(name) + "_left_finished_slices", resumed);

    const pid_t last = start_run(path);
    ASSERT_GT(last, 0);
    ASSERT_EQ(wait_exit_code(last), 0);
    expect_same(table, "id, v, note");
    expect_confirmed_within_state(name, state_file(name), name, table);
  }
}

}  // namespace
}  // namespace rapidbyte::test
