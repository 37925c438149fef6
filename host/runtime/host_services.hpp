// What a running connector may ask of the engine: its data, its state and its
// telemetry. The engine implements one HostServices per stage; the runtime
// forwards the guest's v4 imports to it after lifting their arguments.
//
// Thread-safety: each stage runs on its own thread and calls only its own
// HostServices; implementations synchronise whatever they share.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portable/protocol/types.hpp"

namespace rapidbyte::runtime {

template <class T>
using ConnectorResult = std::expected<T, protocol::ConnectorError>;

class HostServices {
 public:
  virtual ~HostServices() = default;

  // telemetry
  virtual void log(protocol::LogLevel level, std::string_view message) = 0;
  virtual void checkpoint(protocol::CheckpointInfo info) = 0;
  virtual void metric(protocol::MetricSample sample) = 0;
  virtual void dlq(protocol::DlqRecord record) = 0;

  // data: one Arrow IPC stream per call. batch_emit blocks while the named
  // stream's downstream is full; batch_next returns nullopt at end of input.
  // Both fail with code CANCELLED once the stream is cancelled (another of
  // its stages failed): a cancelled input is not an ended one.
  virtual ConnectorResult<void> batch_emit(std::string_view stream,
                                           std::vector<uint8_t> ipc_stream) = 0;
  virtual ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next() = 0;
  // Waits at most `timeout` for input batch_next would return at once
  // (see the WIT's batch-ready); false when the time passed first.
  virtual bool batch_ready(std::chrono::milliseconds timeout) = 0;
  // The cursor last persisted for `stream` (see the WIT's
  // committed-cursor); nullopt when none was.
  virtual ConnectorResult<std::optional<protocol::CursorValue>> committed_cursor(
      std::string_view stream) = 0;

  // state
  virtual ConnectorResult<std::optional<std::string>> state_get(protocol::StateScope scope,
                                                                const std::string& key) = 0;
  virtual ConnectorResult<void> state_put(protocol::StateScope scope, const std::string& key,
                                          const std::string& value) = 0;
  virtual ConnectorResult<bool> state_cas(protocol::StateScope scope, const std::string& key,
                                          const std::optional<std::string>& expected,
                                          const std::string& new_value) = 0;
};

}  // namespace rapidbyte::runtime
