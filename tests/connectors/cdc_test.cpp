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
#include <thread>

#include "host/engine/pipeline_probe.hpp"
#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "tests/connectors/connector_environment.hpp"

namespace rapidbyte::test {
namespace {

class CdcTest : public PgConnectorTest {
 protected:
  // The pipeline of `streams` (YAML flow list items) with its own slot.
  static std::string cdc_yaml(const std::string& name, const std::string& streams,
                              const std::string& resources = {}) {
    return pipeline_yaml(name, streams, "  write_mode: upsert\n  primary_key: [id]\n", resources,
                         ", \"slot_name\": \"" + name + "\"");
  }

  // count:md5 of `columns` of `table`, ordered by id.
  static std::string digest(LibpqSession& db, const std::string& table,
                            const std::string& columns) {
    return db
        .value("SELECT count(*) || ':' || coalesce(md5(string_agg(row(" + columns +
               ")::text, '|' ORDER BY id)), '') FROM " + table)
        .value_or("NULL");
  }

  // The destination's `columns` of `table` equal the source's: the digest,
  // and row by row on the destination server (the source rows copied next
  // to the table, EXCEPT ALL both ways).
  void expect_same(const std::string& table, const std::string& columns) {
    auto s = src();
    auto d = dst();
    EXPECT_EQ(digest(d, table, columns), digest(s, table, columns)) << table;
    d.exec("DROP TABLE IF EXISTS pg_temp.source_rows; CREATE TEMP TABLE source_rows AS SELECT " +
           columns + " FROM " + table + " WITH NO DATA");
    std::string values;
    for (const TextRow& row : s.query("SELECT " + columns + " FROM " + table)) {
      values += values.empty() ? "(" : ", (";
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) values += ", ";
        values += row[i] ? d.literal(*row[i]) : "NULL";
      }
      values += ")";
    }
    if (!values.empty()) d.exec("INSERT INTO source_rows VALUES " + values);
    const std::string projected = "SELECT " + columns + " FROM " + table;
    EXPECT_EQ(d.value("SELECT count(*) FROM ((TABLE source_rows EXCEPT ALL " + projected +
                      ") UNION ALL (" + projected + " EXCEPT ALL TABLE source_rows)) d"),
              "0")
        << table << ": rows differ between source and destination";
  }

  // The slot's confirmed position must never pass the persisted cursor.
  void expect_confirmed_within_cursor(const std::string& slot, const std::string& state,
                                      const std::string& pipeline, const std::string& stream) {
    expect_confirmed_within_state(slot, cache_dir_ / (state + ".db"), pipeline, stream);
  }
  void expect_confirmed_within_state(const std::string& slot,
                                     const std::filesystem::path& state_file,
                                     const std::string& pipeline, const std::string& stream) {
    auto backend = engine::SqliteStateBackend::open(state_file);
    ASSERT_TRUE(backend);
    auto cursor = (*backend)->cursor(pipeline, stream);
    ASSERT_TRUE(cursor && *cursor);
    ASSERT_EQ((*cursor)->value.index(), protocol::cursor_kind::kLsn);
    const uint64_t persisted = std::get<protocol::cursor_kind::kLsn>((*cursor)->value);
    auto s = src();
    auto confirmed = s.value(
        "SELECT (confirmed_flush_lsn - '0/0')::text FROM pg_replication_slots "
        "WHERE slot_name = '" +
        slot + "'");
    ASSERT_TRUE(confirmed);
    EXPECT_LE(std::stoull(*confirmed), persisted);
  }
};

void expect_succeeded(const engine::RunReport& report) {
  EXPECT_TRUE(report.succeeded()) << report.first_error();
}

TEST_F(CdcTest, SnapshotThenChangesAcrossTables) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_a (id int PRIMARY KEY, name text, amount numeric(12, 2));"
      "CREATE TABLE cdc_b (id bigint PRIMARY KEY, at timestamptz, tags text[]);"
      "INSERT INTO cdc_a SELECT g, 'a' || g, g * 1.5 FROM generate_series(1, 1000) g;"
      "INSERT INTO cdc_b SELECT g, '2026-01-01'::timestamptz + g * interval '1 minute', "
      "ARRAY['x', g::text] FROM generate_series(1, 500) g;");
  const std::string yaml =
      cdc_yaml("cdc_multi", "{name: cdc_a, sync_mode: cdc}, {name: cdc_b, sync_mode: cdc}");
  expect_succeeded(run_pipeline(yaml, "cdc_multi"));
  expect_same("cdc_a", "id, name, amount");
  expect_same("cdc_b", "id, at, tags");
  {
    auto d = dst();
    EXPECT_EQ(d.value("SELECT count(*) FROM cdc_a WHERE _rb_op = 'insert' AND _rb_lsn > 0"),
              "1000");
  }

  s.exec(
      "INSERT INTO cdc_a VALUES (1001, 'new', 1);"
      "UPDATE cdc_a SET name = 'changed' WHERE id % 10 = 0;"
      "DELETE FROM cdc_a WHERE id % 7 = 0;"
      "UPDATE cdc_a SET id = id + 5000 WHERE id BETWEEN 1 AND 5;"  // key changes
      "BEGIN; INSERT INTO cdc_b VALUES (9000, now(), NULL); UPDATE cdc_b SET tags = NULL WHERE id "
      "< 100; DELETE FROM cdc_b WHERE id = 9000; COMMIT;"
      "DELETE FROM cdc_b WHERE id BETWEEN 200 AND 250;");
  auto report = run_pipeline(yaml, "cdc_multi");
  expect_succeeded(report);
  expect_same("cdc_a", "id, name, amount");
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
  expect_same("cdc_a", "id, name, amount");
  expect_confirmed_within_cursor("cdc_multi_cdc_a", "cdc_multi", "cdc_multi", "cdc_a");
  expect_confirmed_within_cursor("cdc_multi_cdc_b", "cdc_multi", "cdc_multi", "cdc_b");

  // An idle run confirms what the previous one persisted.
  expect_succeeded(run_pipeline(yaml, "cdc_multi"));
  expect_confirmed_within_cursor("cdc_multi_cdc_a", "cdc_multi", "cdc_multi", "cdc_a");
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

