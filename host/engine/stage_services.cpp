#include "host/engine/stage_services.hpp"

#include <spdlog/spdlog.h>

#include "host/engine/state/state_keys.hpp"
#include "host/runtime/connector_errors.hpp"
#include "portable/arrow/ipc_census.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::engine {

namespace p = rapidbyte::protocol;

void StageServices::log(p::LogLevel level, std::string_view message) {
  static constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::trace,
                                                          spdlog::level::debug, spdlog::level::info,
                                                          spdlog::level::warn, spdlog::level::err};
  const auto now = std::chrono::steady_clock::now();
  if (now - log_window_ >= std::chrono::seconds(1)) {
    if (log_dropped_ > 0) {
      wiring_.log->warn("[{}/{}] {} log lines dropped: more than {} a second", wiring_.stream,
                        report_->connector_id, log_dropped_, kMaxLogLinesPerSecond);
    }
    log_window_ = now;
    log_lines_ = 0;
    log_dropped_ = 0;
  }
  if (++log_lines_ > kMaxLogLinesPerSecond) {
    ++log_dropped_;
    return;
  }
  if (message.size() > kMaxLogLine) {
    // Cut before a code point, not inside one, so that the line stays UTF-8.
    size_t cut = kMaxLogLine;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
    wiring_.log->log(kLevels[static_cast<size_t>(level)], "[{}/{}] {}... ({} more bytes dropped)",
                     wiring_.stream, report_->connector_id, message.substr(0, cut),
                     message.size() - cut);
    return;
  }
  wiring_.log->log(kLevels[static_cast<size_t>(level)], "[{}/{}] {}", wiring_.stream,
                   report_->connector_id, message);
}

void StageServices::checkpoint(p::CheckpointInfo info) {
  wiring_.log->debug("[{}/{}] checkpoint after {} records", wiring_.stream, report_->connector_id,
                     info.records);
  ++report_->checkpoints;
  if (info.kind == p::CheckpointKind::kSource) {
    ++report_->source_checkpoints;
    report_->source_checkpoint_records += info.records;
  }
  if (info.kind == p::CheckpointKind::kSource && wiring_.progress) {
    wiring_.progress->records.fetch_add(info.records, std::memory_order_relaxed);
  }
  if (info.kind == p::CheckpointKind::kSource && wiring_.output) {
    // In-band, behind the batches it covers. A cancelled queue means the run
    // is ending anyway; the checkpoint is simply not committed.
    if (wiring_.output->push(std::move(info))) pass(FaultPoint::kSourceCheckpoint);
  } else if (info.kind == p::CheckpointKind::kSource && wiring_.role == p::ConnectorRole::kSource) {
    // A source without a queue is planning slices: the cursor the stream
    // has once every slice is read (PartitionedRead keeps it).
    if (info.cursor_value) report_->plan_checkpoint = std::move(info);
  } else if (info.kind == p::CheckpointKind::kDestination &&
             wiring_.role == p::ConnectorRole::kDestination) {
    pass(FaultPoint::kDestinationCommit);
    report_->committed_records += info.records;
    if (auto r = commit_pending_checkpoints(); !r) deferred_error_ = r.error();
    // Everything received is committed now; a retry from the persisted
    // cursor would deliver the batches past it again.
    report_->committed_past_cursor = batches_received_ > batches_covered_;
  }
}

