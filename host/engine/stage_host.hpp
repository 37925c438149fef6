// StageHost: the HostServices of one stage. A stage serves one stream,
// except a source reading a pipeline's cdc streams, which serves all of them
// from one replication slot. Each call that names a stream — a batch, a
// checkpoint, a dead letter, a committed cursor — goes to that stream's
// StageServices; a call that names none (logs, metrics without a `stream`
// label, state) goes to the first stream's.
//
// A batch for a stream the stage does not serve is refused. A checkpoint or
// dead letter of a one-stream stage belongs to its stream whatever it names;
// in a stage of several streams, one naming none of them is kept as an
// error that the next batch, or the end of the stage, returns (telemetry
// calls return nothing).
//
// Thread-safety: used only from the stage's own thread.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "host/engine/stage_services.hpp"
#include "host/runtime/host_services.hpp"

namespace rapidbyte::engine {

class StageHost final : public runtime::HostServices {
 public:
  // REQUIRES: `streams` is not empty; each element outlives the host.
  explicit StageHost(std::vector<StageServices*> streams) : streams_(std::move(streams)) {}

  void log(protocol::LogLevel level, std::string_view message) override;
  void checkpoint(protocol::CheckpointInfo info) override;
  void metric(protocol::MetricSample sample) override;
  void dlq(protocol::DlqRecord record) override;

  runtime::ConnectorResult<void> batch_emit(std::string_view stream,
                                            std::vector<uint8_t> ipc_stream) override;
  runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next() override;
  bool batch_ready(std::chrono::milliseconds timeout) override;
  runtime::ConnectorResult<std::optional<protocol::CursorValue>> committed_cursor(
      std::string_view stream) override;

  runtime::ConnectorResult<std::optional<std::string>> state_get(protocol::StateScope scope,
                                                                 const std::string& key) override;
  runtime::ConnectorResult<void> state_put(protocol::StateScope scope, const std::string& key,
                                           const std::string& value) override;
  runtime::ConnectorResult<bool> state_cas(protocol::StateScope scope, const std::string& key,
                                           const std::optional<std::string>& expected,
                                           const std::string& new_value) override;

  // After the stage's run succeeded: finishes every stream
  // (StageServices::finish). The first failure, or a misrouted call's.
  runtime::ConnectorResult<void> finish();

 private:
  // The stream named `name`; null when the stage does not serve it.
  StageServices* find(std::string_view name) const;
  // Where a checkpoint or dead letter naming `stream` goes: a one-stream
  // stage's stream, else the named one; null (and the error kept) when the
  // stage serves no such stream.
  StageServices* telemetry_target(std::string_view stream, std::string_view what);
  protocol::ConnectorError unknown_stream(std::string_view what, std::string_view name) const;

  std::vector<StageServices*> streams_;
  std::optional<protocol::ConnectorError> misrouted_;
};

}  // namespace rapidbyte::engine
