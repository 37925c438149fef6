// Partitioned full refresh (one stream read as N slices of one exported
// snapshot): exact for tables with and without a key, by heap pages, key
// ranges and key modulo, with append, upsert and replace; one instant under
// a concurrent writer; skewed keys split evenly by their statistics; a run
// killed at many points resumes only its unfinished slices, ending exact;
// and a replace or an append shows the table as it was until every slice
// is in.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "host/engine/partition_progress.hpp"
#include "host/engine/state/cursor_codec.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "tests/connectors/connector_environment.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

// Rows of `table` in `db` as text, with their multiplicity: EXCEPT ALL both
// ways is equality of these.
std::multiset<std::string> rows(LibpqSession& db, const std::string& table) {
  std::multiset<std::string> out;
  for (const auto& row : db.query("SELECT t::text FROM " + table + " AS t")) out.insert(*row[0]);
  return out;
}

class PartitionedReadTest : public PgConnectorTest {
 protected:
  // The directory of a test's files: its pipeline files and state.db.
  std::filesystem::path test_dir(const std::string& name) {
    const auto dir = cache_dir_ / name;
    std::filesystem::create_directories(dir);
    return dir;
  }
  // Writes `yaml` to `dir`/`file` with the state file `dir`/state.db.
  static std::filesystem::path pipeline_file(const std::filesystem::path& dir,
                                             const std::string& yaml,
                                             const std::string& file = "pipeline.yaml") {
    const auto path = dir / file;
    std::ofstream(path) << yaml << "state: {connection: " << (dir / "state.db").string() << "}\n";
    return path;
  }

  // Runs `pipeline` in a process armed to die at `kill_at` (empty: not
  // armed); whether it died there. A run that ends first must succeed.
  static bool killed_at(const std::filesystem::path& pipeline, const std::string& kill_at) {
    const pid_t pid = start_run(pipeline, kill_at);
    EXPECT_GT(pid, 0);
    if (pid <= 0) return false;
    const int code = wait_exit_code(pid);
    EXPECT_TRUE(code == 0 || (!kill_at.empty() && code == 128 + SIGKILL))
        << (kill_at.empty() ? "unarmed" : kill_at) << ": exit code " << code;
    return code == 128 + SIGKILL;
  }

  // The two pipelines of a whole-read-supersedes test, in one directory
  // with one state: `table` split by `split_extra`, and read whole.
  struct SplitAndWhole {
    std::filesystem::path dir, split, whole;
  };
  SplitAndWhole split_and_whole(const std::string& table, const std::string& split_extra,
                                const std::string& write_mode) {
    const auto dir = test_dir(table);
    return {dir,
            pipeline_file(dir, yaml(table, table, split_extra, write_mode, ", parallelism: 1"),
                          "split.yaml"),
            pipeline_file(dir, yaml(table, table, "", write_mode), "whole.yaml")};
  }
  // A source table `table` of 8000 keyed rows; its target is dropped (the
  // supersede tests and others).
  void supersede_tables(const std::string& table) {
    src().exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v text); INSERT INTO " + table +
               " SELECT g, md5(g::text) FROM generate_series(1, 8000) g;");
    dst().exec("DROP TABLE IF EXISTS " + table);
  }

  // A pipeline of one partitioned stream; `stream_extra` goes inside its
  // flow map (", partitions: 4").
  std::string yaml(const std::string& pipeline, const std::string& table,
                   const std::string& stream_extra, const std::string& write_mode,
                   const std::string& resources = ", parallelism: 2") {
    return pipeline_yaml(
        pipeline, "{name: " + table + stream_extra + "}",
        "  write_mode: " + write_mode + (write_mode == "upsert" ? "\n  primary_key: [id]\n" : "\n"),
        resources);
  }
};

struct Split {
  const char* name;
  const char* stream_extra;
  const char* resources;
};

// A table with a key and holes from deletes, copied by every split and
// both write modes that take partitions: the destination equals the source.
TEST_F(PartitionedReadTest, EverySplitCopiesExactly) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_keyed (id bigint PRIMARY KEY, at timestamptz, day date, v text);"
      "INSERT INTO pr_keyed SELECT g, '2026-01-01'::timestamptz + g * interval '1 min', "
      "'2020-01-01'::date + g % 900, md5(g::text) FROM generate_series(1, 30000) g;"
      "DELETE FROM pr_keyed WHERE id % 7 = 0 OR id BETWEEN 10000 AND 12000;"
      "INSERT INTO pr_keyed VALUES (-5, NULL, NULL, 'negative');");
  const Split splits[] = {
      {"pages4", ", partitions: 4", ", parallelism: 2"},
      {"pages8", ", partitions: 8", ", parallelism: 3"},
      {"range4", ", partitions: 4, partition_key: id", ", parallelism: 2"},
      {"range_ts", ", partitions: 5, partition_key: at", ", parallelism: 2"},
      {"range_date", ", partitions: 3, partition_key: day", ", parallelism: 2"},
      {"mod8", ", partitions: 8, partition_key: id",
       ", parallelism: 4, autotune: {partition_mode: mod}"},
      {"auto", ", partition_key: id", ", parallelism: auto"},
  };
  for (const Split& split : splits) {
    for (const std::string mode : {"append", "upsert"}) {
      SCOPED_TRACE(std::string(split.name) + " " + mode);
      auto d = dst();
      d.exec("DROP TABLE IF EXISTS pr_keyed");
      auto report = run_pipeline(yaml(std::string("pr_") + split.name + "_" + mode, "pr_keyed",
                                      split.stream_extra, mode, split.resources),
                                 std::string("pr_") + split.name + "_" + mode);
      ASSERT_TRUE(report.succeeded()) << report.first_error();
      EXPECT_EQ(report.records(), rows(s, "pr_keyed").size());
      EXPECT_EQ(rows(d, "pr_keyed"), rows(s, "pr_keyed"));
      const auto& slices = report.streams.at(0).partitions;
      ASSERT_FALSE(slices.empty());
      for (size_t i = 0; i < slices.size(); ++i) EXPECT_EQ(slices[i].index, i);
    }
  }
}

