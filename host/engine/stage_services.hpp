// The HostServices of one stage of one stream: its input and output queues,
// the state backend, and the StageReport its telemetry lands in.
//
// Checkpoints travel in-band (DESIGN.md §4): a source checkpoint is queued
// behind the batches it covers; transforms forward it in order; the
// destination holds it as pending until the destination confirms a commit
// (its own checkpoint, or a successful end of its run), and only then is the
// source cursor written to the state backend.
//
// Thread-safety: used only from the stage's own thread; the queues and the
// state backend synchronise what is shared.
#pragma once

#include <spdlog/logger.h>

#include <string>
#include <vector>

#include "host/engine/batch_queue.hpp"
#include "host/engine/run_progress.hpp"
#include "host/engine/run_report.hpp"
#include "host/engine/state/state_backend.hpp"
#include "host/runtime/host_services.hpp"

namespace rapidbyte::engine {

class StageServices final : public runtime::HostServices {
 public:
  struct Wiring {
    std::string pipeline;
    std::string stream;
    int64_t run_id = 0;
    protocol::ConnectorRole role = protocol::ConnectorRole::kSource;
    BatchQueue* input = nullptr;   // null for a source
    BatchQueue* output = nullptr;  // null for a destination
    StateBackend* state = nullptr;
    RunProgress::Stream* progress = nullptr;  // optional
    spdlog::logger* log = nullptr;            // REQUIRED
  };

  // Dead letters held in memory before they are written to the backend.
  static constexpr size_t kDeadLetterBuffer = 1000;

  // REQUIRES: everything in `wiring` and `report` outlives the services.
  StageServices(Wiring wiring, StageReport* report) : wiring_(std::move(wiring)), report_(report) {}

  void log(protocol::LogLevel level, std::string_view message) override;
  void checkpoint(protocol::CheckpointInfo info) override;
  void metric(protocol::MetricSample sample) override;
  void dlq(protocol::DlqRecord record) override;

  runtime::ConnectorResult<void> batch_emit(std::vector<uint8_t> ipc_stream) override;
  runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next() override;
  runtime::ConnectorResult<std::optional<protocol::CursorValue>> committed_cursor() override;

  runtime::ConnectorResult<std::optional<std::string>> state_get(protocol::StateScope scope,
                                                                 std::string key) override;
  runtime::ConnectorResult<void> state_put(protocol::StateScope scope, std::string key,
                                           std::string value) override;
  runtime::ConnectorResult<bool> state_cas(protocol::StateScope scope, std::string key,
                                           std::optional<std::string> expected,
                                           std::string new_value) override;

  // For the destination after its run succeeded: everything it received is
  // committed, so every pending source checkpoint becomes the stored cursor.
  // Also writes buffered dead letters. Fails when the state backend does.
  runtime::ConnectorResult<void> finish();

 private:
  std::string state_key(protocol::StateScope scope, const std::string& key) const;
  runtime::ConnectorResult<void> commit_pending_checkpoints();
  runtime::ConnectorResult<void> flush_dead_letters();
  protocol::ConnectorError state_error(const std::string& message) const;

  Wiring wiring_;
  StageReport* report_;
  // Source checkpoints the destination has received but not yet confirmed.
  std::vector<protocol::CheckpointInfo> pending_;
  std::vector<DlqEntry> dead_letters_;
  // A state failure seen where it cannot be returned (checkpoint, dlq).
  std::optional<protocol::ConnectorError> deferred_error_;
};

}  // namespace rapidbyte::engine
