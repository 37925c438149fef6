#include "host/engine/stage_services.hpp"

#include <spdlog/spdlog.h>

#include "host/runtime/connector_errors.hpp"

namespace rapidbyte::engine {

namespace p = rapidbyte::protocol;

void StageServices::log(p::LogLevel level, std::string_view message) {
  static constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::trace,
                                                          spdlog::level::debug, spdlog::level::info,
                                                          spdlog::level::warn, spdlog::level::err};
  spdlog::log(kLevels[static_cast<size_t>(level)], "[{}/{}] {}", wiring_.stream,
              report_->connector_id, message);
}

void StageServices::checkpoint(p::CheckpointInfo info) {
  spdlog::debug("[{}/{}] checkpoint: {} records", wiring_.stream, report_->connector_id,
                info.records);
  report_->checkpoints.push_back(std::move(info));
}

void StageServices::metric(p::MetricSample sample) {
  report_->metrics.push_back(std::move(sample));
}

void StageServices::dlq(p::DlqRecord record) {
  ++report_->dlq_records;
  spdlog::warn("[{}/{}] dead letter: {}", wiring_.stream, report_->connector_id,
               record.error.message);
}

runtime::ConnectorResult<void> StageServices::batch_emit(std::vector<uint8_t> ipc_stream) {
  if (!wiring_.output) {
    return std::unexpected(runtime::make_error(p::ErrorCategory::kInternal, "NO_DOWNSTREAM",
                                               "a destination cannot emit batches"));
  }
  const uint64_t size = ipc_stream.size();
  if (!wiring_.output->push(std::move(ipc_stream))) {
    return std::unexpected(
        runtime::make_error(p::ErrorCategory::kInternal, "CANCELLED", "the run was cancelled"));
  }
  ++report_->batches_emitted;
  report_->bytes_emitted += size;
  return {};
}

std::optional<std::vector<uint8_t>> StageServices::batch_next() {
  if (!wiring_.input) return std::nullopt;
  return wiring_.input->pop();
}

std::string StageServices::state_key(p::StateScope scope, const std::string& key) const {
  switch (scope) {
    case p::StateScope::kPipeline:
      return wiring_.pipeline + "/pipeline/" + key;
    case p::StateScope::kPerStream:
      return wiring_.pipeline + "/stream/" + wiring_.stream + "/" + key;
    case p::StateScope::kConnectorInstance:
      return wiring_.pipeline + "/connector/" + report_->connector_id + "/" + key;
  }
  return key;
}

runtime::ConnectorResult<std::optional<std::string>> StageServices::state_get(p::StateScope scope,
                                                                              std::string key) {
  return wiring_.state->get(state_key(scope, key));
}

runtime::ConnectorResult<void> StageServices::state_put(p::StateScope scope, std::string key,
                                                        std::string value) {
  wiring_.state->put(state_key(scope, key), std::move(value));
  return {};
}

runtime::ConnectorResult<bool> StageServices::state_cas(p::StateScope scope, std::string key,
                                                        std::optional<std::string> expected,
                                                        std::string new_value) {
  return wiring_.state->compare_and_set(state_key(scope, key), expected, std::move(new_value));
}

}  // namespace rapidbyte::engine
