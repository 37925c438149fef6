// Crash safety of the batch modes at the engine's deterministic kill points
// (RAPIDBYTE_TEST_KILL_AT): full refresh with replace, upsert and append,
// and incremental with upsert and append, each killed at 25 points (every
// point, at growing counts) while a writer inserts and updates the source.
// After a final run the destination equals the source; for incremental
// append, holds every source row at least once (at-least-once after a
// crash, docs/RELIABILITY.md; runs of 200 rows share one cursor value, as
// they do in tables loaded in bulk). A full refresh's append runs against a source
// at rest instead, so that its copies can be told apart: the destination
// holds whole copies of it only, at least one per run that succeeded (a
// killed run appended nothing, or all of it if it died after its commit).
// No staging table is left.
// The cdc streams have their own (CdcTest.KillPointsAcrossSnapshotAndStreaming...).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "host/engine/state/sqlite_state_backend.hpp"
#include "tests/connectors/connector_environment.hpp"

namespace rapidbyte::test {
namespace {

// Kill rounds a mode: 25 in CI; RAPIDBYTE_SOAK_ROUNDS sets more for a
// longer soak (docs/RELIABILITY.md).
int soak_rounds() {
  const char* rounds = std::getenv("RAPIDBYTE_SOAK_ROUNDS");
  return rounds ? std::max(1, std::atoi(rounds)) : 25;
}

struct Modes {
  const char* sync_mode;
  const char* write_mode;
};

class KillPointTest : public PgConnectorTest, public ::testing::WithParamInterface<Modes> {
 protected:
  // An append keeps every version of a row: its destination has no key.
  bool appends() const { return std::string(GetParam().write_mode) == "append"; }
  bool full_refresh() const { return std::string(GetParam().sync_mode) == "full_refresh"; }
  std::string table() const {
    return std::string("kp_") + GetParam().sync_mode + "_" + GetParam().write_mode;
  }
  std::filesystem::path state_dir() const { return cache_dir_ / table(); }
  std::filesystem::path write_pipeline() {
    const auto dir = state_dir();
    std::filesystem::create_directories(dir);
    const std::string stream =
        std::string("{name: ") + table() + ", sync_mode: " + GetParam().sync_mode +
        (std::string(GetParam().sync_mode) == "incremental" ? ", cursor_field: updated_at}" : "}");
    const auto path = dir / "pipeline.yaml";
    std::ofstream(path) << pipeline_yaml(table(), stream,
                                         std::string("  write_mode: ") + GetParam().write_mode +
                                             "\n  primary_key: [id]\n",
                                         ", checkpoint_interval_rows: 2000, max_batch_bytes: 65536")
                        << "state: {connection: " << (dir / "state.db").string() << "}\n";
    return path;
  }
  // The rows of `table()` in `db`, as text.
  std::multiset<std::string> rows(LibpqSession& db) {
    std::multiset<std::string> out;
    for (const auto& row : db.query("SELECT t::text FROM " + table() + " AS t"))
      out.insert(*row[0]);
    return out;
  }
};

TEST_P(KillPointTest, KilledAtEveryPointThenRerunLosesNothing) {
  auto s = src();
  s.exec("CREATE TABLE " + table() +
         " (id bigint PRIMARY KEY, payload text NOT NULL, updated_at timestamptz NOT NULL);"
         "INSERT INTO " +
         table() +
         " SELECT g, md5(g::text), '2026-01-01'::timestamptz + g / 200 * interval '1 ms' FROM "
         "generate_series(1, 20000) g;");
  const auto pipeline = write_pipeline();

  // One writer, one statement at a time, so updated_at grows in commit
  // order (what a cursor column has to promise).
  const bool copies = appends() && full_refresh();
  std::jthread writer([&](std::stop_token stop) {
    if (copies) return;
    LibpqSession w(cluster().tcp_conninfo(kSourceDb, kUser, kPassword));
    for (int i = 0; !stop.stop_requested(); ++i) {
      w.exec("INSERT INTO " + table() + " VALUES (" + std::to_string(100000 + i) +
             ", 'new', clock_timestamp()); UPDATE " + table() +
             " SET payload = 'changed', updated_at = clock_timestamp() WHERE id % 997 = " +
             std::to_string(i % 997));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });

  const char* points[] = {"source-batch", "source-checkpoint", "destination-commit",
                          "cursor-persisted"};
  int killed_at_point = 0;
  const int rounds = soak_rounds();
  for (int round = 0; round < rounds; ++round) {
    const char* point = points[round % 4];
    const std::string kill_at = std::string(point) + ":" + std::to_string(1 + round % 25 / 8);
    const pid_t pid = start_run(pipeline, kill_at);
    ASSERT_GT(pid, 0);
    const int code = wait_exit_code(pid);
    if (code == 128 + SIGKILL)
      ++killed_at_point;
    else
      ASSERT_EQ(code, 0) << kill_at << ": the run ended before its kill point, and failed";
  }
  writer.request_stop();
  writer.join();
  RecordProperty("runs_ended_at_their_kill_point", killed_at_point);
  EXPECT_GE(killed_at_point, rounds * 2 / 5) << "most runs must end at their kill point";

  const pid_t final_run = start_run(pipeline);
  ASSERT_GT(final_run, 0);
  ASSERT_EQ(wait_exit_code(final_run), 0);
  auto d = dst();
  if (appends()) {
    const auto written = rows(d);
    size_t missing = 0;
    for (const auto& row : rows(s)) missing += written.count(row) == 0;
    EXPECT_EQ(missing, 0u);
    RecordProperty("rows_appended_again", static_cast<int>(written.size() - rows(s).size()));
    if (copies) {
      const auto source = rows(s);
      const size_t whole = written.size() / source.size();
      for (const auto& row : source) EXPECT_EQ(written.count(row), whole) << row;
      EXPECT_EQ(written.size(), whole * source.size()) << "rows that are not the source's";
      auto state = engine::SqliteStateBackend::open(state_dir() / "state.db");
      ASSERT_TRUE(state) << state.error();
      size_t succeeded = 0;
      // Kept in a local: a range-for over a temporary's value() dangles.
      auto runs = (*state)->recent_runs(table(), 1000);
      ASSERT_TRUE(runs) << runs.error();
      for (const auto& run : *runs) succeeded += run.status == engine::RunStatus::kSucceeded;
      EXPECT_GE(whole, succeeded);
      RecordProperty("copies", static_cast<int>(whole));
    }
  } else {
    EXPECT_EQ(table_digest(d, table(), "id"), table_digest(s, table(), "id"));
  }
  EXPECT_EQ(d.value("SELECT string_agg(relname, ',') FROM pg_class WHERE relkind = 'r' AND "
                    "relname LIKE '%" +
                    table() + "%'"),
            table());
}

INSTANTIATE_TEST_SUITE_P(BatchModes, KillPointTest,
                         ::testing::Values(Modes{"full_refresh", "replace"},
                                           Modes{"full_refresh", "upsert"},
                                           Modes{"full_refresh", "append"},
                                           Modes{"incremental", "upsert"},
                                           Modes{"incremental", "append"}),
                         [](const auto& info) {
                           return std::string(info.param.sync_mode) + "_" + info.param.write_mode;
                         });

}  // namespace
}  // namespace rapidbyte::test