void StageServices::metric(p::MetricSample sample) {
  if (wiring_.progress && sample.value.index() == p::metric_kind::kGauge) {
    const double value = std::get<p::metric_kind::kGauge>(sample.value);
    if (sample.name == "replication_lag_bytes") {
      wiring_.progress->lag_bytes.store(static_cast<int64_t>(value), std::memory_order_relaxed);
    } else if (sample.name == "replication_lag_seconds") {
      wiring_.progress->lag_ms.store(static_cast<int64_t>(value * 1000), std::memory_order_relaxed);
    } else if (sample.name == "source_estimated_records") {
      wiring_.progress->estimated_rows.store(static_cast<int64_t>(value),
                                             std::memory_order_relaxed);
    }
  }
  // Connectors report current values (gauges) and cumulative ones
  // (counters): the newest sample of a metric replaces the last, so a
  // long-running stream does not accumulate samples.
  for (auto& m : report_->metrics) {
    if (m.name == sample.name && m.labels == sample.labels) {
      m = std::move(sample);
      return;
    }
  }
  size_t key_bytes = sample.name.size();
  for (const auto& label : sample.labels) key_bytes += label.key.size() + label.value.size();
  if (report_->metrics.size() < kMaxMetricSeries && key_bytes <= kMaxMetricKeyBytes) {
    report_->metrics.push_back(std::move(sample));
    return;
  }
  if (report_->metrics_dropped++ == 0) {
    wiring_.log->warn(
        "[{}/{}] metric samples dropped: a stage keeps at most {} metrics, each named in at most "
        "{} bytes (name and labels); the run's report counts what was dropped",
        wiring_.stream, report_->connector_id, kMaxMetricSeries, kMaxMetricKeyBytes);
  }
}

void StageServices::dlq(p::DlqRecord record) {
  ++report_->dlq_records;
  // A transform or destination stage serves one stream: its letters are
  // that stream's, whatever the guest calls it (a destination knows it by
  // its destination_table).
  if (wiring_.role != p::ConnectorRole::kSource) record.stream_name = wiring_.stream;
  // The guest's message: cut and rate-limited like its log.
  log(p::LogLevel::kWarn, "dead letter: " + record.error.message);
  if (wiring_.dry_run) return;
  dead_letter_bytes_ += record.record_json.size() + record.error.message.size();
  dead_letters_.push_back({wiring_.pipeline, wiring_.run_id, std::move(record)});
  if (dead_letters_.size() >= kDeadLetterBuffer || dead_letter_bytes_ >= kDeadLetterBufferBytes) {
    if (auto r = flush_dead_letters(); !r) deferred_error_ = r.error();
  }
}

runtime::ConnectorResult<void> StageServices::batch_emit(std::vector<uint8_t> ipc_stream) {
  if (deferred_error_) return std::unexpected(*deferred_error_);
  if (!wiring_.output) {
    return std::unexpected(runtime::make_error(p::ErrorCategory::kInternal, "NO_DOWNSTREAM",
                                               "a destination cannot emit batches"));
  }
  const uint64_t size = ipc_stream.size();
  if (wiring_.max_batch_bytes > 0 && size > wiring_.max_batch_bytes) {
    return std::unexpected(runtime::make_error(
        p::ErrorCategory::kData, "BATCH_TOO_LARGE",
        "connector '" + report_->connector_id + "' emitted a batch of " + std::to_string(size) +
            " bytes for stream '" + wiring_.stream + "'; the limit is " +
            std::to_string(wiring_.max_batch_bytes) +
            " (resources.max_batch_bytes plus max_record_bytes, for a batch of one large row)"));
  }
  // Rows as they flow, for the progress display: from the metadata only
  // (whoever decodes the batch validates it; a census that fails counts
  // nothing here).
  const uint64_t rows =
      wiring_.progress && wiring_.role == p::ConnectorRole::kSource
          ? arrow::census_ipc_stream(ipc_stream).value_or(arrow::IpcStreamCensus{}).rows
          : 0;
  if (!wiring_.output->push(std::move(ipc_stream)))
    return std::unexpected(runtime::cancelled_error());
  if (wiring_.role == p::ConnectorRole::kSource) pass(FaultPoint::kSourceBatch);
  ++report_->batches_emitted;
  report_->bytes_emitted += size;
  if (wiring_.progress && wiring_.role == p::ConnectorRole::kSource) {
    wiring_.progress->batches.fetch_add(1, std::memory_order_relaxed);
    wiring_.progress->bytes.fetch_add(size, std::memory_order_relaxed);
    wiring_.progress->rows.fetch_add(rows, std::memory_order_relaxed);
  }
  return {};
}

runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> StageServices::batch_next() {
  if (!wiring_.input) return std::nullopt;
  while (auto item = wiring_.input->pop()) {
    if (auto* batch = std::get_if<BatchQueue::Batch>(&*item)) {
      ++batches_received_;
      return std::move(*batch);
    }
    take_checkpoint(std::get<p::CheckpointInfo>(std::move(*item)));
  }
  if (wiring_.input->cancelled()) return std::unexpected(runtime::cancelled_error());
  return std::nullopt;
}

