// The fixture of the fault suite: a PG -> PG pipeline of one table whose
// source and destination can each reach the cluster through a FaultProxy,
// so a test can break the network or the server at a chosen byte of the run.
#pragma once

#include <memory>
#include <string>

#include "tests/connectors/connector_environment.hpp"
#include "tests/support/fault_proxy.hpp"

namespace rapidbyte::test {

class FaultTest : public PgConnectorTest {
 protected:
  // Creates `table` (id bigint primary key, payload, amount) in the source
  // with `rows` rows: about 60 bytes a row in a binary COPY.
  void seed(const std::string& table, int rows);

  // A pipeline copying `table` with `write_mode`; the source connects to
  // `source_port` and the destination to `dest_port` (0: the cluster's own
  // port). `resources` is the inside of the resources map.
  static constexpr const char* kRetries = "max_retries: 3, retry_base_delay_ms: 100";
  static std::string pipeline(const std::string& table, const std::string& write_mode,
                              int source_port, int dest_port,
                              const std::string& resources = kRetries);

  // Source and destination hold the same rows.
  void expect_copied(const std::string& table);
  // Runs `yaml` (a pipeline() of `table`) and expects it to succeed after
  // at least `attempts` attempts, the one fault armed on `link` fired and
  // the destination equal to the source. At least: on a loaded machine a
  // retry may also meet a real timeout (the server still rolling back the
  // faulted session's transaction past the test's short
  // network_timeout_seconds), which is retried like the fault.
  void expect_exact_after_fault(const std::string& yaml, const std::string& table,
                                const FaultProxy& link, uint32_t attempts);

  // A proxy in front of the cluster.
  static std::unique_ptr<FaultProxy> proxy() {
    return std::make_unique<FaultProxy>(cluster().port());
  }
};

}  // namespace rapidbyte::test