// partitions: auto sizes the plan from the table: one slice per 128 MiB of
// its heap, at least one, at most 4 per worker; a view, whose size is
// unknown, gets the most. (A low fillfactor makes a large heap of few rows.)
TEST_F(PartitionedReadTest, AutoPartitionsFollowTheTablesSize) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_auto_big (id bigint PRIMARY KEY, v text) WITH (fillfactor = 10);"
      "INSERT INTO pr_auto_big SELECT g, md5(g::text) FROM generate_series(1, 250000) g;"
      "CREATE TABLE pr_auto_small (id bigint PRIMARY KEY, v text);"
      "INSERT INTO pr_auto_small SELECT g, md5(g::text) FROM generate_series(1, 1000) g;"
      "CREATE VIEW pr_auto_view AS SELECT * FROM pr_auto_small;");
  const uint64_t big_bytes = std::stoull(*s.value("SELECT pg_relation_size('pr_auto_big')"));
  const uint64_t big_slices = (big_bytes + (128u << 20) - 1) / (128u << 20);
  ASSERT_GE(big_slices, 2u) << big_bytes << " bytes";
  struct Case {
    const char* table;
    const char* stream_extra;
    uint64_t slices;
  };
  const Case cases[] = {
      {"pr_auto_big", ", partitions: auto", big_slices},
      {"pr_auto_small", ", partitions: auto", 1},
      {"pr_auto_view", ", partition_key: id", 8},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.table);
    auto d = dst();
    d.exec(std::string("DROP TABLE IF EXISTS ") + c.table);
    auto report = run_pipeline(yaml(c.table, c.table, c.stream_extra, "append"), c.table);
    ASSERT_TRUE(report.succeeded()) << report.first_error();
    EXPECT_EQ(report.streams.at(0).partitions.size(), c.slices);
    EXPECT_EQ(rows(d, c.table), rows(s, c.table));
  }
}

// A heap without a key, with holes: slices of pages read each row once,
// also rows that share a value.
TEST_F(PartitionedReadTest, TableWithoutKeyIsCopiedOnce) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_heap (v int, note text);"
      "INSERT INTO pr_heap SELECT g % 100, repeat('x', g % 50) FROM generate_series(1, 40000) g;"
      "DELETE FROM pr_heap WHERE v BETWEEN 20 AND 40;");
  for (const char* partitions : {"4", "8"}) {
    auto d = dst();
    d.exec("DROP TABLE IF EXISTS pr_heap");
    auto report = run_pipeline(yaml(std::string("pr_heap_") + partitions, "pr_heap",
                                    std::string(", partitions: ") + partitions, "append"),
                               std::string("pr_heap_") + partitions);
    ASSERT_TRUE(report.succeeded()) << report.first_error();
    EXPECT_EQ(rows(d, "pr_heap"), rows(s, "pr_heap")) << partitions << " partitions";
    EXPECT_EQ(report.streams.at(0).partitions.size(), std::stoul(partitions));
  }
}

// A writer moves value between rows and replaces rows while the slices are
// read: each of its transactions keeps the row count and the sum, and moves
// rows to other pages. Slices read at different instants would break either.
TEST_F(PartitionedReadTest, SlicesReadOneInstantUnderAConcurrentWriter) {
  auto s = src();
  constexpr int kRows = 60000;
  s.exec(
      "CREATE TABLE pr_moving (id bigint PRIMARY KEY, balance bigint NOT NULL, pad text);"
      "INSERT INTO pr_moving SELECT g, 1000, repeat('p', 100) FROM generate_series(1, " +
      std::to_string(kRows) + ") g;");
  const std::string total = *s.value("SELECT sum(balance) FROM pr_moving");
  std::atomic<int> commits{0};
  std::atomic<bool> run_started{false};
  std::jthread writer([&](std::stop_token stop) {
    LibpqSession w(cluster().tcp_conninfo(kSourceDb, kUser, kPassword));
    for (int64_t i = 0; !stop.stop_requested(); ++i) {
      // The ids stay contiguous (the lowest row is replaced by one past the
      // highest), so offsets from the lowest name existing rows.
      const std::string a = std::to_string(100 + (i * 7919) % 50000);
      const std::string b = std::to_string(100 + (i * 104729 + 1) % 50000);
      if (a == b) continue;
      // A transfer, and a row replaced by one with a new id (a new page).
      w.exec(
          "BEGIN; WITH m AS (SELECT min(id) AS low FROM pr_moving) UPDATE pr_moving SET "
          "balance = balance + CASE WHEN id = low + " +
          a +
          " THEN -5 ELSE 5 END FROM m "
          "WHERE id IN (low + " +
          a + ", low + " + b +
          "); "
          "WITH gone AS (DELETE FROM pr_moving WHERE id = (SELECT min(id) FROM pr_moving) "
          "RETURNING balance) INSERT INTO pr_moving SELECT (SELECT max(id) + 1 FROM "
          "pr_moving), balance, 'moved' FROM gone; COMMIT;");
      if (run_started) ++commits;
    }
  });
  const std::pair<const char*, const char*> splits[] = {
      {"pr_moving_pages", ", partitions: 8"},
      {"pr_moving_key", ", partitions: 4, partition_key: id"}};
  for (const auto& [name, split] : splits) {
    SCOPED_TRACE(split);
    auto d = dst();
    d.exec("DROP TABLE IF EXISTS pr_moving");
    const int before = commits;
    run_started = true;
    auto report = run_pipeline(
        yaml(name, "pr_moving", split, "append", ", parallelism: 4, max_batch_bytes: 65536"), name);
    run_started = false;
    ASSERT_TRUE(report.succeeded()) << report.first_error();
    EXPECT_EQ(d.value("SELECT count(*) FROM pr_moving"), std::to_string(kRows));
    EXPECT_EQ(d.value("SELECT count(DISTINCT id) FROM pr_moving"), std::to_string(kRows));
    EXPECT_EQ(d.value("SELECT sum(balance) FROM pr_moving"), total);
    RecordProperty(std::string("writer_commits_during_") + name, commits - before);
  }
  writer.request_stop();
  writer.join();
  EXPECT_GT(commits.load(), 0) << "the writer never ran during a copy";
  EXPECT_EQ(s.value("SELECT sum(balance) FROM pr_moving"), total) << "the writer keeps the sum";
}