TEST_F(CdcTest, TeardownDropsSlotAndPublication) {
  auto s = src();
  s.exec("CREATE TABLE cdc_gone (id int PRIMARY KEY); INSERT INTO cdc_gone VALUES (1);");
  const std::string yaml = cdc_yaml("cdc_gone", "{name: cdc_gone, sync_mode: cdc}");
  expect_succeeded(run_pipeline(yaml, "cdc_gone"));
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                    "'cdc_gone_cdc_gone'"),
            "1");
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_publication WHERE pubname = 'cdc_gone_cdc_gone'"),
            "1");
  auto pipeline = engine::parse_pipeline(yaml, "cdc_gone.yaml");
  ASSERT_TRUE(pipeline);
  engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
  auto backend = engine::SqliteStateBackend::open(cache_dir_ / "cdc_gone.db");
  ASSERT_TRUE(backend);
  auto done = engine::teardown_pipeline(*engine_, catalog, **backend, *pipeline);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                    "'cdc_gone_cdc_gone'"),
            "0");
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_publication WHERE pubname = 'cdc_gone_cdc_gone'"),
            "0");
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
      "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'cdc_dry_cdc_dry'";
  const std::string publication_count =
      "SELECT count(*) FROM pg_publication WHERE pubname = 'cdc_dry_cdc_dry'";
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
      "'cdc_dry_cdc_dry'";
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

TEST_F(CdcTest, SigkillDuringContinuousRunsLosesNothing) {
  auto s = src();
  s.exec(
      "CREATE TABLE cdc_kill (id int PRIMARY KEY, v int NOT NULL, note text);"
      "INSERT INTO cdc_kill SELECT g, 0, 'seed' FROM generate_series(1, 20000) g;");
  const auto dir = cache_dir_ / "cdc_kill";
  std::filesystem::create_directories(dir);
  const std::string state = "state: {connection: " + (dir / "state.db").string() + "}\n";
  auto write_pipeline = [&](const std::string& mode) {
    const auto path = dir / (mode + ".yaml");
    std::ofstream(path) << pipeline_yaml(
                               "cdc_kill", "{name: cdc_kill, sync_mode: cdc}",
                               "  write_mode: upsert\n  primary_key: [id]\n",
                               ", checkpoint_interval_seconds: 1",
                               ", \"slot_name\": \"cdc_kill\", \"cdc_mode\": \"" + mode + "\"")
                        << state;
    return path;
  };
  const auto continuous = write_pipeline("continuous");
  const auto bounded = write_pipeline("bounded");
  auto wait_slot_released = [&] {
    for (int i = 0; i < 100; ++i) {
      if (s.value("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                  "'cdc_kill_cdc_kill' AND active") == "0") {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };

  // Small transactions of every kind keep arriving while runs are killed.
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    LibpqSession w(cluster().tcp_conninfo(kSourceDb, kUser, kPassword));
    for (int i = 0; writing; ++i) {
      const std::string n = std::to_string(i);
      w.exec("BEGIN; INSERT INTO cdc_kill VALUES (" + std::to_string(100000 + i) + ", " + n +
             ", 'w'); UPDATE cdc_kill SET v = v + 1 WHERE id % 997 = " + std::to_string(i % 997) +
             "; DELETE FROM cdc_kill WHERE id = " + std::to_string(1 + i * 7 % 20000) +
             "; COMMIT;");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  int killed = 0;
  for (int point = 0; point < 8; ++point) {
    wait_slot_released();
    const pid_t pid = start_run(continuous);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + (point * 53 % 8) * 150));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    wait_exit_code(pid);
    if (std::filesystem::exists(dir / "state.db")) {
      auto backend = engine::SqliteStateBackend::open(dir / "state.db");
      ASSERT_TRUE(backend);
      auto cursor = (*backend)->cursor("cdc_kill", "cdc_kill");
      if (cursor && *cursor) {
        backend->reset();
        expect_confirmed_within_state("cdc_kill_cdc_kill", dir / "state.db", "cdc_kill",
                                      "cdc_kill");
      }
    }
  }
  writing = false;
  writer.join();
  EXPECT_GT(killed, 0);

  wait_slot_released();
  const pid_t final_run = start_run(bounded);
  ASSERT_GT(final_run, 0);
  ASSERT_EQ(wait_exit_code(final_run), 0);
  expect_same("cdc_kill", "id, v, note");
  expect_confirmed_within_state("cdc_kill_cdc_kill", dir / "state.db", "cdc_kill", "cdc_kill");
}

}  // namespace
}  // namespace rapidbyte::test