bool StageServices::batch_ready(std::chrono::milliseconds timeout) {
  if (!wiring_.input) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!wiring_.input->wait_until(deadline)) return false;
    auto checkpoint = wiring_.input->pop_checkpoint();
    if (!checkpoint) return true;  // a batch, or the end of the input
    take_checkpoint(std::move(*checkpoint));
  }
}

void StageServices::take_checkpoint(p::CheckpointInfo checkpoint) {
  if (wiring_.output) {
    // A cancelled queue means the run is ending anyway.
    (void)wiring_.output->push(std::move(checkpoint));
  } else {
    ++pending_count_;
    if (checkpoint.cursor_value)
      newest_pending_ = Pending{std::move(checkpoint), batches_received_};
  }
}

runtime::ConnectorResult<std::optional<p::CursorValue>> StageServices::committed_cursor() {
  // The state backend is the truth: the destination's stage writes the
  // cursor there only after its commit, whichever thread runs it.
  auto stored = wiring_.state->cursor(wiring_.pipeline, wiring_.stream);
  if (!stored) return std::unexpected(connector_error(stored.error()));
  if (!*stored) return std::optional<p::CursorValue>();
  return std::optional<p::CursorValue>((*stored)->value);
}

runtime::ConnectorResult<void> StageServices::commit_pending_checkpoints() {
  // The newest cursor wins; older ones are covered by it.
  // A slice's cursor is not the stream's: the stream's is committed once
  // every slice is done (PartitionedRead::finish).
  if (newest_pending_ && !wiring_.dry_run && !wiring_.slice) {
    const p::CheckpointInfo& newest = newest_pending_->checkpoint;
    auto stored = wiring_.state->set_cursor(
        wiring_.pipeline, wiring_.stream, StoredCursor{newest.cursor_field, *newest.cursor_value});
    if (!stored) return std::unexpected(connector_error(stored.error()));
    batches_covered_ = newest_pending_->batches_before;
    pass(FaultPoint::kCursorPersisted);
  }
  report_->committed_checkpoints += pending_count_;
  pending_count_ = 0;
  newest_pending_.reset();
  return {};
}

runtime::ConnectorResult<void> StageServices::flush_dead_letters() {
  if (dead_letters_.empty()) return {};
  auto r = wiring_.state->add_dead_letters(dead_letters_);
  dead_letters_.clear();
  dead_letter_bytes_ = 0;
  if (!r) return std::unexpected(connector_error(r.error()));
  return {};
}

runtime::ConnectorResult<void> StageServices::finish() {
  if (deferred_error_) return std::unexpected(*deferred_error_);
  RB_TRY(flush_dead_letters());
  if (wiring_.role == p::ConnectorRole::kDestination) return commit_pending_checkpoints();
  return {};
}

std::string StageServices::state_key(p::StateScope scope, const std::string& key) const {
  const std::string& owner =
      scope == p::StateScope::kPerStream ? wiring_.stream : report_->connector_id;
  return connector_state_key(wiring_.pipeline, scope, owner, key);
}

runtime::ConnectorResult<std::optional<std::string>> StageServices::state_get(
    p::StateScope scope, const std::string& key) {
  auto r = wiring_.state->get(state_key(scope, key));
  if (!r) return std::unexpected(connector_error(r.error()));
  return *r;
}

runtime::ConnectorResult<void> StageServices::state_put(p::StateScope scope, const std::string& key,
                                                        const std::string& value) {
  auto r = wiring_.state->put(state_key(scope, key), value);
  if (!r) return std::unexpected(connector_error(r.error()));
  return {};
}

runtime::ConnectorResult<bool> StageServices::state_cas(p::StateScope scope, const std::string& key,
                                                        const std::optional<std::string>& expected,
                                                        const std::string& new_value) {
  auto r = wiring_.state->compare_and_set(state_key(scope, key), expected, new_value);
  if (!r) return std::unexpected(connector_error(r.error()));
  return *r;
}

}  // namespace rapidbyte::engine