// 90% of the rows in 1% of the key range: slices from the column's
// statistics hold nearly equal shares, where even steps of min..max would
// put 90% in one.
TEST_F(PartitionedReadTest, SkewedKeysSplitEvenlyByStatistics) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_skewed (id bigint PRIMARY KEY, v int);"
      "INSERT INTO pr_skewed SELECT g, 0 FROM generate_series(1, 36000) g;"
      "INSERT INTO pr_skewed SELECT 1000000 + g * 250, 0 FROM generate_series(1, 4000) g;"
      "ANALYZE pr_skewed;");
  auto report = run_pipeline(
      yaml("pr_skewed", "pr_skewed", ", partitions: 4, partition_key: id", "append"), "pr_skewed");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  auto d = dst();
  EXPECT_EQ(rows(d, "pr_skewed"), rows(s, "pr_skewed"));
  const auto& slices = report.streams.at(0).partitions;
  ASSERT_EQ(slices.size(), 4u);
  for (const auto& slice : slices) {
    // 10000 each, give or take the histogram's resolution.
    EXPECT_GT(slice.report.records(), 8000u) << "slice " << slice.index;
    EXPECT_LT(slice.report.records(), 12000u) << "slice " << slice.index;
  }
}

// Bad partition settings fail before anything runs, naming the stream.
TEST_F(PartitionedReadTest, SettingsThatCannotBeSplitAreRefused) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_bad (id bigint PRIMARY KEY, label text);"
      "INSERT INTO pr_bad VALUES (1, 'a');"
      "CREATE VIEW pr_bad_view AS SELECT * FROM pr_bad;");
  auto text_key = run_pipeline(
      yaml("pr_bad1", "pr_bad", ", partitions: 2, partition_key: label", "append"), "pr_bad1");
  EXPECT_EQ(text_key.first_error(),
            "pr_bad: source-postgres: partition_key 'label' of \"public\".\"pr_bad\" is text; a "
            "range split needs an integer, numeric, timestamp or date column");
  auto view = run_pipeline(yaml("pr_bad2", "pr_bad_view", ", partitions: 2", "append"), "pr_bad2");
  EXPECT_EQ(view.first_error(),
            "pr_bad_view: source-postgres: stream 'pr_bad_view': \"public\".\"pr_bad_view\" is not "
            "a plain table, so it cannot be split by heap pages; set partition_key");
}

// The tables a partitioned replace or append leaves in `db`'s public schema
// beside its target: none once it is finalized.
std::vector<std::string> slice_leftovers(LibpqSession& db, const std::string& table) {
  std::vector<std::string> out;
  for (const auto& row : db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "AND tablename LIKE '" +
                                  table + "\\_\\_rb\\_%' ORDER BY 1")) {
    out.push_back(*row[0]);
  }
  return out;
}

// A partitioned replace: every slice writes into one staging table, which
// replaces the old table at once when the last slice is done; by heap pages
// and by key ranges, with and without rows in a slice.
TEST_F(PartitionedReadTest, ReplaceSwapsInEverySliceAtOnce) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_swap (id bigint PRIMARY KEY, v text);"
      "INSERT INTO pr_swap SELECT g, md5(g::text) FROM generate_series(1, 20000) g;"
      "CREATE TABLE pr_swap_empty (id bigint PRIMARY KEY, v text);");
  const Split splits[] = {
      {"pages", ", partitions: 4", ", parallelism: 2"},
      {"range", ", partitions: 6, partition_key: id", ", parallelism: 3"},
  };
  for (const Split& split : splits) {
    for (const std::string table : {"pr_swap", "pr_swap_empty"}) {
      SCOPED_TRACE(std::string(split.name) + " " + table);
      auto d = dst();
      d.exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (id bigint, old text); INSERT INTO " + table + " VALUES (-1, 'old'), (-2, 'old')");
      const std::string name = "pr_swap_" + std::string(split.name) + "_" + table;
      auto report =
          run_pipeline(yaml(name, table, split.stream_extra, "replace", split.resources), name);
      ASSERT_TRUE(report.succeeded()) << report.first_error();
      EXPECT_EQ(rows(d, table), rows(s, table));
      EXPECT_EQ(report.records(), rows(s, table).size());
      EXPECT_EQ(slice_leftovers(d, table), std::vector<std::string>{});
    }
  }
}

