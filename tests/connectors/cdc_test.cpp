// Change data capture, PostgreSQL -> PostgreSQL through the engine: the
// snapshot exported by the replication slot, then inserts, updates, deletes
// and truncates from pgoutput applied by upsert; a large transaction in many
// small batches; ALTER TABLE mid-stream; unchanged TOAST values; teardown;
// continuous runs killed with SIGKILL while the source keeps changing.
// After each bounded run the destination equals the source, and the slot
// never confirms more than the engine persisted.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "host/engine/pipeline_probe.hpp"
#include "host/engine/pipeline_state.hpp"
#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "tests/connectors/cdc_fixture.hpp"
#include "tests/connectors/connector_environment.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

TEST_F(CdcTest, SnapshotThenChangesAcrossTables) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_a (id int PRIMARY KEY, name text, amount numeric(12, 2), at_tz timetz, "
      "price money);"
      "CREATE TABLE cdc_b (id bigint PRIMARY KEY, at timestamptz, tags text[]);"
      "INSERT INTO cdc_a SELECT g, 'a' || g, g * 1.5, '12:34:56.5+05:30', (g - 500) * 1.01 FROM "
      "generate_series(1, 1000) g;"
      "INSERT INTO cdc_b SELECT g, '2026-01-01'::timestamptz + g * interval '1 minute', "
      "ARRAY['x', g::text] FROM generate_series(1, 500) g;");
  const std::string yaml =
      cdc_yaml("cdc_multi", "{name: cdc_a, sync_mode: cdc}, {name: cdc_b, sync_mode: cdc}");
  expect_succeeded(run_pipeline(yaml, "cdc_multi"));
  expect_same("cdc_a", "id, name, amount, at_tz, price::numeric");
  expect_same("cdc_b", "id, at, tags");
  {
    auto d = dst();
    EXPECT_EQ(d.value("SELECT count(*) FROM cdc_a WHERE _rb_op = 'insert' AND _rb_lsn > 0"),
              "1000");
  }

  s.exec(
      "INSERT INTO cdc_a VALUES (1001, 'new', 1, '23:59:59-11', '-92233720368547758.08');"
      "UPDATE cdc_a SET price = 0.05 WHERE id = 8;"
      "UPDATE cdc_a SET name = 'changed' WHERE id % 10 = 0;"
      "DELETE FROM cdc_a WHERE id % 7 = 0;"
      "UPDATE cdc_a SET id = id + 5000 WHERE id BETWEEN 1 AND 5;"  // key changes
      "BEGIN; INSERT INTO cdc_b VALUES (9000, now(), NULL); UPDATE cdc_b SET tags = NULL WHERE id "
      "< 100; DELETE FROM cdc_b WHERE id = 9000; COMMIT;"
      "DELETE FROM cdc_b WHERE id BETWEEN 200 AND 250;");
  auto report = run_pipeline(yaml, "cdc_multi");
  expect_succeeded(report);
  expect_same("cdc_a", "id, name, amount, at_tz, price::numeric");
  expect_same("cdc_b", "id, at, tags");
  {
    auto d = dst();
    EXPECT_EQ(d.value("SELECT _rb_op FROM cdc_a WHERE id = 10"), "update");
    EXPECT_EQ(d.value("SELECT _rb_commit_ts IS NOT NULL FROM cdc_a WHERE id = 10"), "t");
  }

  // Truncate, then rows again; and the same range applied twice (state of
  // the first run of this step kept) changes nothing.
  s.exec("TRUNCATE cdc_b; INSERT INTO cdc_b VALUES (1, '2020-01-01', '{a}'), (2, NULL, NULL);");
  expect_succeeded(run_pipeline(yaml, "cdc_multi"));
  expect_same("cdc_b", "id, at, tags");
  expect_same("cdc_a", "id, name, amount, at_tz, price::numeric");
  expect_confirmed_within_cursor("cdc_multi", "cdc_multi", "cdc_multi", "cdc_a");
  expect_confirmed_within_cursor("cdc_multi", "cdc_multi", "cdc_multi", "cdc_b");

  // An idle run confirms what the previous one persisted.
  expect_succeeded(run_pipeline(yaml, "cdc_multi"));
  expect_confirmed_within_cursor("cdc_multi", "cdc_multi", "cdc_multi", "cdc_a");
}

