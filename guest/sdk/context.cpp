#include "guest/sdk/context.hpp"

#include <algorithm>
#include <cstdint>

#include "guest/sdk/abi/lift.hpp"
#include "guest/sdk/abi/lower.hpp"
#include "guest/sdk/abi/owned.hpp"

namespace rapidbyte::sdk {

namespace {

using abi::borrow_string;
using abi::take_error;

uint8_t lower_scope(protocol::StateScope scope) {
  return static_cast<uint8_t>(scope);
}

}  // namespace

Result<void> Context::batch_emit(std::string_view stream, std::span<const uint8_t> ipc_stream) {
  abi::String name = borrow_string(stream);
  abi::ListU8 batch = abi::borrow_bytes(ipc_stream);
  abi::ConnectorError err{};
  if (!rapidbyte_connector_host_io_batch_emit(&name, &batch, &err))
    return std::unexpected(take_error(err));
  return {};
}

std::optional<HostBytes> Context::batch_next() {
  abi::ListU8 batch{};
  if (!rapidbyte_connector_host_io_batch_next(&batch)) return std::nullopt;
  return HostBytes::adopt(batch.ptr, batch.len);
}

bool Context::batch_ready(std::chrono::milliseconds timeout) {
  const auto ms = std::clamp<int64_t>(timeout.count(), 0, UINT32_MAX);
  return rapidbyte_connector_host_io_batch_ready(static_cast<uint32_t>(ms));
}

std::optional<protocol::CursorValue> Context::committed_cursor(std::string_view stream) {
  abi::String name = borrow_string(stream);
  abi::CursorValue value{};
  if (!rapidbyte_connector_host_io_committed_cursor(&name, &value)) return std::nullopt;
  abi::AbiOwned<abi::CursorValue, rapidbyte_connector_stream_types_cursor_value_free> owned(value);
  return abi::lift<protocol::CursorValue>(*owned);
}

Result<std::optional<std::string>> Context::state_get(protocol::StateScope scope,
                                                      std::string_view key) {
  abi::String k = borrow_string(key);
  abi::OptionString value{};
  abi::ConnectorError err{};
  if (!rapidbyte_connector_host_io_state_get(lower_scope(scope), &k, &value, &err)) {
    return std::unexpected(take_error(err));
  }
  abi::AbiOwned<abi::OptionString, abi::free_option_string> owned(value);
  return abi::lift<std::optional<std::string>>(*owned);
}

Result<void> Context::state_put(protocol::StateScope scope, std::string_view key,
                                std::string_view value) {
  abi::String k = borrow_string(key);
  abi::String v = borrow_string(value);
  abi::ConnectorError err{};
  if (!rapidbyte_connector_host_io_state_put(lower_scope(scope), &k, &v, &err)) {
    return std::unexpected(take_error(err));
  }
  return {};
}

Result<bool> Context::state_cas(protocol::StateScope scope, std::string_view key,
                                std::optional<std::string_view> expected,
                                std::string_view new_value) {
  abi::String k = borrow_string(key);
  abi::String e = borrow_string(expected.value_or(std::string_view()));
  abi::String v = borrow_string(new_value);
  bool swapped = false;
  abi::ConnectorError err{};
  if (!rapidbyte_connector_host_io_state_cas(lower_scope(scope), &k, expected ? &e : nullptr, &v,
                                             &swapped, &err)) {
    return std::unexpected(take_error(err));
  }
  return swapped;
}

Result<TcpStream> Context::tcp_connect(std::string_view host, uint16_t port, uint32_t timeout_ms) {
  abi::String h = borrow_string(host);
  protocol::TcpHandle handle = 0;
  abi::ConnectorError err{};
  if (!rapidbyte_connector_host_io_tcp_connect(&h, port, timeout_ms, &handle, &err)) {
    return std::unexpected(take_error(err));
  }
  return TcpStream(handle);
}

void Context::log(protocol::LogLevel level, std::string_view message) {
  abi::String m = borrow_string(message);
  rapidbyte_connector_telemetry_log(static_cast<uint8_t>(level), &m);
}

void Context::checkpoint(const protocol::CheckpointInfo& info) {
  abi::AbiOwned<abi::CheckpointInfo, rapidbyte_connector_telemetry_checkpoint_info_free> c(
      abi::lower<abi::CheckpointInfo>(info));
  rapidbyte_connector_telemetry_checkpoint(c.get());
}

void Context::metric(const protocol::MetricSample& sample) {
  abi::AbiOwned<abi::MetricSample, rapidbyte_connector_telemetry_metric_sample_free> m(
      abi::lower<abi::MetricSample>(sample));
  rapidbyte_connector_telemetry_metric(m.get());
}

void Context::counter(std::string_view name, uint64_t value) {
  metric({std::string(name),
          protocol::MetricValue(std::in_place_index<protocol::metric_kind::kCounter>, value),
          {}});
}

void Context::gauge(std::string_view name, double value) {
  metric({std::string(name),
          protocol::MetricValue(std::in_place_index<protocol::metric_kind::kGauge>, value),
          {}});
}

void Context::dlq(const protocol::DlqRecord& entry) {
  abi::AbiOwned<abi::DlqRecord, rapidbyte_connector_telemetry_dlq_record_free> d(
      abi::lower<abi::DlqRecord>(entry));
  rapidbyte_connector_telemetry_dlq(d.get());
}

}  // namespace rapidbyte::sdk