// Killed at 16 points of a partitioned replace (slices committing into the
// staging table, a slice recorded as finished, the swap done but not yet
// recorded), the target is always the old table or the whole new one; the
// target is set back to the old table whenever no plan is left to resume.
// The last run leaves the new table and nothing else behind.
TEST_F(PartitionedReadTest, KilledReplaceShowsTheOldTableOrTheWholeNewOne) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_swap_killed (id bigint PRIMARY KEY, v text);"
      "INSERT INTO pr_swap_killed SELECT g, md5(g::text) FROM generate_series(1, 30000) g;");
  auto d = dst();
  const std::string old_rows =
      "DROP TABLE IF EXISTS pr_swap_killed; CREATE TABLE pr_swap_killed (id bigint, v text);"
      "INSERT INTO pr_swap_killed VALUES (1, 'old'), (2, 'old');";
  d.exec(old_rows);
  const std::string old_table = table_digest(d, "pr_swap_killed", "id");
  const std::string new_table = table_digest(s, "pr_swap_killed", "id");
  const auto dir = test_dir("pr_swap_killed");
  const auto pipeline =
      pipeline_file(dir, yaml("pr_swap_killed", "pr_swap_killed", ", partitions: 5", "replace",
                              ", parallelism: 2, max_batch_bytes: 65536"));
  auto in_progress = [&] {
    auto state = engine::SqliteStateBackend::open(dir / "state.db");
    EXPECT_TRUE(state) << state.error();
    auto progress = engine::PartitionProgress::load(**state, "pr_swap_killed", "pr_swap_killed");
    EXPECT_TRUE(progress) << progress.error().message;
    return progress && progress->has_value();
  };
  int killed = 0;
  int swapped = 0;
  const char* points[] = {"destination-commit", "partition-done", "source-batch",
                          "stream-finalized"};
  for (int round = 0; round < 16; ++round) {
    const std::string point = points[round % 4];
    const int count = point == "source-batch"       ? 3 + round * 2
                      : point == "stream-finalized" ? 1
                                                    : 1 + round % 5;
    const std::string kill_at = point + ":" + std::to_string(count);
    if (!in_progress()) d.exec(old_rows);
    if (killed_at(pipeline, kill_at)) ++killed;
    const std::string seen = table_digest(d, "pr_swap_killed", "id");
    if (seen == new_table) {
      ++swapped;
    } else {
      ASSERT_EQ(seen, old_table) << "after " << kill_at << ": a partial table";
    }
  }
  EXPECT_GE(killed, 10) << "most runs must end at their kill point";
  EXPECT_GE(swapped, 2);
  EXPECT_LE(swapped, 12);
  RecordProperty("killed", killed);
  RecordProperty("swapped", swapped);

  ASSERT_FALSE(killed_at(pipeline, ""));
  EXPECT_EQ(table_digest(d, "pr_swap_killed", "id"), new_table);
  EXPECT_EQ(slice_leftovers(d, "pr_swap_killed"), std::vector<std::string>{});
  EXPECT_FALSE(in_progress()) << "a finished stream keeps no record of its slices";
}

// Killed at 16 points of a partitioned append into a table with rows, by
// heap pages (which start over) and by key ranges (which resume), the table
// always holds its old rows alone or with the whole stream exactly once:
// never a part of it, never a slice twice. The last run leaves nothing
// behind.
TEST_F(PartitionedReadTest, KilledAppendAddsTheWholeStreamOnce) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_append_killed (id bigint PRIMARY KEY, v text);"
      "INSERT INTO pr_append_killed SELECT g, md5(g::text) FROM generate_series(1, 30000) g;");
  auto d = dst();
  const std::string old_rows =
      "DROP TABLE IF EXISTS pr_append_killed; CREATE TABLE pr_append_killed (id bigint, v text);"
      "INSERT INTO pr_append_killed VALUES (1, 'old'), (-2, 'old');";
  const Split splits[] = {
      {"pages", ", partitions: 5", ", parallelism: 2, max_batch_bytes: 65536"},
      {"range", ", partitions: 5, partition_key: id", ", parallelism: 2, max_batch_bytes: 65536"},
  };
  const char* points[] = {"destination-commit", "partition-done", "source-batch",
                          "stream-finalized"};
  for (const Split& split : splits) {
    SCOPED_TRACE(split.name);
    d.exec(old_rows);
    const auto old_table = rows(d, "pr_append_killed");
    auto whole = old_table;
    whole.merge(rows(s, "pr_append_killed"));
    const std::string name = std::string("pr_append_killed_") + split.name;
    const auto pipeline = pipeline_file(
        test_dir(name),
        yaml(name, "pr_append_killed", split.stream_extra, "append", split.resources));
    int killed = 0;
    int appended = 0;
    for (int round = 0; round < 8; ++round) {
      const std::string point = points[round % 4];
      const int count = point == "source-batch"       ? 3 + round * 2
                        : point == "stream-finalized" ? 1
                                                      : 1 + round % 5;
      const std::string kill_at = point + ":" + std::to_string(count);
      if (killed_at(pipeline, kill_at)) ++killed;
      const auto seen = rows(d, "pr_append_killed");
      if (seen == whole) {
        ++appended;
        d.exec(old_rows);  // the next round appends to the old rows again
      } else {
        ASSERT_EQ(seen.size(), old_table.size()) << "after " << kill_at << ": a partial append";
        ASSERT_EQ(seen, old_table) << "after " << kill_at;
      }
    }
    EXPECT_GE(killed, 5) << "most runs must end at their kill point";
    RecordProperty(name + "_killed", killed);
    RecordProperty(name + "_appended", appended);

    ASSERT_FALSE(killed_at(pipeline, ""));
    const auto last = rows(d, "pr_append_killed");
    EXPECT_TRUE(last == whole || last == old_table) << last.size() << " rows";
    if (last == old_table) {
      // The last killed round had published the stream: append it once more.
      ASSERT_FALSE(killed_at(pipeline, ""));
      EXPECT_EQ(rows(d, "pr_append_killed"), whole);
    }
    EXPECT_EQ(slice_leftovers(d, "pr_append_killed"), std::vector<std::string>{});
  }
}

