// dest-file and source-file through the engine, against the cluster and a
// temporary directory: PostgreSQL -> Parquet -> PostgreSQL for every type,
// the files as pyarrow and DuckDB see them, pyarrow's files read in,
// incremental reads of new files only, CSV and JSON Lines text, and runs
// killed mid-write.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>

#include "tests/connectors/connector_environment.hpp"
#include "tests/connectors/lake_readers.hpp"
#include "tests/connectors/parquet_rows.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace rapidbyte::test {
namespace {

namespace fs = std::filesystem;

bool hidden(const fs::path& name) {
  const std::string text = name.filename().string();
  return !text.empty() && (text[0] == '.' || text[0] == '_');
}

// The files a reader of `dir` sees: hidden names (and what is under a
// hidden directory) skipped, symbolic links followed.
std::vector<fs::path> visible_files(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (auto it =
           fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink);
       it != fs::recursive_directory_iterator(); ++it) {
    if (hidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Files being written ('.part-...tmp') anywhere under `dir`.
std::vector<fs::path> temporary_files(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".part-") && name.ends_with(".tmp")) out.push_back(entry.path());
  }
  return out;
}

// Every row of the Parquet files readers see under `dir`, as JSON lines
// (our reader; each file must be whole).
std::multiset<std::string> parquet_rows(const fs::path& dir) {
  std::multiset<std::string> rows;
  for (const fs::path& path : visible_files(dir)) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    add_parquet_rows(path.string(), bytes, rows);
  }
  return rows;
}

// Every row of `table` ordered by its first column, as "a|b|c" lines (NULL
// for a null).
std::string rows_text(LibpqSession& db, const std::string& table) {
  std::string out;
  for (const auto& row : db.query("SELECT * FROM " + table + " ORDER BY 1")) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += (i > 0 ? "|" : "") + row[i].value_or("NULL");
    }
    out += line + "\n";
  }
  return out;
}