// 100,000 changes in one transaction by default; RAPIDBYTE_CDC_LARGE_ROWS
// sets the count (e.g. 1000000 for the 1M-row update, about a minute
// more than CI should spend).
TEST_F(CdcTest, LargeTransactionStreamsInManySmallBatches) {
  uint64_t rows = 100000;
  if (const char* set = std::getenv("RAPIDBYTE_CDC_LARGE_ROWS")) rows = std::stoull(set);
  const std::string count = std::to_string(rows);
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_large (id int PRIMARY KEY, v int, pad text);"
      "INSERT INTO cdc_large SELECT g, 0, repeat('p', 50) FROM generate_series(1, " +
      count + ") g;");
  const std::string yaml =
      cdc_yaml("cdc_large", "{name: cdc_large, sync_mode: cdc}", ", max_batch_bytes: 65536");
  expect_succeeded(run_pipeline(yaml, "cdc_large"));
  s.exec("UPDATE cdc_large SET v = id * 2");  // one transaction, `rows` changes
  auto report = run_pipeline(yaml, "cdc_large");
  expect_succeeded(report);
  ASSERT_EQ(report.streams.size(), 1u);
  const auto& source = report.streams[0].stages[0];
  EXPECT_EQ(source.summary->read->records, rows);
  // Memory stays bounded: the transaction left in batches of at most 64 KiB.
  EXPECT_GT(source.batches_emitted, rows / 2000);
  EXPECT_LE(source.bytes_emitted / source.batches_emitted, 65536u);
  expect_same("cdc_large", "id, v, pad");
}

TEST_F(CdcTest, AlterTableMidStreamAndUnchangedToast) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_alter (id int PRIMARY KEY, name text, big text);"
      "ALTER TABLE cdc_alter ALTER COLUMN big SET STORAGE EXTERNAL;"
      "INSERT INTO cdc_alter SELECT g, 'n' || g, repeat(md5(g::text), 200) FROM "
      "generate_series(1, 20) g;");
  const std::string yaml = cdc_yaml("cdc_alter", "{name: cdc_alter, sync_mode: cdc}");
  expect_succeeded(run_pipeline(yaml, "cdc_alter"));
  s.exec(
      "UPDATE cdc_alter SET name = 'toast kept' WHERE id <= 5;"  // big: unchanged TOAST
      "ALTER TABLE cdc_alter ADD COLUMN score int;"
      "INSERT INTO cdc_alter VALUES (100, 'after alter', 'small', 7);"
      "UPDATE cdc_alter SET score = id WHERE id BETWEEN 6 AND 8;");
  expect_succeeded(run_pipeline(yaml, "cdc_alter"));
  expect_same("cdc_alter", "id, name, big, score");
  {
    auto d = dst();
    EXPECT_EQ(d.value("SELECT count(*) FROM cdc_alter WHERE name = 'toast kept' AND "
                      "length(big) = 6400"),
              "5");
  }
}

// A change (not its snapshot) with a value Arrow cannot hold follows
// on_data_error like a snapshot row: fail names the stream, the row's key,
// the column and the change's LSN; dlq keeps it as a dead letter and applies
// the changes around it.
TEST_F(CdcTest, ChangeWithAValueArrowCannotHoldFollowsOnDataError) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_far (id int PRIMARY KEY, at timestamp, note text);"
      "INSERT INTO cdc_far VALUES (1, '2026-01-01', 'a');");
  auto yaml = [](const std::string& policy) {
    return pipeline_yaml(
        "cdc_far_" + policy, "{name: cdc_far, sync_mode: cdc}",
        "  write_mode: upsert\n  primary_key: [id]\n  on_data_error: " + policy + "\n", {},
        ", \"slot_name\": \"cdc_far_" + policy + "\"");
  };
  expect_succeeded(run_pipeline(yaml("fail"), "cdc_far_fail"));  // the snapshots
  expect_succeeded(run_pipeline(yaml("dlq"), "cdc_far_dlq"));
  s.exec(
      "INSERT INTO cdc_far VALUES (2, '2026-01-02', 'b'), (3, '294276-12-31 23:59:59', 'far'), "
      "(4, '2026-01-04', 'd')");

  auto failed = run_pipeline(yaml("fail"), "cdc_far_fail");
  EXPECT_FALSE(failed.succeeded());
  const std::string error = failed.first_error();
  EXPECT_NE(error.find("stream 'cdc_far', row {\"id\":3}: column \"at\": timestamp out of range "
                       "(the change at LSN "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("(on_data_error is fail)"), std::string::npos) << error;
  tear_down(yaml("fail"), "cdc_far_fail");

  auto kept = run_pipeline(yaml("dlq"), "cdc_far_dlq");
  ASSERT_TRUE(kept.succeeded()) << kept.first_error();
  EXPECT_EQ(kept.dead_letters(), 1u);
  auto d = dst();
  EXPECT_EQ(d.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM cdc_far"), "1,2,4");
  tear_down(yaml("dlq"), "cdc_far_dlq");
}

TEST_F(CdcTest, TeardownDropsSlotAndPublication) {
  auto s = src();
  s.exec("CREATE TABLE cdc_gone (id int PRIMARY KEY); INSERT INTO cdc_gone VALUES (1);");
  const std::string yaml = cdc_yaml("cdc_gone", "{name: cdc_gone, sync_mode: cdc}");
  expect_succeeded(run_pipeline(yaml, "cdc_gone"));
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                    "'cdc_gone'"),
            "1");
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_publication WHERE pubname = 'cdc_gone'"), "1");
  tear_down(yaml, "cdc_gone");
  auto backend = engine::SqliteStateBackend::open(cache_dir_ / "cdc_gone.db");
  ASSERT_TRUE(backend);
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                    "'cdc_gone'"),
            "0");
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_publication WHERE pubname = 'cdc_gone'"), "0");
  // The cursor went with the slot: the next run takes a new snapshot
  // (rather than failing with SLOT_MISSING) and streams from its slot.
  auto cursor = (*backend)->cursor("cdc_gone", "cdc_gone");
  ASSERT_TRUE(cursor);
  EXPECT_FALSE(*cursor);
  s.exec("INSERT INTO cdc_gone VALUES (2)");
  expect_succeeded(run_pipeline(yaml, "cdc_gone"));
  s.exec("INSERT INTO cdc_gone VALUES (3); DELETE FROM cdc_gone WHERE id = 1");
  expect_succeeded(run_pipeline(yaml, "cdc_gone"));
  expect_same("cdc_gone", "id");
}

