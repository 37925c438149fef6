// CdcTest: the fixture of the change data capture tests — pipelines of cdc
// streams with a slot of their own, and the checks that the destination
// equals the source and that a slot never confirms past a persisted cursor.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "host/engine/pipeline_probe.hpp"
#include "tests/connectors/connector_environment.hpp"

namespace rapidbyte::test {

class CdcTest : public PgConnectorTest {
 protected:
  // The pipeline of `streams` (YAML flow list items) with its own slot;
  // `mode` sets cdc_mode.
  static std::string cdc_yaml(const std::string& name, const std::string& streams,
                              const std::string& resources = {}, const std::string& mode = {}) {
    return pipeline_yaml(name, streams, "  write_mode: upsert\n  primary_key: [id]\n", resources,
                         ", \"slot_name\": \"" + name + "\"" +
                             (mode.empty() ? std::string() : ", \"cdc_mode\": \"" + mode + "\""));
  }

  // Writes `yaml` as <dir>/<file>, its state in <dir>/state.db, for runs of
  // the rapidbyte binary; returns the path.
  std::filesystem::path pipeline_file(const std::string& dir, const std::string& file,
                                      const std::string& yaml) {
    std::filesystem::create_directories(cache_dir_ / dir);
    const auto path = cache_dir_ / dir / file;
    std::ofstream(path) << yaml << "state: {connection: " << state_file(dir).string() << "}\n";
    return path;
  }
  std::filesystem::path state_file(const std::string& dir) const {
    return cache_dir_ / dir / "state.db";
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

  // Drops the slot and publication of the pipeline `yaml` whose state is
  // `state` (as run_pipeline names it).
  void tear_down(const std::string& yaml, const std::string& state) {
    auto pipeline = engine::parse_pipeline(yaml, state + ".yaml");
    ASSERT_TRUE(pipeline) << pipeline.error();
    engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
    auto backend = engine::SqliteStateBackend::open(cache_dir_ / (state + ".db"));
    ASSERT_TRUE(backend);
    auto done = engine::teardown_pipeline(*engine_, catalog, **backend, *pipeline);
    ASSERT_TRUE(done) << done.error().message;
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

inline void expect_succeeded(const engine::RunReport& report) {
  EXPECT_TRUE(report.succeeded()) << report.first_error();
}

}  // namespace rapidbyte::test
