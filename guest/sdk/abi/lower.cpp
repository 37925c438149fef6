#include "guest/sdk/abi/lower.hpp"

#include <cstdlib>
#include <cstring>
#include <optional>
#include <type_traits>
#include <variant>

namespace rapidbyte::sdk::abi {

namespace {

// Like cabi_realloc: running out of memory inside a guest is fatal.
void* checked_malloc(size_t size) {
  void* p = std::malloc(size);
  if (p == nullptr) std::abort();
  return p;
}

template <class E>
uint8_t lower_enum(E value) {
  return static_cast<uint8_t>(value);
}

// A malloc'd C list of lower_item(x) for each x in `items`.
template <class CList, class Items, class LowerItem>
CList lower_list(const Items& items, LowerItem&& lower_item) {
  CList out{};
  if (items.empty()) return out;
  using Element = std::remove_pointer_t<decltype(out.ptr)>;
  auto* elements = static_cast<Element*>(checked_malloc(sizeof(Element) * items.size()));
  size_t i = 0;
  for (const auto& item : items) elements[i++] = lower_item(item);
  out.ptr = elements;
  out.len = items.size();
  return out;
}

template <class COption, class T, class LowerValue>
COption lower_option(const std::optional<T>& value, LowerValue&& lower_value) {
  COption out{};
  if (value.has_value()) {
    out.is_some = true;
    out.val = lower_value(*value);
  }
  return out;
}

ListU8 lower_bytes(std::span<const uint8_t> bytes) {
  ListU8 out{};
  if (bytes.empty()) return out;
  out.ptr = static_cast<uint8_t*>(checked_malloc(bytes.size()));
  std::memcpy(out.ptr, bytes.data(), bytes.size());
  out.len = bytes.size();
  return out;
}

CursorValue lower_cursor(const protocol::CursorValue& value) {
  namespace kind = protocol::cursor_kind;
  CursorValue out{};
  out.tag = static_cast<uint8_t>(value.index());
  switch (value.index()) {
    case kind::kInt64:
      out.val.int64 = std::get<kind::kInt64>(value);
      break;
    case kind::kFloat64:
      out.val.float64 = std::get<kind::kFloat64>(value);
      break;
    case kind::kText:
      out.val.text = lower_string(std::get<kind::kText>(value));
      break;
    case kind::kTimestampMicros:
      out.val.timestamp_micros = std::get<kind::kTimestampMicros>(value);
      break;
    case kind::kDateDays:
      out.val.date_days = std::get<kind::kDateDays>(value);
      break;
    case kind::kLsn:
      out.val.lsn = std::get<kind::kLsn>(value);
      break;
    case kind::kBytes:
      out.val.bytes = lower_bytes(std::get<kind::kBytes>(value));
      break;
  }
  return out;
}

ValidationCheck lower_check(const protocol::ValidationCheck& check) {
  return {lower_string(check.name), lower_enum(check.status), lower_string(check.message)};
}

CatalogColumn lower_column(const protocol::CatalogColumn& column) {
  return {lower_string(column.name), lower_string(column.source_type),
          lower_string(column.arrow_type), column.nullable};
}

CatalogStream lower_stream(const protocol::CatalogStream& stream) {
  CatalogStream out{};
  out.name = lower_string(stream.name);
  out.namespace_ = lower_option<OptionString>(stream.namespace_, lower_string);
  out.columns = lower_list<ListCatalogColumn>(stream.columns, lower_column);
  out.primary_key = lower_list<ListString>(stream.primary_key, lower_string);
  out.cursor_candidates = lower_list<ListString>(stream.cursor_candidates, lower_string);
  out.sync_modes = lower_list<ListSyncMode>(stream.sync_modes, lower_enum<protocol::SyncMode>);
  return out;
}

}  // namespace

String lower_string(std::string_view s) {
  String out{};
  if (s.empty()) return out;
  out.ptr = static_cast<uint8_t*>(checked_malloc(s.size()));
  std::memcpy(out.ptr, s.data(), s.size());
  out.len = s.size();
  return out;
}

ConnectorError lower_error(const protocol::ConnectorError& error) {
  ConnectorError out{};
  out.category = lower_enum(error.category);
  out.scope = lower_enum(error.scope);
  out.code = lower_string(error.code);
  out.message = lower_string(error.message);
  out.retryable = error.retryable;
  out.retry_after_ms = lower_option<OptionU64>(error.retry_after_ms, [](uint64_t v) { return v; });
  out.backoff_class = lower_enum(error.backoff_class);
  out.safe_to_retry = error.safe_to_retry;
  out.commit_state = lower_enum(error.commit_state);
  out.details = lower_list<ListDetail>(error.details, [](const protocol::Detail& d) {
    return Detail{lower_string(d.key), lower_string(d.value)};
  });
  return out;
}

ValidationReport lower_validation_report(const protocol::ValidationReport& report) {
  return {lower_enum(report.status), lower_list<ListValidationCheck>(report.checks, lower_check)};
}

RunSummary lower_run_summary(const protocol::RunSummary& summary) {
  RunSummary out{};
  out.role = lower_enum(summary.role);
  out.read.is_some = summary.read.has_value();
  if (summary.read) {
    const auto& r = *summary.read;
    out.read.val = {r.records, r.bytes, r.batches, r.checkpoints};
  }
  out.write.is_some = summary.write.has_value();
  if (summary.write) {
    const auto& w = *summary.write;
    out.write.val = {w.records_written, w.bytes_written, w.batches, w.records_failed,
                     w.checkpoints};
  }
  out.transform.is_some = summary.transform.has_value();
  if (summary.transform) {
    const auto& t = *summary.transform;
    out.transform.val = {t.records_in, t.records_out, t.bytes_in,
                         t.bytes_out,  t.batches_in,  t.batches_out};
  }
  out.catalog.is_some = summary.catalog.has_value();
  if (summary.catalog) {
    out.catalog.val.streams = lower_list<ListCatalogStream>(summary.catalog->streams, lower_stream);
  }
  return out;
}

CheckpointInfo lower_checkpoint(const protocol::CheckpointInfo& info) {
  CheckpointInfo out{};
  out.kind = lower_enum(info.kind);
  out.stream_name = lower_string(info.stream_name);
  out.cursor_field = lower_option<OptionString>(info.cursor_field, lower_string);
  out.cursor_value = lower_option<OptionCursorValue>(info.cursor_value, lower_cursor);
  out.records = info.records;
  out.bytes = info.bytes;
  return out;
}

MetricSample lower_metric(const protocol::MetricSample& sample) {
  namespace kind = protocol::metric_kind;
  MetricSample out{};
  out.name = lower_string(sample.name);
  out.value.tag = static_cast<uint8_t>(sample.value.index());
  switch (sample.value.index()) {
    case kind::kCounter:
      out.value.val.counter = std::get<kind::kCounter>(sample.value);
      break;
    case kind::kGauge:
      out.value.val.gauge = std::get<kind::kGauge>(sample.value);
      break;
    case kind::kHistogram:
      out.value.val.histogram = std::get<kind::kHistogram>(sample.value);
      break;
  }
  out.labels = lower_list<ListMetricLabel>(sample.labels, [](const protocol::MetricLabel& l) {
    return MetricLabel{lower_string(l.key), lower_string(l.value)};
  });
  return out;
}

DlqRecord lower_dlq(const protocol::DlqRecord& entry) {
  return {lower_string(entry.stream_name), lower_string(entry.record_json),
          lower_error(entry.error)};
}

String borrow_string(std::string_view s) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(s.data())), s.size()};
}

ListU8 borrow_bytes(std::span<const uint8_t> bytes) {
  return {const_cast<uint8_t*>(bytes.data()), bytes.size()};
}

}  // namespace rapidbyte::sdk::abi