TEST_F(CdcTest, DryRunPreviewsTheSnapshotAndChangesNothing) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_dry (id int PRIMARY KEY, name text);"
      "INSERT INTO cdc_dry SELECT g, 'n' || g FROM generate_series(1, 10) g;");
  const std::string yaml = cdc_yaml("cdc_dry", "{name: cdc_dry, sync_mode: cdc}");
  const std::string slot_count =
      "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'cdc_dry'";
  const std::string publication_count =
      "SELECT count(*) FROM pg_publication WHERE pubname = 'cdc_dry'";
  std::vector<std::string> ops;
  std::vector<std::string> fields;
  engine::RunOptions options;
  options.dry_run_limit = 3;
  options.preview = [&](const std::string&, const std::vector<uint8_t>& ipc) {
    auto contents = arrow::read_ipc_stream(ipc);
    ASSERT_TRUE(contents) << contents.error().message;
    fields.clear();
    for (const auto& f : contents->schema->fields()) fields.push_back(f.name);
    for (const auto& b : contents->batches) {
      const arrow::StringArray op(b.column(2));
      for (int64_t i = 0; i < b.num_rows(); ++i) ops.emplace_back(op.value(i));
    }
  };
  // No slot yet: the preview is the snapshot a first run would take, and
  // nothing is created.
  expect_succeeded(run_pipeline(yaml, "cdc_dry", options));
  EXPECT_EQ(ops, (std::vector<std::string>{"insert", "insert", "insert"}));
  EXPECT_EQ(fields, (std::vector<std::string>{"id", "name", "_rb_op", "_rb_lsn", "_rb_commit_ts",
                                              "_rb_unchanged"}));
  EXPECT_EQ(s.value(slot_count), "0");
  EXPECT_EQ(s.value(publication_count), "0");

  // With a slot: a dry run neither reads nor confirms it, and the cursor
  // stays where the last real run left it.
  expect_succeeded(run_pipeline(yaml, "cdc_dry"));
  s.exec("UPDATE cdc_dry SET name = 'changed' WHERE id <= 5");
  const std::string confirmed =
      "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = "
      "'cdc_dry'";
  const auto confirmed_before = s.value(confirmed);
  auto cursor_before = [&] {
    auto backend = engine::SqliteStateBackend::open(cache_dir_ / "cdc_dry.db");
    EXPECT_TRUE(backend);
    auto cursor = (*backend)->cursor("cdc_dry", "cdc_dry");
    EXPECT_TRUE(cursor && *cursor);
    return (*cursor)->value;
  };
  const auto persisted = cursor_before();
  ops.clear();
  expect_succeeded(run_pipeline(yaml, "cdc_dry", options));
  EXPECT_EQ(ops.size(), 3u);
  EXPECT_EQ(s.value(confirmed), confirmed_before);
  EXPECT_EQ(cursor_before(), persisted);
  // The real run still has every change.
  expect_succeeded(run_pipeline(yaml, "cdc_dry"));
  expect_same("cdc_dry", "id, name");
}

