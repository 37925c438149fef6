// HostServices that ignore every call, for benchmarks that drive a guest
// directly: derive and override only what the benchmark measures.
#pragma once

#include "host/runtime/host_services.hpp"

namespace rapidbyte::bench {

class NullHostServices : public runtime::HostServices {
 public:
  void log(protocol::LogLevel, std::string_view) override {}
  void checkpoint(protocol::CheckpointInfo) override {}
  void metric(protocol::MetricSample) override {}
  void dlq(protocol::DlqRecord) override {}
  runtime::ConnectorResult<void> batch_emit(std::string_view, std::vector<uint8_t>) override {
    return {};
  }
  runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next() override {
    return std::nullopt;
  }
  bool batch_ready(std::chrono::milliseconds) override { return true; }
  runtime::ConnectorResult<std::optional<protocol::CursorValue>> committed_cursor(
      std::string_view) override {
    return std::nullopt;
  }
  runtime::ConnectorResult<std::optional<std::string>> state_get(protocol::StateScope,
                                                                 const std::string&) override {
    return std::nullopt;
  }
  runtime::ConnectorResult<void> state_put(protocol::StateScope, const std::string&,
                                           const std::string&) override {
    return {};
  }
  runtime::ConnectorResult<bool> state_cas(protocol::StateScope, const std::string&,
                                           const std::optional<std::string>&,
                                           const std::string&) override {
    return false;
  }
};

}  // namespace rapidbyte::bench