// A partitioned append into an existing table keeps the table's own column
// types and defaults: the slices stage rows in its types, and the columns
// the stream lacks take their defaults when the staged rows are added.
TEST_F(PartitionedReadTest, AppendSlicesKeepTheTablesTypesAndDefaults) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_append_types (id bigint PRIMARY KEY, v text, amount numeric(10,2));"
      "INSERT INTO pr_append_types SELECT g, md5(g::text), g / 100.0 FROM "
      "generate_series(1, 6000) g;");
  auto d = dst();
  d.exec(
      "DROP TABLE IF EXISTS pr_append_types; CREATE TABLE pr_append_types (id bigint, "
      "v varchar(64), amount numeric(10,2), loaded boolean NOT NULL DEFAULT true);"
      "INSERT INTO pr_append_types VALUES (0, 'old', 1.5, false);");
  const std::string columns =
      "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY "
      "attnum) FROM pg_attribute WHERE attrelid = 'pr_append_types'::regclass AND attnum > 0";
  const auto before = d.value(columns);
  auto report = run_pipeline(
      yaml("pr_append_types", "pr_append_types", ", partitions: 3, partition_key: id", "append"),
      "pr_append_types");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  EXPECT_EQ(d.value(columns), before);
  EXPECT_EQ(d.value("SELECT count(*) FILTER (WHERE loaded) || ' ' || count(*) FROM "
                    "pr_append_types"),
            "6000 6001");
  std::multiset<std::string> staged;
  for (const auto& row : d.query("SELECT (id, v, amount)::text FROM pr_append_types WHERE loaded"))
    staged.insert(*row[0]);
  std::multiset<std::string> source;
  for (const auto& row : s.query("SELECT (id, v, amount)::text FROM pr_append_types"))
    source.insert(*row[0]);
  EXPECT_EQ(staged, source);
  EXPECT_EQ(slice_leftovers(d, "pr_append_types"), std::vector<std::string>{});
}

// A target that lacks a column of the stream gets it once, though every
// slice (append and upsert, all at once) plans to add it.
TEST_F(PartitionedReadTest, SlicesAddANewColumnOnce) {
  src().exec(
      "CREATE TABLE pr_new_column (id bigint PRIMARY KEY, v text, added int);"
      "INSERT INTO pr_new_column SELECT g, md5(g::text), g FROM generate_series(1, 8000) g;");
  for (const char* mode : {"append", "upsert"}) {
    SCOPED_TRACE(mode);
    auto d = dst();
    d.exec(
        "DROP TABLE IF EXISTS pr_new_column; CREATE TABLE pr_new_column (id bigint PRIMARY KEY, v "
        "text)");
    auto report = run_pipeline(yaml(std::string("pr_new_column_") + mode, "pr_new_column",
                                    ", partitions: 4, partition_key: id", mode,
                                    ", parallelism: 4, max_batch_bytes: 65536"),
                               std::string("pr_new_column_") + mode);
    ASSERT_TRUE(report.succeeded()) << report.first_error();
    auto s = src();
    EXPECT_EQ(table_digest(d, "pr_new_column", "id"), table_digest(s, "pr_new_column", "id"));
  }
}

// A slice whose rows the destination committed, in a run killed before the
// engine recorded the slice as done, is read again by the next run; the
// destination's record of committed slices makes that attempt roll back
// instead of staging the rows twice.
TEST_F(PartitionedReadTest, ReplaceSliceCommittedBeforeACrashIsNotWrittenTwice) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_fence (id bigint, v text);"
      "INSERT INTO pr_fence SELECT g, md5(g::text) FROM generate_series(1, 8000) g;");
  auto d = dst();
  d.exec("DROP TABLE IF EXISTS pr_fence");
  const std::string yaml_text = yaml("pr_fence", "pr_fence", ", partitions: 4, partition_key: id",
                                     "replace", ", parallelism: 1");
  std::filesystem::create_directories(cache_dir_);
  const auto pipeline = cache_dir_ / "pr_fence_pipeline.yaml";
  std::ofstream(pipeline) << yaml_text
                          << "state: {connection: " << (cache_dir_ / "pr_fence.db").string()
                          << "}\n";
  // Slice 0 commits, and the run dies before the engine learns it.
  ASSERT_TRUE(killed_at(pipeline, "destination-commit:1"));
  const uint64_t staged = std::stoull(*d.value("SELECT count(*) FROM pr_fence__rb_replace"));
  EXPECT_GT(staged, 0u);
  EXPECT_EQ(d.value("SELECT string_agg(slice::text, ',' ORDER BY slice) FROM pr_fence__rb_slices"),
            "-1,0");

  auto report = run_pipeline(yaml_text, "pr_fence");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  const auto& slices = report.streams.at(0).partitions;
  ASSERT_EQ(slices.size(), 4u);
  EXPECT_EQ(slices[0].report.records(), 0u) << "slice 0 was committed before";
  EXPECT_EQ(report.records(), 8000u - staged);
  EXPECT_EQ(rows(d, "pr_fence"), rows(s, "pr_fence"));
  EXPECT_EQ(slice_leftovers(d, "pr_fence"), std::vector<std::string>{});
}

// A whole (unpartitioned) replace of a stream whose partitioned replace
// was killed halfway supersedes it: the slices' staging table and ledger
// and the engine's record of them are gone, so splitting the stream again
// starts a new plan rather than finishing the old one over other rows.
TEST_F(PartitionedReadTest, AWholeReplaceSupersedesUnfinishedSlices) {
  supersede_tables("pr_supersede");
  auto s = src();
  auto d = dst();
  const auto [dir, split, whole] =
      split_and_whole("pr_supersede", ", partitions: 4, partition_key: id", "replace");
  auto recorded = [&] {
    auto backend = engine::SqliteStateBackend::open(dir / "state.db");
    EXPECT_TRUE(backend) << backend.error();
    auto progress = engine::PartitionProgress::load(**backend, "pr_supersede", "pr_supersede");
    EXPECT_TRUE(progress) << progress.error().message;
    return progress && progress->has_value();
  };

  ASSERT_TRUE(killed_at(split, "partition-done:2"));
  EXPECT_TRUE(recorded());
  EXPECT_EQ(slice_leftovers(d, "pr_supersede"),
            (std::vector<std::string>{"pr_supersede__rb_replace", "pr_supersede__rb_slices"}));
  ASSERT_FALSE(killed_at(whole, ""));
  EXPECT_FALSE(recorded());
  EXPECT_EQ(slice_leftovers(d, "pr_supersede"), std::vector<std::string>{});

  s.exec("DELETE FROM pr_supersede WHERE id % 3 = 0");
  ASSERT_FALSE(killed_at(split, ""));
  EXPECT_EQ(rows(d, "pr_supersede"), rows(s, "pr_supersede"));
  EXPECT_EQ(slice_leftovers(d, "pr_supersede"), std::vector<std::string>{});
}