// A first run killed after its destination committed part of the snapshot
// leaves no cursor, so the next run takes a new snapshot from a new slot.
// Rows deleted at the source in between are in neither that snapshot nor
// the changes after it: the new snapshot must replace what the killed one
// left, not merge into it. The kill point makes the window certain.
TEST_F(CdcTest, KilledSnapshotIsReplacedNotMerged) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_reset (id int PRIMARY KEY, v int NOT NULL, note text);"
      "INSERT INTO cdc_reset SELECT g, g, repeat('n', 40) FROM generate_series(1, 5000) g;");
  const auto path =
      pipeline_file("cdc_reset", "pipeline.yaml",
                    cdc_yaml("cdc_reset", "{name: cdc_reset, sync_mode: cdc}",
                             ", max_batch_bytes: 16384, checkpoint_interval_rows: 500"));
  const pid_t killed = start_run(path, "destination-commit:2");
  ASSERT_GT(killed, 0);
  ASSERT_EQ(wait_exit_code(killed), 128 + SIGKILL);
  {
    // Part of the snapshot is committed, and no cursor.
    auto d = dst();
    const int committed = std::stoi(d.value("SELECT count(*) FROM cdc_reset").value_or("0"));
    EXPECT_GT(committed, 0);
    EXPECT_LT(committed, 5000);
    ASSERT_EQ(d.value("SELECT count(*) FROM cdc_reset WHERE id <= 100"), "100");
    auto backend = engine::SqliteStateBackend::open(state_file("cdc_reset"));
    ASSERT_TRUE(backend);
    auto cursor = (*backend)->cursor("cdc_reset", "cdc_reset");
    ASSERT_TRUE(cursor);
    EXPECT_FALSE(*cursor);
  }
  s.exec("DELETE FROM cdc_reset WHERE id <= 100; UPDATE cdc_reset SET v = -v WHERE id <= 200");
  const pid_t rerun = start_run(path);
  ASSERT_GT(rerun, 0);
  ASSERT_EQ(wait_exit_code(rerun), 0);
  expect_same("cdc_reset", "id, v, note");
  expect_confirmed_within_state("cdc_reset", state_file("cdc_reset"), "cdc_reset", "cdc_reset");
}

