#include "tests/connectors/fault_fixture.hpp"

#include <gtest/gtest.h>

namespace rapidbyte::test {
namespace {

// `config` (from pg_config) with the cluster's port replaced by `port`.
std::string with_port(std::string config, int port) {
  if (port == 0) return config;
  const std::string own = "\"port\": " + std::to_string(cluster().port());
  config.replace(config.find(own), own.size(), "\"port\": " + std::to_string(port));
  return config;
}

}  // namespace

void FaultTest::seed(const std::string& table, int rows) {
  src().exec("CREATE TABLE " + table +
             " (id bigint PRIMARY KEY, payload text NOT NULL, amount numeric NOT NULL);"
             "INSERT INTO " +
             table + " SELECT g, md5(g::text), g * 1.5 FROM generate_series(1, " +
             std::to_string(rows) + ") g;");
}

std::string FaultTest::pipeline(const std::string& table, const std::string& write_mode,
                                int source_port, int dest_port, const std::string& resources) {
  return "pipeline: " + table +
         "\nsource:\n  use: postgres\n  config: " + with_port(pg_config(kSourceDb), source_port) +
         "\n  streams: [{name: " + table + "}]\ndestination:\n  use: postgres\n  config: " +
         with_port(pg_config(kDestDb), dest_port) + "\n  write_mode: " + write_mode +
         "\n  primary_key: [id]\nresources: {" + resources + "}\n";
}

void FaultTest::expect_copied(const std::string& table) {
  auto s = src();
  auto d = dst();
  EXPECT_EQ(table_digest(d, table, "id"), table_digest(s, table, "id"));
}

void FaultTest::expect_exact_after_fault(const std::string& yaml, const std::string& table,
                                         const FaultProxy& link, uint32_t attempts) {
  auto report = run_pipeline(yaml, table);
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  EXPECT_EQ(link.fired(), 1);
  EXPECT_GE(report.streams.at(0).attempts, attempts);
  ::testing::Test::RecordProperty(table + "_attempts",
                                  static_cast<int>(report.streams.at(0).attempts));
  expect_copied(table);
}

}  // namespace rapidbyte::test
