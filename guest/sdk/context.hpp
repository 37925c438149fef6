// Context: the connector's view of the host during one `validate` or `run`
// call — data in and out, scoped state, telemetry and mediated networking.
//
// Every method is a call into the host through the v4 contract's `host-io`
// and `telemetry` imports. Arguments are lent to the host for the duration of
// the call; results the host returns are owned by the caller (HostBytes frees
// a batch without copying it). The SDK creates one Context per export call
// and passes it by reference; it holds no state of its own, so a connector
// must not keep it beyond the call. Not thread-safe (a module is
// single-threaded).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "guest/sdk/error.hpp"
#include "guest/sdk/host_bytes.hpp"
#include "guest/sdk/tcp_stream.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::sdk {

class Context {
 public:
  explicit Context(protocol::ConnectorRole role) : role_(role) {}
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // The role of the module this context belongs to.
  protocol::ConnectorRole role() const { return role_; }

  // ---- data -------------------------------------------------------------------

  // Sends one self-contained Arrow IPC stream (schema, record batches,
  // end-of-stream) downstream for `stream`, one of the run request's
  // streams. The host copies the bytes out once; `ipc_stream` may be reused
  // when this returns. Blocks while the stream's downstream queue is full;
  // fails when the run is cancelled or the request has no such stream.
  Result<void> batch_emit(std::string_view stream, std::span<const uint8_t> ipc_stream);
  // The same for the run's stream. REQUIRES: a `run` whose request carries
  // exactly one stream (otherwise the host refuses the unnamed batch).
  Result<void> batch_emit(std::span<const uint8_t> ipc_stream) {
    return batch_emit(run_stream_, ipc_stream);
  }

  // The next Arrow IPC stream from upstream, or nullopt at end of input. The
  // bytes are the host's single copy, owned by the returned object.
  std::optional<HostBytes> batch_next();

  // Waits at most `timeout` for upstream input: true as soon as batch_next()
  // would return without waiting (a batch, or the end), false when the time
  // passed first. A destination that commits at intervals uses it to commit
  // on time while its source is idle; a checkpoint it sends after a false
  // answer also covers the source checkpoints that arrived meanwhile.
  bool batch_ready(std::chrono::milliseconds timeout);

  // The cursor the engine last persisted for `stream` (a source checkpoint
  // whose batches the destination committed); nullopt when none. Starts as
  // the stream context's last_cursor_value and advances during the run.
  std::optional<protocol::CursorValue> committed_cursor(std::string_view stream);
  // The same for the run's stream (see batch_emit).
  std::optional<protocol::CursorValue> committed_cursor() { return committed_cursor(run_stream_); }

  // For the SDK's export adapter: the stream of a run that carries one.
  void set_run_stream(std::string stream) { run_stream_ = std::move(stream); }

  // ---- state ------------------------------------------------------------------

  Result<std::optional<std::string>> state_get(protocol::StateScope scope, std::string_view key);
  Result<void> state_put(protocol::StateScope scope, std::string_view key, std::string_view value);
  // Sets `key` to `new_value` only if its current value is `expected`
  // (nullopt: the key is absent). Returns whether it was set.
  Result<bool> state_cas(protocol::StateScope scope, std::string_view key,
                         std::optional<std::string_view> expected, std::string_view new_value);

  // ---- network ----------------------------------------------------------------

  // Connects to `host`:`port` through the host, which enforces the manifest's
  // network permissions.
  Result<TcpStream> tcp_connect(std::string_view host, uint16_t port, uint32_t timeout_ms);

  // ---- telemetry --------------------------------------------------------------

  void log(protocol::LogLevel level, std::string_view message);
  void debug(std::string_view message) { log(protocol::LogLevel::kDebug, message); }
  void info(std::string_view message) { log(protocol::LogLevel::kInfo, message); }
  void warn(std::string_view message) { log(protocol::LogLevel::kWarn, message); }
  void error(std::string_view message) { log(protocol::LogLevel::kError, message); }

  // Records a position in a stream. See docs/PROTOCOL.md for the ordering
  // rules relative to batches.
  void checkpoint(const protocol::CheckpointInfo& info);

  void metric(const protocol::MetricSample& sample);
  void counter(std::string_view name, uint64_t value);
  void gauge(std::string_view name, double value);

  // Keeps a record that could not be processed.
  void dlq(const protocol::DlqRecord& entry);

 private:
  protocol::ConnectorRole role_;
  std::string run_stream_;  // empty outside a one-stream run
};

}  // namespace rapidbyte::sdk