// Continuous runs of three tables killed at 100 points spread over the
// snapshot, the hand-off to streaming and streaming itself (every kill
// point of the engine, at growing counts; the state is torn down every 25
// kills so later runs snapshot again), while a writer keeps inserting,
// updating, deleting and truncating. After every kill the slots confirm no
// more than the engine persisted; at the end a bounded run makes the
// destination equal to the source.
TEST_F(CdcTest, KillPointsAcrossSnapshotAndStreamingLoseNothing) {
  const std::vector<std::string> tables = {"kp_a", "kp_b", "kp_c"};
  auto s = src();
  for (const auto& t : tables) {
    s.exec("CREATE TABLE " + t +
           " (id int PRIMARY KEY, v int NOT NULL, note text);"
           "INSERT INTO " +
           t + " SELECT g, 0, 'seed' FROM generate_series(1, 3000) g;");
  }
  const std::string streams =
      "{name: kp_a, sync_mode: cdc}, {name: kp_b, sync_mode: cdc}, {name: kp_c, sync_mode: cdc}";
  auto write_pipeline = [&](const std::string& mode) {
    return pipeline_file(
        "cdc_kill_points", mode + ".yaml",
        cdc_yaml("kp", streams, ", max_batch_bytes: 16384, checkpoint_interval_rows: 300", mode));
  };
  const auto state = state_file("cdc_kill_points");
  const auto continuous = write_pipeline("continuous");
  const auto bounded = write_pipeline("bounded");
  auto slots_released = [&] {
    for (int i = 0; i < 200; ++i) {
      if (s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'kp' AND active") ==
          "0") {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  auto tear_down = [&] {
    auto pipeline = engine::load_pipeline(continuous);
    ASSERT_TRUE(pipeline) << pipeline.error();
    engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
    auto backend = engine::SqliteStateBackend::open(state);
    ASSERT_TRUE(backend);
    auto done = engine::teardown_pipeline(*engine_, catalog, **backend, *pipeline);
    ASSERT_TRUE(done) << done.error().message;
  };

  // A jthread: stopped and joined also when an assertion ends the test early.
  std::jthread writer([&](std::stop_token stop) {
    LibpqSession w(cluster().tcp_conninfo(kSourceDb, kUser, kPassword));
    for (int i = 0; !stop.stop_requested(); ++i) {
      const std::string& t = tables[i % 3];
      const std::string n = std::to_string(i);
      if (i % 97 == 96) {
        w.exec("BEGIN; TRUNCATE kp_c; INSERT INTO kp_c SELECT g, " + n +
               ", 'after truncate' FROM generate_series(1, 500) g; COMMIT;");
      } else {
        w.exec("BEGIN; INSERT INTO " + t + " VALUES (" + std::to_string(100000 + i) + ", " + n +
               ", 'w') ON CONFLICT (id) DO NOTHING; UPDATE " + t +
               " SET v = v + 1, note = 'u' WHERE id % 499 = " + std::to_string(i % 499) +
               "; DELETE FROM " + t + " WHERE id = " + std::to_string(1 + i * 7 % 3000) +
               "; COMMIT;");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  });

  const char* points[] = {"source-batch", "source-checkpoint", "destination-commit",
                          "cursor-persisted"};
  const int counts[] = {1, 2, 3,  5,  8,  12, 17, 23, 30, 40, 1,  2, 4,
                        6, 9, 14, 20, 27, 35, 50, 3,  7,  11, 16, 25};
  int runs = 0;
  int killed_at_point = 0;
  for (int round = 0; round < 25; ++round) {
    if (round % 6 == 5) tear_down();  // the next runs take new snapshots
    for (const char* point : points) {
      slots_released();
      const std::string kill_at = std::string(point) + ":" + std::to_string(counts[round]);
      const pid_t pid = start_run(continuous, kill_at);
      ASSERT_GT(pid, 0);
      auto code = wait_exit_code_for(pid, std::chrono::seconds(5));
      if (!code) {
        ::kill(pid, SIGKILL);  // the point was not reached in time: killed from outside
        code = wait_exit_code(pid);
      } else {
        ++killed_at_point;
      }
      ASSERT_EQ(*code, 128 + SIGKILL) << kill_at;
      ++runs;
      auto backend = engine::SqliteStateBackend::open(state);
      ASSERT_TRUE(backend);
      for (const auto& t : tables) {
        auto cursor = (*backend)->cursor("kp", t);
        ASSERT_TRUE(cursor);
        if (!*cursor) continue;
        const uint64_t persisted = std::get<protocol::cursor_kind::kLsn>((*cursor)->value);
        auto confirmed = s.value(
            "SELECT (confirmed_flush_lsn - '0/0')::text FROM pg_replication_slots WHERE "
            "slot_name = 'kp'");
        if (confirmed) {
          EXPECT_LE(std::stoull(*confirmed), persisted) << kill_at << " " << t;
        }
      }
    }
  }
  writer.request_stop();
  writer.join();
  EXPECT_EQ(runs, 100);
  EXPECT_GE(killed_at_point, 50) << "most runs must end at their kill point";

  slots_released();
  const pid_t final_run = start_run(bounded);
  ASSERT_GT(final_run, 0);
  ASSERT_EQ(wait_exit_code(final_run), 0);
  for (const auto& t : tables) {
    expect_same(t, "id, v, note");
    expect_confirmed_within_state("kp", state, "kp", t);
  }
  // Every killed run is recorded as abandoned, none as running forever.
  auto backend = engine::SqliteStateBackend::open(state);
  ASSERT_TRUE(backend);
  auto history = (*backend)->recent_runs("kp", 200);
  ASSERT_TRUE(history);
  size_t abandoned = 0;
  for (const auto& run : *history) {
    EXPECT_NE(run.status, engine::RunStatus::kRunning) << "run " << run.id;
    abandoned += run.status == engine::RunStatus::kAbandoned;
  }
  EXPECT_EQ(abandoned, 100u);
}

// A table dropped and created again leaves its publication behind without
// it. Resuming from a cursor then would apply nothing and succeed; it is an
// error instead, and after a teardown the next run repairs the publication
// and takes a new snapshot that replaces the old rows.
TEST_F(CdcTest, StalePublicationIsAnErrorThenRepaired) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_stale (id int PRIMARY KEY, v text);"
      "INSERT INTO cdc_stale SELECT g, 'old' FROM generate_series(1, 50) g;");
  const std::string yaml = cdc_yaml("cdc_stale", "{name: cdc_stale, sync_mode: cdc}");
  expect_succeeded(run_pipeline(yaml, "cdc_stale"));
  s.exec(
      "DROP TABLE cdc_stale; CREATE TABLE cdc_stale (id int PRIMARY KEY, v text);"
      "INSERT INTO cdc_stale SELECT g, 'new' FROM generate_series(20, 80) g;");
  auto report = run_pipeline(yaml, "cdc_stale");
  EXPECT_FALSE(report.succeeded());
  EXPECT_NE(report.first_error().find("publication 'cdc_stale' of stream 'cdc_stale' "
                                      "no longer publishes table \"public\".\"cdc_stale\""),
            std::string::npos)
      << report.first_error();

  auto pipeline = engine::parse_pipeline(yaml, "cdc_stale.yaml");
  ASSERT_TRUE(pipeline);
  engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
  {
    auto backend = engine::SqliteStateBackend::open(cache_dir_ / "cdc_stale.db");
    ASSERT_TRUE(backend);
    auto done = engine::teardown_pipeline(*engine_, catalog, **backend, *pipeline);
    ASSERT_TRUE(done) << done.error().message;
  }
  // teardown dropped the publication; a stale one made by hand is repaired.
  s.exec("CREATE PUBLICATION cdc_stale");
  expect_succeeded(run_pipeline(yaml, "cdc_stale"));
  expect_same("cdc_stale", "id, v");
  s.exec(
      "INSERT INTO cdc_stale VALUES (1, 'x'); UPDATE cdc_stale SET v = 'u' WHERE id < 30;"
      "DELETE FROM cdc_stale WHERE id > 70");
  expect_succeeded(run_pipeline(yaml, "cdc_stale"));
  expect_same("cdc_stale", "id, v");
}

// A continuous run with default resources (parallelism 1, no commit
// interval): both streams start, a single change on an idle source reaches
// the destination without a later change to push it, and the slots follow
// WAL written in another database. The deadlines only tell "late" from
// "never"; bench/cdc_bench.sh measures the latency.
TEST_F(CdcTest, ContinuousRunCommitsWhileIdleAndFollowsTheServer) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_idle_a (id int PRIMARY KEY, v text);"
      "CREATE TABLE cdc_idle_b (id int PRIMARY KEY, v text);"
      "INSERT INTO cdc_idle_a SELECT g, 'a' FROM generate_series(1, 100) g;"
      "INSERT INTO cdc_idle_b SELECT g, 'b' FROM generate_series(1, 100) g;");
  const auto path = pipeline_file(
      "cdc_idle", "pipeline.yaml",
      cdc_yaml("cdc_idle", "{name: cdc_idle_a, sync_mode: cdc}, {name: cdc_idle_b, sync_mode: cdc}",
               "", "continuous"));
  const pid_t pid = start_run(path);
  ASSERT_GT(pid, 0);
  auto d = dst();
  auto wait_for = [&](const std::string& sql, const std::string& expected,
                      std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::optional<std::string> seen;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        seen = d.value(sql);
      } catch (const std::exception&) {
        seen.reset();  // the table is not there yet
      }
      if (seen == expected) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << sql << ": " << seen.value_or("(none)") << ", expected " << expected;
    return false;
  };
  EXPECT_TRUE(wait_for("SELECT count(*) FROM cdc_idle_a", "100", std::chrono::seconds(30)));
  EXPECT_TRUE(wait_for("SELECT count(*) FROM cdc_idle_b", "100", std::chrono::seconds(30)));

  // A second run of the pipeline is refused while this one holds the lease.
  const CommandResult second = run_command(
      {RAPIDBYTE_BINARY, "-q", "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "run", path.string()});
  EXPECT_EQ(second.exit_code, 4);  // already running
  EXPECT_NE(second.output.find("error: pipeline 'cdc_idle' is already running (pid " +
                               std::to_string(pid) + " on host "),
            std::string::npos)
      << second.output;

  s.exec("INSERT INTO cdc_idle_b VALUES (1000, 'one change')");
  EXPECT_TRUE(wait_for("SELECT v FROM cdc_idle_b WHERE id = 1000", "one change",
                       std::chrono::seconds(engine::kCdcCheckpointIntervalSeconds + 10)));

  // WAL from another database: no change of ours, yet the slots move on.
  const std::string target = s.value("SELECT pg_current_wal_lsn()::text").value();
  d.exec("CREATE TABLE IF NOT EXISTS wal_elsewhere (i int)");
  auto caught_up = [&](const std::string& slot) {
    return s.value("SELECT (confirmed_flush_lsn >= '" + target +
                   "')::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'") == "true";
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && !caught_up("cdc_idle")) {
    d.exec("INSERT INTO wal_elsewhere VALUES (1)");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(caught_up("cdc_idle"));

  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit_code(pid), 130);
  expect_same("cdc_idle_a", "id, v");
  expect_same("cdc_idle_b", "id, v");
}

// `check` (the source's validate) states what a cdc run will ask of the
// server, one line each, and fails on what would stop it.
TEST_F(CdcTest, CheckNamesEachReplicationPrerequisite) {
  auto s = src();
  s.exec(
      "CREATE TABLE pre_t (id int PRIMARY KEY); CREATE TABLE pre_other (id int PRIMARY KEY);"
      "CREATE PUBLICATION pre_pub FOR TABLE pre_other;"
      "SELECT pg_create_physical_replication_slot('pre_phys');");
  auto checks_of = [&](const std::string& extra) {
    auto source = instance("source-postgres");
    EXPECT_TRUE(source);
    EXPECT_TRUE(source->open(pg_config(kSourceDb, ", \"tables\": [\"pre_t\"]" + extra)));
    auto report = source->validate();
    EXPECT_TRUE(report) << report.error().message;
    std::map<std::string, std::pair<p::CheckStatus, std::string>> out;
    for (const auto& c : report->checks) out[c.name] = {c.status, c.message};
    return out;
  };
  auto checks = checks_of(", \"slot_name\": \"pre_phys\", \"publication\": \"pre_pub\"");
  EXPECT_EQ(
      checks["cdc replication privilege"],
      std::make_pair(p::CheckStatus::kPassed, std::string("user 'rb_user' may start replication")));
  EXPECT_EQ(checks["cdc slot pre_phys"],
            std::make_pair(p::CheckStatus::kFailed,
                           std::string("slot 'pre_phys' exists but is a physical slot of plugin "
                                       "''; cdc needs a logical pgoutput slot (choose another "
                                       "slot_name)")));
  EXPECT_EQ(
      checks["cdc publication pre_pub"],
      std::make_pair(p::CheckStatus::kFailed,
                     std::string("publication 'pre_pub' does not publish \"public\".\"pre_t\"")));
  EXPECT_EQ(checks["cdc headroom"].first, p::CheckStatus::kPassed);
  EXPECT_EQ(checks["cdc max_slot_wal_keep_size"].first, p::CheckStatus::kPassed);

  checks = checks_of(", \"slot_name\": \"pre_new\"");
  EXPECT_EQ(checks["cdc slot pre_new"].first, p::CheckStatus::kPassed);
  EXPECT_EQ(checks["cdc publication pre_new"],
            std::make_pair(p::CheckStatus::kPassed,
                           std::string("publication 'pre_new' will be created on the first run")));
  s.exec("SELECT pg_drop_replication_slot('pre_phys'); DROP PUBLICATION pre_pub;");
}

// Thirty tables, one pipeline: one slot, one publication, one walsender.
// Then a stream added to the running slot is snapshotted alone (the others
// keep their rows and cursors), and a stream removed from the file is no
// longer published.
TEST_F(CdcTest, ManyTablesShareOneSlotAndStreamsComeAndGo) {
  auto s = src();
  std::string streams;
  for (int i = 0; i < 30; ++i) {
    const std::string t = "many_" + std::to_string(i);
    s.exec("CREATE TABLE " + t + " (id int PRIMARY KEY, v text); INSERT INTO " + t +
           " SELECT g, 'v' FROM generate_series(1, 20) g;");
    streams += (streams.empty() ? "" : ", ") + ("{name: " + t + ", sync_mode: cdc}");
  }
  const std::string slots_before = s.value("SELECT count(*) FROM pg_replication_slots").value();
  expect_succeeded(run_pipeline(cdc_yaml("many", streams), "many"));
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_replication_slots"),
            std::to_string(std::stoi(slots_before) + 1));
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'many'"), "1");
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_publication_tables WHERE pubname = 'many'"), "30");
  for (int i = 0; i < 30; ++i) {
    s.exec("INSERT INTO many_" + std::to_string(i) + " VALUES (100, 'new'); UPDATE many_" +
           std::to_string(i) + " SET v = 'u' WHERE id = 1; DELETE FROM many_" + std::to_string(i) +
           " WHERE id = 2;");
  }
  expect_succeeded(run_pipeline(cdc_yaml("many", streams), "many"));
  for (int i = 0; i < 30; i += 7) expect_same("many_" + std::to_string(i), "id, v");

  // A new table joins while the others have cursors: only it is copied.
  s.exec(
      "CREATE TABLE many_new (id int PRIMARY KEY, v text);"
      "INSERT INTO many_new SELECT g, 'n' FROM generate_series(1, 50) g;"
      "UPDATE many_0 SET v = 'after' WHERE id = 3;");
  const std::string lsn_of_untouched = "SELECT _rb_lsn::text FROM many_0 WHERE id = 4";
  const auto untouched_before = dst().value(lsn_of_untouched);
  const std::string with_new = streams + ", {name: many_new, sync_mode: cdc}";
  auto report = run_pipeline(cdc_yaml("many", with_new), "many");
  expect_succeeded(report);
  EXPECT_EQ(dst().value(lsn_of_untouched), untouched_before) << "many_0 was copied again";
  EXPECT_EQ(report.streams.back().stream, "many_new");
  EXPECT_EQ(report.streams.back().records(), 51u);  // the reset row and 50 rows
  s.exec(
      "INSERT INTO many_new VALUES (51, 'x'); DELETE FROM many_new WHERE id = 1;"
      "INSERT INTO many_1 VALUES (101, 'y');");
  expect_succeeded(run_pipeline(cdc_yaml("many", with_new), "many"));
  expect_same("many_new", "id, v");
  expect_same("many_0", "id, v");
  expect_same("many_1", "id, v");
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'many%'"), "1");

  // Dropped from the file: no longer published.
  expect_succeeded(run_pipeline(cdc_yaml("many", "{name: many_0, sync_mode: cdc}"), "many"));
  EXPECT_EQ(s.value("SELECT string_agg(tablename, ',') FROM pg_publication_tables WHERE "
                    "pubname = 'many'"),
            "many_0");
}

// Thirty tables on a server with PostgreSQL's default max_replication_slots
// and max_wal_senders (10): one pipeline needs one slot and one walsender.
TEST_F(CdcTest, ThirtyTablesFitTheDefaultSlotLimit) {
  PostgresClusterOptions options;
  options.hba_lines = {"host all all 127.0.0.1/32 scram-sha-256"};
  options.settings = {
      {"wal_level", "logical"}, {"max_replication_slots", "10"}, {"max_wal_senders", "10"}};
  PostgresCluster small(options);
  small.create_user(kUser, kPassword);
  small.exec(std::string("ALTER ROLE ") + kUser + " REPLICATION");
  small.create_database("rb_small", kUser);
  LibpqSession s(small.tcp_conninfo("rb_small", kUser, kPassword));
  std::string streams;
  for (int i = 0; i < 30; ++i) {
    const std::string t = "few_" + std::to_string(i);
    s.exec("CREATE TABLE " + t + " (id int PRIMARY KEY, v text); INSERT INTO " + t +
           " SELECT g, 'v' FROM generate_series(1, 10) g;");
    streams += (streams.empty() ? "" : ", ") + ("{name: " + t + ", sync_mode: cdc}");
  }
  std::string yaml = cdc_yaml("few", streams);
  // The source on the small server (its port, its database); the
  // destination as usual.
  const std::string shared_port = std::to_string(cluster().port());
  yaml.replace(yaml.find(shared_port), shared_port.size(), std::to_string(small.port()));
  yaml.replace(yaml.find(kSourceDb), std::string(kSourceDb).size(), "rb_small");
  expect_succeeded(run_pipeline(yaml, "few"));
  for (int i = 0; i < 30; ++i)
    s.exec("UPDATE few_" + std::to_string(i) + " SET v = 'u' WHERE id = 1");
  expect_succeeded(run_pipeline(yaml, "few"));
  EXPECT_EQ(s.value("SELECT string_agg(slot_name, ',') FROM pg_replication_slots"), "few");
  auto d = dst();
  for (int i = 0; i < 30; ++i) {
    const std::string t = "few_" + std::to_string(i);
    EXPECT_EQ(digest(d, t, "id, v"), digest(s, t, "id, v")) << t;
  }
}

// A stream left out of the pipeline file while runs of the others confirm
// the slot past its cursor has lost the changes in between (a configured
// publication keeps publishing its table, so nothing else notices): back
// in the file it fails with SLOT_AHEAD instead of resuming without them,
// and after a reset of its state it takes a new snapshot.
TEST_F(CdcTest, StreamBehindTheSlotIsAnErrorNotAGap) {
  auto s = src();
  s.exec(
      "CREATE TABLE ahead_a (id int PRIMARY KEY, v int); CREATE TABLE ahead_b (id int PRIMARY "
      "KEY, v int); INSERT INTO ahead_a SELECT g, g FROM generate_series(1, 100) g; INSERT INTO "
      "ahead_b SELECT g, g FROM generate_series(1, 100) g;"
      "CREATE PUBLICATION ahead_pub FOR TABLE ahead_a, ahead_b;");
  auto yaml = [](const std::string& streams) {
    return pipeline_yaml("ahead", streams, "  write_mode: upsert\n  primary_key: [id]\n", {},
                         ", \"slot_name\": \"ahead\", \"publication\": \"ahead_pub\"");
  };
  const std::string both = yaml("{name: ahead_a, sync_mode: cdc}, {name: ahead_b, sync_mode: cdc}");
  const std::string only_a = yaml("{name: ahead_a, sync_mode: cdc}");
  expect_succeeded(run_pipeline(both, "ahead"));
  s.exec("UPDATE ahead_a SET v = -v; UPDATE ahead_b SET v = -v WHERE id <= 10;");
  expect_succeeded(run_pipeline(only_a, "ahead"));
  expect_succeeded(run_pipeline(only_a, "ahead"));  // confirms what the last one persisted

  auto behind = run_pipeline(both, "ahead");
  ASSERT_FALSE(behind.succeeded());
  const p::ConnectorError* error = behind.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, "SLOT_AHEAD");
  EXPECT_NE(error->message.find("stream 'ahead_b' resumes at "), std::string::npos)
      << error->message;
  EXPECT_NE(error->message.find("rapidbyte state reset <pipeline.yaml> --stream ahead_b"),
            std::string::npos)
      << error->message;

  auto backend = engine::SqliteStateBackend::open(cache_dir_ / "ahead.db");
  ASSERT_TRUE(backend);
  ASSERT_TRUE(engine::forget_pipeline_state(**backend, "ahead", "ahead_b"));
  backend->reset();
  expect_succeeded(run_pipeline(both, "ahead"));
  expect_same("ahead_a", "id, v");
  expect_same("ahead_b", "id, v");
}

}  // namespace
}  // namespace rapidbyte::test