// A session that holds the lock on the target's name (here the test's; in
// life an attempt frozen inside its ledger transaction) makes a partitioned
// write give up after lock_timeout_ms with a retryable error that says why,
// instead of waiting for good; once the holder lets go, the rerun is exact.
TEST_F(PartitionedReadTest, AHeldTargetLockFailsTheRunAfterTheLockTimeout) {
  supersede_tables("pr_locked");
  auto s = src();
  auto d = dst();
  auto holder = dst();
  holder.exec("BEGIN; SELECT pg_advisory_xact_lock(hashtext('\"public\".\"pr_locked\"'))");
  const std::string yaml =
      "pipeline: pr_locked\nsource:\n  use: postgres\n  config: " + pg_config(kSourceDb) +
      "\n  streams: [{name: pr_locked, partitions: 2}]\ndestination:\n  use: postgres\n  config: " +
      pg_config(kDestDb, ", \"lock_timeout_ms\": 1000") +
      "\n  write_mode: append\nresources: {max_retries: 0, parallelism: 2}\n";
  auto held = run_pipeline(yaml, "pr_locked");
  ASSERT_FALSE(held.succeeded());
  const protocol::ConnectorError* error = held.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, protocol::ErrorCategory::kTransientDb) << error->message;
  EXPECT_TRUE(error->retryable);
  EXPECT_NE(error->message.find("cannot lock the name of \"public\".\"pr_locked\""),
            std::string::npos)
      << error->message;
  EXPECT_NE(error->message.find("another session held it longer than lock_timeout_ms"),
            std::string::npos)
      << error->message;

  holder.exec("ROLLBACK");
  auto rerun = run_pipeline(yaml, "pr_locked");
  ASSERT_TRUE(rerun.succeeded()) << rerun.first_error();
  EXPECT_EQ(rows(d, "pr_locked"), rows(s, "pr_locked"));
}

// The same for append: the whole run appends the stream once, and the
// unfinished slices' staging table and ledger are gone.
TEST_F(PartitionedReadTest, AWholeAppendSupersedesUnfinishedSlices) {
  supersede_tables("pr_supersede_append");
  auto s = src();
  auto d = dst();
  const auto [dir, split, whole] =
      split_and_whole("pr_supersede_append", ", partitions: 4", "append");
  ASSERT_TRUE(killed_at(split, "partition-done:2"));
  EXPECT_EQ(slice_leftovers(d, "pr_supersede_append"),
            (std::vector<std::string>{"pr_supersede_append__rb_append",
                                      "pr_supersede_append__rb_slices"}));
  EXPECT_EQ(d.value("SELECT count(*) FROM pr_supersede_append"), "0") << "nothing published";
  ASSERT_FALSE(killed_at(whole, ""));
  EXPECT_EQ(rows(d, "pr_supersede_append"), rows(s, "pr_supersede_append"));
  EXPECT_EQ(slice_leftovers(d, "pr_supersede_append"), std::vector<std::string>{});
}

// A full refresh split by heap pages is started over, not resumed: after
// the first two of four slices were done, an update moves rows from the
// last slice's pages into the first slice's free space, where a resumed
// last slice would not find them.
TEST_F(PartitionedReadTest, PageSlicesStartOverWhenRowsMayHaveMoved) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_moved (id bigint PRIMARY KEY, v text) WITH (autovacuum_enabled = off);"
      "INSERT INTO pr_moved SELECT g, md5(g::text) FROM generate_series(1, 40000) g;"
      "DELETE FROM pr_moved WHERE id <= 8000;");
  // VACUUM frees the deleted rows' space only once no snapshot older than
  // the delete is left, and a backend of an earlier test's killed run may
  // still hold one for a while: vacuum until the first pages are free.
  LibpqSession admin(cluster().admin_conninfo(kSourceDb));
  admin.exec("CREATE EXTENSION IF NOT EXISTS pg_freespacemap");
  bool freed = false;
  for (int attempt = 0; attempt < 600 && !freed; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    s.exec("VACUUM pr_moved");
    freed = admin.value(
                "SELECT count(*) FROM pg_freespace('pr_moved') WHERE blkno < 8 AND "
                "avail > 4096") == "8";
  }
  ASSERT_TRUE(freed) << "VACUUM must free the deleted rows' pages";
  auto d = dst();
  d.exec("DROP TABLE IF EXISTS pr_moved");
  const auto dir = test_dir("pr_moved");
  const auto pipeline = pipeline_file(
      dir, yaml("pr_moved", "pr_moved", ", partitions: 4", "upsert", ", parallelism: 1"));
  ASSERT_TRUE(killed_at(pipeline, "partition-done:2"));
  const std::string pages = *s.value("SELECT pg_relation_size('pr_moved') / 8192");
  s.exec("UPDATE pr_moved SET v = 'moved' WHERE id > 38000");
  ASSERT_NE(s.value("SELECT count(*) FROM pr_moved WHERE v = 'moved' AND "
                    "(ctid::text::point)[0] < " +
                    pages + " / 4"),
            "0")
      << "the update must move rows into the first slice's pages";
  ASSERT_FALSE(killed_at(pipeline, ""));
  EXPECT_EQ(rows(d, "pr_moved"), rows(s, "pr_moved"));
}

