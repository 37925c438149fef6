#include "guest/sdk/abi/lift.hpp"

#include <optional>
#include <variant>
#include <vector>

namespace rapidbyte::sdk::abi {

namespace {

template <class E>
E lift_enum(uint8_t value) {
  return static_cast<E>(value);
}

template <class T, class CList, class LiftItem>
std::vector<T> lift_list(const CList& list, LiftItem&& lift_item) {
  std::vector<T> out;
  out.reserve(list.len);
  for (size_t i = 0; i < list.len; ++i) out.push_back(lift_item(list.ptr[i]));
  return out;
}

template <class COption, class LiftValue>
auto lift_option(const COption& option, LiftValue&& lift_value)
    -> std::optional<decltype(lift_value(option.val))> {
  if (!option.is_some) return std::nullopt;
  return lift_value(option.val);
}

protocol::StreamContext lift_stream(const StreamContext& c) {
  protocol::StreamContext s;
  s.stream_name = lift_string(c.stream_name);
  s.sync_mode = lift_enum<protocol::SyncMode>(c.sync_mode);
  s.selected_columns = lift_list<std::string>(c.selected_columns, lift_string);
  s.cursor_field = lift_option(c.cursor_field, lift_string);
  s.last_cursor_value = lift_option(c.last_cursor_value, lift_cursor);
  s.primary_key = lift_list<std::string>(c.primary_key, lift_string);
  s.write_mode = lift_enum<protocol::WriteMode>(c.write_mode);
  s.limits = {c.limits.max_batch_bytes,          c.limits.max_record_bytes,
              c.limits.max_inflight_batches,     c.limits.checkpoint_interval_bytes,
              c.limits.checkpoint_interval_rows, c.limits.checkpoint_interval_seconds};
  const auto& p = c.policies;
  s.policies.on_data_error = lift_enum<protocol::DataErrorPolicy>(p.on_data_error);
  s.policies.schema_evolution = {
      lift_enum<protocol::NewColumnPolicy>(p.schema_evolution.new_column),
      lift_enum<protocol::RemovedColumnPolicy>(p.schema_evolution.removed_column),
      lift_enum<protocol::TypeChangePolicy>(p.schema_evolution.type_change),
      lift_enum<protocol::NullabilityChangePolicy>(p.schema_evolution.nullability_change)};
  if (c.partition.is_some)
    s.partition = protocol::Partition{c.partition.val.index, c.partition.val.count};
  return s;
}

}  // namespace

protocol::CursorValue lift_cursor(const CursorValue& value) {
  namespace kind = protocol::cursor_kind;
  switch (value.tag) {
    case kind::kFloat64:
      return protocol::CursorValue(std::in_place_index<kind::kFloat64>, value.val.float64);
    case kind::kText:
      return protocol::CursorValue(std::in_place_index<kind::kText>, lift_string(value.val.text));
    case kind::kTimestampMicros:
      return protocol::CursorValue(std::in_place_index<kind::kTimestampMicros>,
                                   value.val.timestamp_micros);
    case kind::kDateDays:
      return protocol::CursorValue(std::in_place_index<kind::kDateDays>, value.val.date_days);
    case kind::kLsn:
      return protocol::CursorValue(std::in_place_index<kind::kLsn>, value.val.lsn);
    case kind::kBytes: {
      const auto& b = value.val.bytes;
      return protocol::CursorValue(std::in_place_index<kind::kBytes>, b.ptr, b.ptr + b.len);
    }
    default:  // kInt64; the host never sends another tag.
      return protocol::CursorValue(std::in_place_index<kind::kInt64>, value.val.int64);
  }
}

std::string lift_string(const String& s) {
  if (s.len == 0) return {};
  return std::string(reinterpret_cast<const char*>(s.ptr), s.len);
}

protocol::ConnectorError lift_error(const ConnectorError& error) {
  protocol::ConnectorError e;
  e.category = lift_enum<protocol::ErrorCategory>(error.category);
  e.scope = lift_enum<protocol::ErrorScope>(error.scope);
  e.code = lift_string(error.code);
  e.message = lift_string(error.message);
  e.retryable = error.retryable;
  e.retry_after_ms = lift_option(error.retry_after_ms, [](uint64_t v) { return v; });
  e.backoff_class = lift_enum<protocol::BackoffClass>(error.backoff_class);
  e.safe_to_retry = error.safe_to_retry;
  e.commit_state = lift_enum<protocol::CommitState>(error.commit_state);
  e.details = lift_list<protocol::Detail>(error.details, [](const Detail& d) {
    return protocol::Detail{lift_string(d.key), lift_string(d.value)};
  });
  return e;
}

protocol::ConnectorError take_error(ConnectorError& error) {
  protocol::ConnectorError lifted = lift_error(error);
  rapidbyte_connector_core_types_connector_error_free(&error);
  return lifted;
}

protocol::RunRequest lift_run_request(const RunRequest& request) {
  protocol::RunRequest r;
  r.phase = lift_enum<protocol::RunPhase>(request.phase);
  r.streams = lift_list<protocol::StreamContext>(request.streams, lift_stream);
  r.dry_run = request.dry_run;
  r.max_records = lift_option(request.max_records, [](uint64_t v) { return v; });
  return r;
}

}  // namespace rapidbyte::sdk::abi