// Column names and declared types, in order.
std::string column_types(LibpqSession& db, const std::string& table) {
  std::string out;
  for (const auto& row :
       db.query("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                "attrelid = '" +
                table +
                "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY "
                "attnum")) {
    out += *row[0] + "\n";
  }
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class FileConnectorTest : public PgConnectorTest {
 protected:
  // PostgreSQL (rb_src) -> dest-file at `lake`.
  static std::string to_files(const std::string& name, const std::string& streams,
                              const fs::path& lake, const std::string& destination_config,
                              const std::string& write_mode, const std::string& resources = {}) {
    return "pipeline: " + name + "\nsource:\n  use: postgres\n  config: " + pg_config(kSourceDb) +
           "\n  streams: [" + streams +
           "]\ndestination:\n  use: dest-file\n  config: {path: " + lake.string() +
           destination_config + "}\n  write_mode: " + write_mode + "\nresources: {max_retries: 0" +
           resources + "}\n";
  }
  // source-file at `lake` -> PostgreSQL (rb_dst).
  static std::string from_files(const std::string& name, const std::string& streams,
                                const fs::path& lake, const std::string& write_mode) {
    return "pipeline: " + name +
           "\nsource:\n  use: source-file\n  config: {path: " + lake.string() + "}\n  streams: [" +
           streams + "]\ndestination:\n  use: postgres\n  config: " + pg_config(kDestDb) +
           "\n  write_mode: " + write_mode + "\nresources: {max_retries: 0}\n";
  }
};

void expect_succeeded(const engine::RunReport& report) {
  EXPECT_TRUE(report.succeeded()) << report.first_error();
}

TEST_F(FileConnectorTest, EveryTypeRoundTripsThroughParquetAndOtherEnginesReadIt) {
  TempDir lake("lake");
  auto s = src();
  create_all_types_table(s, "file_types");
  expect_succeeded(run_pipeline(
      to_files("file_types_out", "{name: file_types}", lake.path(), ", format: parquet", "replace"),
      "file_types_out"));
  auto report = run_pipeline(
      from_files("file_types_in", "{name: file_types, primary_key: [id]}", lake.path(), "replace"),
      "file_types_in");
  expect_succeeded(report);
  EXPECT_EQ(report.records(), 4u);
  auto d = dst();
  expect_same_all_types(s, d, "file_types");

  // pyarrow's types: the documented forms (uuid as the arrow.uuid
  // extension, json as arrow.json, interval as 16 bytes, numeric without a
  // precision and money as text).
  EXPECT_EQ(lake_readers({"types", (lake / "file_types").string()}),
            "id: int32\n"
            "b: bool\n"
            "i2: int16\n"
            "i4: int32\n"
            "i8: int64\n"
            "f4: float\n"
            "f8: double\n"
            "n: decimal128(38, 10)\n"
            "nbig: string\n"
            "nsmall: decimal128(5, 2)\n"
            "t: string\n"
            "vc: string\n"
            "ch: string\n"
            "nm: string\n"
            "by: binary\n"
            "d: date32[day]\n"
            "tm: time64[us]\n"
            "ts: timestamp[us]\n"
            "tstz: timestamp[us, tz=UTC]\n"
            "iv: fixed_size_binary[16]\n"
            "u: extension<arrow.uuid>\n"
            "j: extension<arrow.json>\n"
            "jb: extension<arrow.json>\n"
            "ip: string\n"
            "net: string\n"
            "m: string\n"
            "ai: list<element: int32>\n"
            "at: list<element: string>\n"
            "an: list<element: decimal128(10, 2)>\n"
            "money_col: string\n"
            "tz: string\n"
            "rows: 4\n"
            "duckdb rows: 4\n");
  // DuckDB's text of the columns whose text PostgreSQL spells alike.
  const std::vector<std::string> columns = {"i2", "i4", "i8", "n", "nsmall", "t", "vc", "u"};
  std::vector<std::string> args = {"text", (lake / "file_types").string()};
  args.insert(args.end(), columns.begin(), columns.end());
  EXPECT_EQ(lake_readers(args), postgres_text_of(s, "file_types", columns));
}

// A partitioned read (three slices of the table's pages, two at once) into
// a directory: replace switches to the plan's generation, append moves the
// slices' files into the stream once every slice is written; a second
// append adds its rows once more (its files named apart from the first's).
TEST_F(FileConnectorTest, PartitionedReadsPublishEverySliceAtOnce) {
  TempDir lake("lake");
  auto s = src();
  s.exec(
      "CREATE TABLE file_sliced (id bigint, payload text, seen int); INSERT INTO file_sliced "
      "SELECT g, md5(g::text), g / 300 FROM generate_series(1, 20000) g");
  const std::multiset<std::string> source = payload_table_rows(s, "file_sliced");
  std::multiset<std::string> twice = source;
  twice.insert(source.begin(), source.end());
  const auto sliced = [&](const fs::path& dir, const std::string& mode) {
    expect_succeeded(run_pipeline(to_files("file_sliced", "{name: file_sliced, partitions: 3}", dir,
                                           "", mode, ", parallelism: 2"),
                                  "file_sliced"));
  };
  sliced(lake.path(), "replace");
  EXPECT_TRUE(parquet_rows(lake / "file_sliced") == source);
  sliced(lake.path(), "append");
  EXPECT_TRUE(parquet_rows(lake / "file_sliced") == twice);
  const fs::path appends = lake / "appends";
  sliced(appends, "append");
  sliced(appends, "append");
  EXPECT_TRUE(parquet_rows(appends / "file_sliced") == twice);
  EXPECT_EQ(temporary_files(lake.path()), std::vector<fs::path>{});
}

// A dataset pyarrow writes (hive partitions, zstd, dictionaries, pages v2)
// arrives whole, its partition directories as a column.
TEST_F(FileConnectorTest, PyarrowsPartitionedDatasetReadsIn) {
  TempDir lake("lake");
  EXPECT_EQ(lake_readers({"write-dataset", (lake / "file_measures").string()}),
            "rows: 1000\nsum(id): 499500\nsum(amount): 642643.5\n");
  expect_succeeded(
      run_pipeline(from_files("file_measures_in", "{name: file_measures}", lake.path(), "replace"),
                   "file_measures_in"));
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) || ' ' || sum(id) || ' ' || sum(amount) || ' ' || "
                    "count(amount) || ' ' || string_agg(DISTINCT region, ',' ORDER BY region) "
                    "FROM file_measures"),
            "1000 499500 642643.5 857 ap,eu,us");
  EXPECT_EQ(d.value("SELECT count(*) FROM file_measures WHERE label <> 'label-' || (id % 13)"),
            "0");
}

