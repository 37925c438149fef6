#include "host/runtime/contract_imports.hpp"

#include "host/runtime/canonical_abi/contract_abi.hpp"
#include "host/runtime/canonical_abi/import_binding.hpp"

namespace rapidbyte::runtime {

namespace {

namespace p = rapidbyte::protocol;
using abi::define_import;

// The import binding lifts each argument out of guest memory into an owned
// value and hands it to the handler, so the handlers below take them by value
// (the signatures mirror the WIT functions).
// NOLINTBEGIN(performance-unnecessary-value-param)

// ---- telemetry ----

void log(StoreData& d, p::LogLevel level, std::string message) {
  d.services->log(level, message);
}

void checkpoint(StoreData& d, p::CheckpointInfo info) {
  d.services->checkpoint(std::move(info));
}

void metric(StoreData& d, p::MetricSample sample) {
  d.services->metric(std::move(sample));
}

void dlq(StoreData& d, p::DlqRecord record) {
  d.services->dlq(std::move(record));
}

// ---- host-io ----

ConnectorResult<void> batch_emit(StoreData& d, std::string stream, std::vector<uint8_t> batch) {
  return d.services->batch_emit(stream, std::move(batch));
}

// A cancelled stream is not the end of the input, and batch-next has no
// error to say so: the call traps, so the guest cannot finish (and a
// destination cannot commit) a partial stream.
abi::TrapOr<std::optional<std::vector<uint8_t>>> batch_next(StoreData& d) {
  auto batch = d.services->batch_next();
  if (!batch) {
    d.stream_cancelled = true;
    return std::unexpected(batch.error().message);
  }
  return std::move(*batch);
}

bool batch_ready(StoreData& d, uint32_t timeout_ms) {
  return d.services->batch_ready(std::chrono::milliseconds(timeout_ms));
}

// A state backend failure reads as "nothing newer persisted": the source
// then acknowledges less, which is always safe. A stream the run does not
// carry is the guest's mistake, and read as "nothing persisted" it would go
// unnoticed (a source that never acknowledges): committed-cursor has no
// error to say so, so the call traps, naming the stream.
abi::TrapOr<std::optional<p::CursorValue>> committed_cursor(StoreData& d, std::string stream) {
  auto cursor = d.services->committed_cursor(stream);
  if (cursor) return *cursor;
  if (cursor.error().code == "UNKNOWN_STREAM") {
    return std::unexpected(std::string("bad call to ") + kHostIoModule +
                           "#committed-cursor: " + cursor.error().message);
  }
  return std::nullopt;
}

ConnectorResult<std::optional<std::string>> state_get(StoreData& d, p::StateScope scope,
                                                      std::string key) {
  return d.services->state_get(scope, key);
}

ConnectorResult<void> state_put(StoreData& d, p::StateScope scope, std::string key,
                                std::string value) {
  return d.services->state_put(scope, key, value);
}

ConnectorResult<bool> state_cas(StoreData& d, p::StateScope scope, std::string key,
                                std::optional<std::string> expected, std::string new_value) {
  return d.services->state_cas(scope, key, expected, new_value);
}

ConnectorResult<p::TcpHandle> tcp_connect(StoreData& d, std::string host, uint16_t port,
                                          uint32_t timeout_ms) {
  return d.tcp.connect(host, port, std::chrono::milliseconds(timeout_ms));
}

ConnectorResult<std::vector<uint8_t>> tcp_read(StoreData& d, p::TcpHandle handle,
                                               uint32_t max_bytes) {
  return d.tcp.read(handle, max_bytes);
}

ConnectorResult<void> tcp_write(StoreData& d, p::TcpHandle handle, std::vector<uint8_t> data) {
  return d.tcp.write(handle, data);
}

void tcp_close(StoreData& d, p::TcpHandle handle) {
  d.tcp.close(handle);
}

ConnectorResult<void> tcp_start_tls(StoreData& d, p::TcpHandle handle, p::TlsOptions options) {
  return d.tcp.start_tls(handle, options);
}

// NOLINTEND(performance-unnecessary-value-param)
}  // namespace

wasmtime_error_t* define_contract_imports(wasmtime_linker_t* linker) {
  wasmtime_error_t* error = nullptr;
  auto define = [&](const char* module, const char* name, auto handler) {
    if (!error) error = define_import(linker, module, name, handler);
  };
  define(kTelemetryModule, "log", &log);
  define(kTelemetryModule, "checkpoint", &checkpoint);
  define(kTelemetryModule, "metric", &metric);
  define(kTelemetryModule, "dlq", &dlq);
  define(kHostIoModule, "batch-emit", &batch_emit);
  define(kHostIoModule, "batch-next", &batch_next);
  define(kHostIoModule, "batch-ready", &batch_ready);
  define(kHostIoModule, "committed-cursor", &committed_cursor);
  define(kHostIoModule, "state-get", &state_get);
  define(kHostIoModule, "state-put", &state_put);
  define(kHostIoModule, "state-cas", &state_cas);
  define(kHostIoModule, "tcp-connect", &tcp_connect);
  define(kHostIoModule, "tcp-read", &tcp_read);
  define(kHostIoModule, "tcp-write", &tcp_write);
  define(kHostIoModule, "tcp-close", &tcp_close);
  define(kHostIoModule, "tcp-start-tls", &tcp_start_tls);
  return error;
}

}  // namespace rapidbyte::runtime
