// A HostServices for tests: records every telemetry call, serves batches from
// a list, keeps state in memory and captures emitted batches.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <thread>

#include "host/runtime/host_services.hpp"

namespace rapidbyte::test {

class RecordingServices : public runtime::HostServices {
 public:
  std::vector<std::pair<protocol::LogLevel, std::string>> logs;
  std::vector<protocol::CheckpointInfo> checkpoints;
  std::vector<protocol::MetricSample> metrics;
  std::vector<protocol::DlqRecord> dlq_records;
  std::vector<std::vector<uint8_t>> emitted;
  std::vector<std::string> emitted_streams;  // the stream each batch named
  std::deque<std::vector<uint8_t>> to_deliver;
  std::map<std::string, std::string> state;        // key: "<scope>/<key>"
  std::optional<protocol::CursorValue> committed;  // what committed_cursor() answers
  std::chrono::milliseconds batch_delay{0};        // how long batch_next waits for input

  void log(protocol::LogLevel level, std::string_view message) override {
    logs.emplace_back(level, std::string(message));
  }
  void checkpoint(protocol::CheckpointInfo info) override {
    checkpoints.push_back(std::move(info));
  }
  void metric(protocol::MetricSample sample) override { metrics.push_back(std::move(sample)); }
  void dlq(protocol::DlqRecord record) override { dlq_records.push_back(std::move(record)); }
  runtime::ConnectorResult<void> batch_emit(std::string_view stream,
                                            std::vector<uint8_t> batch) override {
    emitted_streams.emplace_back(stream);
    emitted.push_back(std::move(batch));
    return {};
  }
  runtime::ConnectorResult<std::optional<protocol::CursorValue>> committed_cursor(
      std::string_view) override {
    return committed;
  }
  runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next() override {
    std::this_thread::sleep_for(batch_delay);
    if (to_deliver.empty()) return std::nullopt;
    auto b = std::move(to_deliver.front());
    to_deliver.pop_front();
    return b;
  }
  // Everything to deliver is there already (or the input has ended).
  bool batch_ready(std::chrono::milliseconds) override { return true; }
  static std::string key_of(protocol::StateScope scope, const std::string& key) {
    return std::to_string(static_cast<int>(scope)) + "/" + key;
  }
  runtime::ConnectorResult<std::optional<std::string>> state_get(protocol::StateScope scope,
                                                                 const std::string& key) override {
    auto it = state.find(key_of(scope, key));
    if (it == state.end()) return std::nullopt;
    return it->second;
  }
  runtime::ConnectorResult<void> state_put(protocol::StateScope scope, const std::string& key,
                                           const std::string& value) override {
    state[key_of(scope, key)] = value;
    return {};
  }
  runtime::ConnectorResult<bool> state_cas(protocol::StateScope scope, const std::string& key,
                                           const std::optional<std::string>& expected,
                                           const std::string& new_value) override {
    auto k = key_of(scope, key);
    auto it = state.find(k);
    std::optional<std::string> current;
    if (it != state.end()) current = it->second;
    if (current != expected) return false;
    state[k] = new_value;
    return true;
  }
};

}  // namespace rapidbyte::test
