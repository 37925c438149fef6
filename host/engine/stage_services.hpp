// The HostServices of one stage of one stream: its input and output queues,
// the state store, and the StageReport its telemetry lands in.
//
// Thread-safety: used only from the stage's own thread; the queues and the
// state store synchronise what is shared.
#pragma once

#include <string>

#include "host/engine/batch_queue.hpp"
#include "host/engine/run_report.hpp"
#include "host/engine/state_store.hpp"
#include "host/runtime/host_services.hpp"

namespace rapidbyte::engine {

class StageServices final : public runtime::HostServices {
 public:
  struct Wiring {
    std::string pipeline;
    std::string stream;
    BatchQueue* input = nullptr;   // null for a source
    BatchQueue* output = nullptr;  // null for a destination
    StateStore* state = nullptr;
  };

  // REQUIRES: everything in `wiring` and `report` outlives the services.
  StageServices(Wiring wiring, StageReport* report) : wiring_(std::move(wiring)), report_(report) {}

  void log(protocol::LogLevel level, std::string_view message) override;
  void checkpoint(protocol::CheckpointInfo info) override;
  void metric(protocol::MetricSample sample) override;
  void dlq(protocol::DlqRecord record) override;

  runtime::ConnectorResult<void> batch_emit(std::vector<uint8_t> ipc_stream) override;
  std::optional<std::vector<uint8_t>> batch_next() override;

  runtime::ConnectorResult<std::optional<std::string>> state_get(protocol::StateScope scope,
                                                                 std::string key) override;
  runtime::ConnectorResult<void> state_put(protocol::StateScope scope, std::string key,
                                           std::string value) override;
  runtime::ConnectorResult<bool> state_cas(protocol::StateScope scope, std::string key,
                                           std::optional<std::string> expected,
                                           std::string new_value) override;

 private:
  std::string state_key(protocol::StateScope scope, const std::string& key) const;

  Wiring wiring_;
  StageReport* report_;
};

}  // namespace rapidbyte::engine