// Killed at 24 points of a partitioned upsert (slices committing in turn,
// and right after a slice is recorded as finished), each rerun resumes
// only the unfinished slices; the last run leaves
// the destination equal to the source and no record of slices behind.
TEST_F(PartitionedReadTest, KilledRunsResumeOnlyUnfinishedSlices) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_killed (id bigint PRIMARY KEY, v text);"
      "INSERT INTO pr_killed SELECT g, md5(g::text) FROM generate_series(1, 40000) g;");
  const auto dir = test_dir("pr_killed");
  const auto pipeline = pipeline_file(
      dir, yaml("pr_killed", "pr_killed", ", partitions: 6, partition_key: id", "upsert",
                ", parallelism: 2, checkpoint_interval_rows: 1500, "
                "max_batch_bytes: 65536"));
  int killed = 0;
  int resumed = 0;
  const char* points[] = {"destination-commit", "source-batch", "source-checkpoint",
                          "partition-done"};
  for (int round = 0; round < 24; ++round) {
    const char* point = points[round % 4];
    const int count = std::string(point) == "partition-done" ? 1 + round % 5 : 2 + (round * 5) % 17;
    const std::string kill_at = std::string(point) + ":" + std::to_string(count);
    if (killed_at(pipeline, kill_at)) ++killed;
    auto state = engine::SqliteStateBackend::open(dir / "state.db");
    ASSERT_TRUE(state) << state.error();
    auto progress = engine::PartitionProgress::load(**state, "pr_killed", "pr_killed");
    ASSERT_TRUE(progress) << progress.error().message;
    if (*progress && !(*progress)->done.empty()) ++resumed;
  }
  EXPECT_GE(killed, 10) << "most runs must end at their kill point";
  EXPECT_GE(resumed, 3) << "some killed runs must leave finished slices to resume";
  RecordProperty("killed", killed);
  RecordProperty("left_finished_slices", resumed);

  ASSERT_FALSE(killed_at(pipeline, ""));
  auto d = dst();
  EXPECT_EQ(table_digest(d, "pr_killed", "id"), table_digest(s, "pr_killed", "id"));
  auto state = engine::SqliteStateBackend::open(dir / "state.db");
  ASSERT_TRUE(state) << state.error();
  auto progress = engine::PartitionProgress::load(**state, "pr_killed", "pr_killed");
  ASSERT_TRUE(progress);
  EXPECT_FALSE(*progress) << "a finished stream keeps no record of its slices";
}

// An incremental stream's first read is partitioned, every slice bounded
// by the largest cursor at the plan; the cursor is committed only when the
// last slice is, and the next run reads after it, whole.
TEST_F(PartitionedReadTest, IncrementalFirstReadIsSplitAndItsCursorCommittedAtTheEnd) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_inc (id bigint PRIMARY KEY, updated_at timestamptz, v text);"
      "INSERT INTO pr_inc SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE '2026-01-01'::timestamptz "
      "+ (g % 5000) * interval '1 s' END, md5(g::text) FROM generate_series(1, 20000) g;");
  auto d = dst();
  d.exec("DROP TABLE IF EXISTS pr_inc");
  const std::string pipeline =
      pipeline_yaml("pr_inc",
                    "{name: pr_inc, sync_mode: incremental, cursor_field: updated_at, "
                    "partitions: 4, partition_key: id}",
                    "  write_mode: upsert\n  primary_key: [id]\n", ", parallelism: 2");
  auto first = run_pipeline(pipeline, "pr_inc");
  ASSERT_TRUE(first.succeeded()) << first.first_error();
  EXPECT_EQ(first.streams.at(0).partitions.size(), 4u);
  EXPECT_EQ(rows(d, "pr_inc"), rows(s, "pr_inc"));
  {
    auto state = engine::SqliteStateBackend::open(cache_dir_ / "pr_inc.db");
    ASSERT_TRUE(state) << state.error();
    auto cursor = (*state)->cursor("pr_inc", "pr_inc");
    ASSERT_TRUE(cursor && *cursor);
    EXPECT_EQ(engine::describe_cursor_value((*cursor)->value), "2026-01-01T01:23:19Z");
  }

  s.exec(
      "UPDATE pr_inc SET v = 'changed', updated_at = '2026-02-01' WHERE id % 1000 = 1;"
      "INSERT INTO pr_inc VALUES (20001, '2026-02-02', 'new');");
  auto next = run_pipeline(pipeline, "pr_inc");
  ASSERT_TRUE(next.succeeded()) << next.first_error();
  EXPECT_TRUE(next.streams.at(0).partitions.empty()) << "only the first read is split";
  EXPECT_EQ(next.records(), 21u);
  EXPECT_EQ(rows(d, "pr_inc"), rows(s, "pr_inc"));
}

// A partitioned first read (append) killed after two slices, while rows
// change in finished and unfinished slices alike: the resumed slices read
// only rows at or below the plan's cursor, and the next incremental run
// reads the changed rows. Each row's versions land once each: the version
// its slice saw, and the new one.
TEST_F(PartitionedReadTest, ResumedIncrementalSlicesLeaveChangesToTheNextRun) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_inc_resume (id bigint, seq bigint, v text);"
      "INSERT INTO pr_inc_resume SELECT g, CASE WHEN g % 89 = 0 THEN NULL ELSE g END, md5(g::text) "
      "FROM generate_series(1, 12000) g;"
      "CREATE TABLE pr_inc_resume_before AS SELECT * FROM pr_inc_resume;");
  auto d = dst();
  d.exec("DROP TABLE IF EXISTS pr_inc_resume");
  const auto dir = test_dir("pr_inc_resume");
  const auto pipeline =
      pipeline_file(dir, pipeline_yaml("pr_inc_resume",
                                       "{name: pr_inc_resume, sync_mode: incremental, "
                                       "cursor_field: seq, partitions: 4, partition_key: id}",
                                       "  write_mode: append\n", ", parallelism: 1"));
  ASSERT_TRUE(killed_at(pipeline, "partition-done:2"));
  {
    auto state = engine::SqliteStateBackend::open(dir / "state.db");
    ASSERT_TRUE(state) << state.error();
    auto cursor = (*state)->cursor("pr_inc_resume", "pr_inc_resume");
    ASSERT_TRUE(cursor);
    EXPECT_FALSE(*cursor) << "no cursor before every slice is done";
  }
  // Changes in every slice, and a new row, after the plan.
  s.exec(
      "UPDATE pr_inc_resume SET seq = 20000 + id, v = 'changed' WHERE id % 1500 = 7;"
      "INSERT INTO pr_inc_resume VALUES (12001, 30000, 'new');");
  ASSERT_FALSE(killed_at(pipeline, ""));  // the unfinished slices
  ASSERT_FALSE(killed_at(pipeline, ""));  // after the cursor
  // Slices 0 and 1 (ids up to about 6000) were read before the changes, so
  // they hold the old versions of their changed rows; the resumed slices
  // skip the changed rows (past the plan's cursor), whose new versions the
  // next run reads.
  std::multiset<std::string> expected;
  for (const auto& row :
       s.query("SELECT t::text FROM pr_inc_resume_before AS t WHERE id < 6000 OR id % 1500 <> 7 "
               "UNION ALL SELECT t::text FROM pr_inc_resume AS t WHERE seq > 12000")) {
    expected.insert(*row[0]);
  }
  const std::multiset<std::string> loaded = rows(d, "pr_inc_resume");
  std::vector<std::string> missing;
  std::vector<std::string> extra;
  std::ranges::set_difference(expected, loaded, std::back_inserter(missing));
  std::ranges::set_difference(loaded, expected, std::back_inserter(extra));
  EXPECT_EQ(missing, std::vector<std::string>{});
  EXPECT_EQ(extra, std::vector<std::string>{});
}

