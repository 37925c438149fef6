#include "host/engine/stage_host.hpp"

#include "host/runtime/connector_errors.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::engine {

namespace p = rapidbyte::protocol;

StageServices* StageHost::find(std::string_view name) const {
  for (StageServices* s : streams_) {
    if (s->stream() == name) return s;
  }
  return nullptr;
}

p::ConnectorError StageHost::unknown_stream(std::string_view what, std::string_view name) const {
  std::string served;
  for (StageServices* s : streams_) served += (served.empty() ? "'" : ", '") + s->stream() + "'";
  return runtime::make_error(p::ErrorCategory::kInternal, "UNKNOWN_STREAM",
                             std::string(what) + " for stream '" + std::string(name) +
                                 "', which this run does not carry (its streams: " + served + ")");
}

void StageHost::log(p::LogLevel level, std::string_view message) {
  streams_.front()->log(level, message);
}

StageServices* StageHost::telemetry_target(std::string_view stream, std::string_view what) {
  StageServices* target = streams_.size() == 1 ? streams_.front() : find(stream);
  if (!target && !misrouted_) misrouted_ = unknown_stream(what, stream);
  return target;
}

void StageHost::checkpoint(p::CheckpointInfo info) {
  if (StageServices* target = telemetry_target(info.stream_name, "a checkpoint"))
    target->checkpoint(std::move(info));
}

void StageHost::metric(p::MetricSample sample) {
  for (const auto& label : sample.labels) {
    if (label.key != "stream") continue;
    if (StageServices* target = find(label.value)) return target->metric(std::move(sample));
  }
  streams_.front()->metric(std::move(sample));
}

void StageHost::dlq(p::DlqRecord record) {
  if (StageServices* target = telemetry_target(record.stream_name, "a dead letter"))
    target->dlq(std::move(record));
}

runtime::ConnectorResult<void> StageHost::batch_emit(std::string_view stream,
                                                     std::vector<uint8_t> ipc_stream) {
  if (misrouted_) return std::unexpected(*misrouted_);
  StageServices* target = find(stream);
  if (!target) return std::unexpected(unknown_stream("a batch", stream));
  return target->batch_emit(std::move(ipc_stream));
}

runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> StageHost::batch_next() {
  // Only a source serves several streams, and a source has no input.
  return streams_.front()->batch_next();
}

bool StageHost::batch_ready(std::chrono::milliseconds timeout) {
  return streams_.front()->batch_ready(timeout);
}

runtime::ConnectorResult<std::optional<p::CursorValue>> StageHost::committed_cursor(
    std::string_view stream) {
  StageServices* target = find(stream);
  if (!target) return std::unexpected(unknown_stream("a committed cursor", stream));
  return target->committed_cursor();
}

runtime::ConnectorResult<std::optional<std::string>> StageHost::state_get(p::StateScope scope,
                                                                          const std::string& key) {
  return streams_.front()->state_get(scope, key);
}

runtime::ConnectorResult<void> StageHost::state_put(p::StateScope scope, const std::string& key,
                                                    const std::string& value) {
  return streams_.front()->state_put(scope, key, value);
}

runtime::ConnectorResult<bool> StageHost::state_cas(p::StateScope scope, const std::string& key,
                                                    const std::optional<std::string>& expected,
                                                    const std::string& new_value) {
  return streams_.front()->state_cas(scope, key, expected, new_value);
}

runtime::ConnectorResult<void> StageHost::finish() {
  if (misrouted_) return std::unexpected(*misrouted_);
  for (StageServices* s : streams_) {
    RB_TRY(s->finish());
  }
  return {};
}

}  // namespace rapidbyte::engine