// Incremental: each run reads the files that appeared since the last one,
// exactly once; its position is the connector's own (no cursor_field).
TEST_F(FileConnectorTest, IncrementalReadsTakeOnlyNewFiles) {
  TempDir lake("lake");
  auto s = src();
  s.exec(
      "CREATE TABLE file_arrivals (id bigint PRIMARY KEY, note text);"
      "INSERT INTO file_arrivals SELECT g, 'first' FROM generate_series(1, 3000) g");
  const std::string out =
      to_files("file_arrivals_out", "{name: file_arrivals}", lake.path(), "", "append");
  const std::string in = from_files(
      "file_arrivals_in", "{name: file_arrivals, sync_mode: incremental}", lake.path(), "append");
  expect_succeeded(run_pipeline(out, "file_arrivals_out"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the settle time
  expect_succeeded(run_pipeline(in, "file_arrivals_in"));
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) || ' ' || count(DISTINCT id) FROM file_arrivals"),
            "3000 3000");

  s.exec(
      "TRUNCATE file_arrivals; INSERT INTO file_arrivals SELECT g, 'second' FROM "
      "generate_series(3001, 4000) g");
  expect_succeeded(run_pipeline(out, "file_arrivals_out"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto second = run_pipeline(in, "file_arrivals_in");
  expect_succeeded(second);
  EXPECT_EQ(second.records(), 1000u);
  EXPECT_EQ(
      d.value("SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || max(id) FROM file_arrivals"),
      "4000 4000 4000");
  auto third = run_pipeline(in, "file_arrivals_in");
  expect_succeeded(third);
  EXPECT_EQ(third.records(), 0u);

  engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
  auto backend = engine::SqliteStateBackend::open(cache_dir_ / "file_arrivals_cursor.db");
  ASSERT_TRUE(backend) << backend.error();
  engine::PipelineRunner runner(*engine_, catalog, **backend);
  auto pipeline = engine::parse_pipeline(
      from_files("file_arrivals_cursor",
                 "{name: file_arrivals, sync_mode: incremental, cursor_field: id}", lake.path(),
                 "append"),
      "in.yaml");
  ASSERT_TRUE(pipeline) << pipeline.error();
  auto refused = runner.run(*pipeline);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "in.yaml:3: source: streams[0] ('file_arrivals').cursor_field: connector 'source-file' "
            "keeps the position of an incremental read itself; remove cursor_field");
}

// CSV and JSON Lines: quotes, delimiters, line breaks, NULL apart from the
// empty string, non-ASCII text, exactly as written.
TEST_F(FileConnectorTest, CsvAndJsonLinesHoldEdgeValuesExactly) {
  TempDir lake("lake");
  auto s = src();
  s.exec(
      "CREATE TABLE file_text_notes (id int, body text, amount numeric(6, 2), seen date);"
      "INSERT INTO file_text_notes VALUES (1, 'plain', 1.50, '2026-12-04'), (2, 'with,comma', "
      "NULL, "
      "NULL), (3, 'say \"hi\"', -0.25, '1999-01-01'), (4, E'two\\nlines', 0, NULL), "
      "(5, '', 100, NULL), (6, NULL, NULL, NULL), (7, 'héllo', 2, '2000-02-29')");
  const std::string stream = "{name: file_text_notes, columns: [id, body, amount, seen]}";
  expect_succeeded(run_pipeline(
      to_files("notes_csv", stream, lake / "csv", ", format: csv", "replace"), "notes_csv"));
  const auto csv = visible_files(lake / "csv" / "file_text_notes");
  ASSERT_EQ(csv.size(), 1u);
  // Rows in id order only when read in one batch, which 7 rows are.
  EXPECT_EQ(read_text(csv[0]),
            "id,body,amount,seen\r\n"
            "1,plain,1.50,2026-12-04\r\n"
            "2,\"with,comma\",,\r\n"
            "3,\"say \"\"hi\"\"\",-0.25,1999-01-01\r\n"
            "4,\"two\nlines\",0.00,\r\n"
            "5,\"\",100.00,\r\n"
            "6,,,\r\n"
            "7,héllo,2.00,2000-02-29\r\n");
  expect_succeeded(run_pipeline(to_files("notes_jsonl", stream, lake / "jsonl",
                                         ", format: jsonl, compression: gzip", "replace"),
                                "notes_jsonl"));
  const auto jsonl = visible_files(lake / "jsonl" / "file_text_notes");
  ASSERT_EQ(jsonl.size(), 1u);
  EXPECT_TRUE(jsonl[0].string().ends_with(".jsonl.gz")) << jsonl[0];
  EXPECT_EQ(run_command_checked({"gzip", "-dc", jsonl[0].string()}),
            "{\"id\":1,\"body\":\"plain\",\"amount\":\"1.50\",\"seen\":\"2026-12-04\"}\n"
            "{\"id\":2,\"body\":\"with,comma\",\"amount\":null,\"seen\":null}\n"
            "{\"id\":3,\"body\":\"say \\\"hi\\\"\",\"amount\":\"-0.25\",\"seen\":\"1999-01-01\"}\n"
            "{\"id\":4,\"body\":\"two\\nlines\",\"amount\":\"0.00\",\"seen\":null}\n"
            "{\"id\":5,\"body\":\"\",\"amount\":\"100.00\",\"seen\":null}\n"
            "{\"id\":6,\"body\":null,\"amount\":null,\"seen\":null}\n"
            "{\"id\":7,\"body\":\"héllo\",\"amount\":\"2.00\",\"seen\":\"2000-02-29\"}\n");
}

// CSV and JSON Lines files read in: a byte order mark, quoted delimiters,
// line breaks and quotes, NULL apart from the empty string, types inferred
// or given (decimal), gzip; a ragged record, a value not of its column's
// type and a line that is not JSON follow on_data_error, named by file and
// line; a second run of an incremental stream takes only the new file.
TEST_F(FileConnectorTest, CsvAndJsonLinesFilesReadIn) {
  TempDir lake("lake");
  fs::create_directories(lake / "file_notes");
  fs::create_directories(lake / "file_events");
  std::ofstream(lake / "file_notes" / "part-1.csv", std::ios::binary)
      << "\xEF\xBB\xBFid,body,amount,seen,flag\r\n1,plain,1.50,2026-12-04,true\r\n"
         "2,\"with,comma\",,,false\r\n3,\"say \"\"hi\"\"\",-0.25,1999-01-01,\r\n"
         "4,\"two\nlines\",0,,t\r\n5,\"\",100,,f\r\n6,,,,\r\n7,h\xC3\xA9llo,2,2000-02-29,yes\r\n"
         "8,ragged\r\n9,bad amount,abc,,\r\n";
  {
    std::ofstream json(lake / "file_events" / "part-1.jsonl", std::ios::binary);
    json << "{\"id\": 1, \"name\": \"a\", \"tags\": [\"x\", \"y\"], \"score\": 1.5, "
            "\"at\": \"2026-12-04T10:00:00Z\"}\n"
            "{\"id\": 2, \"name\": null, \"meta\": {\"k\": 1}, \"score\": 2}\n"
            "not json\n"
            "{\"id\": 3, \"name\": \"c\\\"q\", \"score\": -1e3}\n";
  }
  run_command_checked({"gzip", (lake / "file_events" / "part-1.jsonl").string()});

  auto yaml = [&](const std::string& name, const std::string& format, const std::string& policy,
                  const std::string& sync) {
    return "pipeline: " + name +
           "\nsource:\n  use: source-file\n  config: {path: " + lake.path().string() +
           ", format: " + format +
           (format == "csv" ? ", columns: {amount: \"decimal(12,2)\"}" : "") +
           "}\n  streams: [{name: " + (format == "csv" ? "file_notes" : "file_events") +
           ", sync_mode: " + sync +
           "}]\ndestination:\n  use: postgres\n  config: " + pg_config(kDestDb) +
           "\n  write_mode: append\n  on_data_error: " + policy + "\nresources: {max_retries: 0}\n";
  };
  auto failed = run_pipeline(yaml("notes_fail", "csv", "fail", "full_refresh"), "notes_fail");
  EXPECT_FALSE(failed.succeeded());
  EXPECT_EQ(failed.first_error(),
            "file_notes: source-file: stream 'file_notes': '" +
                (lake / "file_notes" / "part-1.csv").string() +
                "' line 10: has 2 fields; the header has 5 (on_data_error is fail)");

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the settle time
  expect_succeeded(run_pipeline(yaml("notes_in", "csv", "skip", "incremental"), "notes_in"));
  auto d = dst();
  EXPECT_EQ(column_types(d, "file_notes"),
            "id bigint\nbody text\namount numeric(12,2)\nseen date\nflag boolean\n");
  const std::string notes =
      "1|plain|1.50|2026-12-04|t\n"
      "2|with,comma|NULL|NULL|f\n"
      "3|say \"hi\"|-0.25|1999-01-01|NULL\n"
      "4|two\nlines|0.00|NULL|t\n"
      "5||100.00|NULL|f\n"
      "6|NULL|NULL|NULL|NULL\n"
      "7|h\xC3\xA9llo|2.00|2000-02-29|t\n";
  EXPECT_EQ(rows_text(d, "file_notes"), notes);

  expect_succeeded(run_pipeline(yaml("events_in", "jsonl", "skip", "full_refresh"), "events_in"));
  EXPECT_EQ(rows_text(d, "file_events"),
            "1|a|[\"x\",\"y\"]|1.5|2026-12-04 10:00:00+00|NULL\n"
            "2|NULL|NULL|2|NULL|{\"k\":1}\n"
            "3|c\"q|NULL|-1000|NULL|NULL\n");

  // Incremental: only the file that appeared since.
  std::ofstream(lake / "file_notes" / "part-2.csv", std::ios::binary)
      << "id,body,amount,seen,flag\n10,later,3.25,2026-12-05,false\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto second = run_pipeline(yaml("notes_in", "csv", "skip", "incremental"), "notes_in");
  expect_succeeded(second);
  EXPECT_EQ(second.records(), 1u);
  EXPECT_EQ(rows_text(d, "file_notes"), notes + "10|later|3.25|2026-12-05|f\n");
}

// Runs killed (SIGKILL at the engine's kill points) while writing Parquet,
// then a run to the end: only whole files are in view, no file being
// written is left, and the rows are exactly the source's — a replace holds
// one copy; an append of a full refresh whole copies only (a killed run
// appended all of its rows or none); an incremental append each row once,
// from files (Parquet, or CSV, whose position counts records) and from
// PostgreSQL by a cursor column whose values repeat: in runs of 300 rows,
// which batches end after, and of 2,500, which batches are cut inside (a
// checkpoint due there is skipped).
struct KillCase {
  const char* name;
  const char* write_mode;
  bool incremental;
  // Of an incremental run: the format of the files it reads, or "postgres"
  // for the table by its cursor.
  const char* source = "parquet";
  int rows_per_cursor = 300;  // from PostgreSQL
};

class FileKillTest : public FileConnectorTest, public ::testing::WithParamInterface<KillCase> {};

TEST_P(FileKillTest, KilledWritesLeaveWholeFilesAndExactRows) {
  const KillCase& kill_case = GetParam();
  TempDir work("kill");
  const fs::path lake = work / "lake";
  const fs::path out = work / "out";
  const std::string table = std::string("kill_") + kill_case.name;
  auto s = src();
  const bool from_postgres = std::string(kill_case.source) == "postgres";
  s.exec("CREATE TABLE " + table + " (id bigint, payload text, seen int); INSERT INTO " + table +
         " SELECT g, md5(g::text), g / " + std::to_string(kill_case.rows_per_cursor) +
         " FROM generate_series(1, 20000) g");
  const std::string resources = ", checkpoint_interval_rows: 2000, max_batch_bytes: 65536";
  const std::string state = "\nstate: {connection: " + (work / "state.db").string() + "}\n";
  fs::path target = lake;
  std::string yaml;
  if (from_postgres) {
    yaml = to_files(table, "{name: " + table + ", sync_mode: incremental, cursor_field: seen}",
                    lake, "", kill_case.write_mode, resources);
  } else if (kill_case.incremental) {
    // The source: files of 20000 rows in several parts, settled.
    const std::string format = kill_case.source;
    expect_succeeded(
        run_pipeline(to_files(table + "_files", "{name: " + table + "}", lake,
                              ", format: " + format + ", max_file_bytes: 60000", "replace"),
                     table + "_files"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    target = out;
    yaml = "pipeline: " + table +
           "\nsource:\n  use: source-file\n  config: {path: " + lake.string() +
           ", format: " + format + "}\n  streams: [{name: " + table +
           ", sync_mode: incremental}]\ndestination:\n  use: dest-file\n  config: {path: " +
           out.string() + "}\n  write_mode: append\nresources: {max_retries: 0" + resources + "}";
  } else {
    yaml = to_files(table, "{name: " + table + "}", lake, "", kill_case.write_mode, resources);
  }
  const fs::path pipeline = work / "pipeline.yaml";
  std::ofstream(pipeline) << yaml << state;

  const char* points[] = {"source-batch", "source-checkpoint", "destination-commit",
                          "cursor-persisted"};
  std::vector<std::string> kill_points;
  for (int round = 0; round < 8; ++round) {
    kill_points.push_back(std::string(points[round % 4]) + ":" + std::to_string(1 + round / 4 * 2));
  }
  EXPECT_GE(run_killed_at(pipeline, kill_points), 4);
  const pid_t last = start_run(pipeline);
  ASSERT_GT(last, 0);
  ASSERT_EQ(wait_exit_code(last), 0);

  EXPECT_EQ(temporary_files(target), std::vector<fs::path>{});
  const std::multiset<std::string> written = parquet_rows(target / table);
  const std::multiset<std::string> source = payload_table_rows(s, table);
  ASSERT_EQ(source.size(), 20000u);
  expect_source_rows(written, source,
                     std::string(kill_case.write_mode) == "append" && !kill_case.incremental);
}

INSTANTIATE_TEST_SUITE_P(
    Parquet, FileKillTest,
    ::testing::Values(KillCase{"replace", "replace", false}, KillCase{"append", "append", false},
                      KillCase{"incremental", "append", true},
                      KillCase{"incremental_csv", "append", true, "csv"},
                      KillCase{"incremental_postgres", "append", true, "postgres"},
                      KillCase{"incremental_postgres_long_runs", "append", true, "postgres", 2500}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rapidbyte::test