// A resumed run says which slices an earlier run finished, and reads only
// the others.
TEST_F(PartitionedReadTest, ReportNamesTheSlicesAnEarlierRunFinished) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_resume (id bigint PRIMARY KEY, v text);"
      "INSERT INTO pr_resume SELECT g, 'v' FROM generate_series(1, 4000) g;");
  const std::string pipeline =
      yaml("pr_resume", "pr_resume", ", partitions: 4, partition_key: id", "upsert");
  // An interrupted run that finished slices 0 and 2 (as its record says).
  {
    std::filesystem::create_directories(cache_dir_);
    auto state = engine::SqliteStateBackend::open(cache_dir_ / "pr_resume.db");
    ASSERT_TRUE(state) << state.error();
    engine::PartitionProgress progress;
    for (uint32_t i = 0; i < 4; ++i) {
      protocol::Partition p;
      p.index = i;
      p.count = 4;
      p.key = "id";
      p.mode = "range";
      p.generation = 1;
      const char* bounds[] = {
          R"({"lower":null,"upper":"1001"})", R"({"lower":"1001","upper":"2001"})",
          R"({"lower":"2001","upper":"3001"})", R"({"lower":"3001","upper":null})"};
      p.slice = bounds[i];
      progress.slices.push_back(p);
    }
    progress.done = {0, 2};
    progress.generation = 1;
    progress.write_mode = protocol::WriteMode::kUpsert;
    ASSERT_TRUE(progress.save(**state, "pr_resume", "pr_resume"));
  }
  auto report = run_pipeline(pipeline, "pr_resume");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  const auto& stream = report.streams.at(0);
  EXPECT_EQ(stream.finished_earlier, (std::vector<uint32_t>{0, 2}));
  ASSERT_EQ(stream.partitions.size(), 2u);
  EXPECT_EQ(stream.partitions[0].index, 1u);
  EXPECT_EQ(stream.partitions[1].index, 3u);
  EXPECT_EQ(report.records(), 2000u);  // ids 1001..2000 and 3001..4000
  auto d = dst();
  EXPECT_EQ(d.value("SELECT min(id) || '-' || max(id) || ':' || count(*) FROM pr_resume"),
            "1001-4000:2000");
}

// The CLI's summaries: --json lists each slice (records, bytes, seconds,
// attempts, status) under the stream; the text summary a line per slice.
TEST_F(PartitionedReadTest, CliSummariesListEachSlice) {
  auto s = src();
  s.exec(
      "CREATE TABLE pr_cli (id bigint PRIMARY KEY, v text);"
      "INSERT INTO pr_cli SELECT g, 'v' FROM generate_series(1, 3000) g;");
  const auto dir = test_dir("pr_cli");
  const auto pipeline =
      pipeline_file(dir, yaml("pr_cli", "pr_cli", ", partitions: 3, partition_key: id", "upsert"));
  const auto json = run_command({RAPIDBYTE_BINARY, "-q", "--connector-dir", RAPIDBYTE_CONNECTOR_DIR,
                                 "run", "--json", pipeline.string()});
  ASSERT_EQ(json.exit_code, 0) << json.output;
  rapidjson::Document summary;
  summary.Parse(json.output.substr(json.output.find("{\"pipeline\"")).c_str());
  ASSERT_FALSE(summary.HasParseError()) << json.output;
  const auto& slices = summary["streams"][0]["partitions"];
  ASSERT_EQ(slices.Size(), 3u);
  uint64_t records = 0;
  for (rapidjson::SizeType i = 0; i < slices.Size(); ++i) {
    EXPECT_EQ(slices[i]["index"].GetUint(), i);
    EXPECT_EQ(slices[i]["count"].GetUint(), 3u);
    EXPECT_EQ(slices[i]["attempts"].GetUint(), 1u);
    EXPECT_STREQ(slices[i]["status"].GetString(), "succeeded");
    EXPECT_GT(slices[i]["bytes"].GetUint64(), 0u);
    EXPECT_GE(slices[i]["seconds"].GetDouble(), 0.0);
    records += slices[i]["records"].GetUint64();
  }
  EXPECT_EQ(records, 3000u);
  EXPECT_EQ(summary["streams"][0]["finished_earlier"].Size(), 0u);

  const auto text = run_command(
      {RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "run", pipeline.string()});
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (const char* line : {"  partition 0/3 ok ", "  partition 1/3 ok ", "  partition 2/3 ok "}) {
    EXPECT_NE(text.output.find(line), std::string::npos) << text.output;
  }
}

}  // namespace
}  // namespace rapidbyte::test
