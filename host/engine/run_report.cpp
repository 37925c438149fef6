#include "host/engine/run_report.hpp"

#include "host/runtime/connector_errors.hpp"

#include <algorithm>
#include <ranges>

#include "portable/base/join.hpp"

namespace rapidbyte::engine {

std::optional<uint64_t> StageReport::counter(const std::string& name) const {
  for (auto it = metrics.rbegin(); it != metrics.rend(); ++it) {
    if (it->name == name && it->value.index() == protocol::metric_kind::kCounter) {
      return std::get<protocol::metric_kind::kCounter>(it->value);
    }
  }
  return std::nullopt;
}

std::string metric_key(const protocol::MetricSample& sample) {
  std::string key = sample.name;
  if (sample.labels.empty()) return key;
  key += '{';
  for (size_t i = 0; i < sample.labels.size(); ++i) {
    if (i) key += ',';
    key += sample.labels[i].key + "=" + sample.labels[i].value;
  }
  return key + '}';
}

std::string index_list(const std::vector<uint32_t>& indices) {
  return join(indices | std::views::transform([](uint32_t i) { return std::to_string(i); }));
}

void StreamReport::follow_with(StreamReport later) {
  if (stream.empty() && stages.empty() && partitions.empty()) {
    *this = std::move(later);
    return;
  }
  for (StageReport& stage : later.stages) stages.push_back(std::move(stage));
  attempts = std::max(attempts, later.attempts);
  earlier_committed_records += later.earlier_committed_records;
}

bool StreamReport::succeeded() const {
  return std::ranges::none_of(stages, [](const StageReport& s) { return s.error.has_value(); }) &&
         std::ranges::all_of(partitions,
                             [](const PartitionReport& p) { return p.report.succeeded(); });
}

const StageReport* StreamReport::failed_stage() const {
  const StageReport* cancelled = nullptr;
  for (const auto& stage : stages) {
    if (!stage.error) continue;
    if (!runtime::is_cancellation(*stage.error)) return &stage;
    cancelled = &stage;
  }
  for (const auto& partition : partitions) {
    const StageReport* failed = partition.report.failed_stage();
    if (!failed) continue;
    if (!runtime::is_cancellation(*failed->error)) return failed;
    if (!cancelled) cancelled = failed;
  }
  return cancelled;
}

const protocol::ConnectorError* StreamReport::root_error() const {
  const StageReport* stage = failed_stage();
  return stage ? &*stage->error : nullptr;
}

std::string StreamReport::error_text() const {
  const StageReport* stage = failed_stage();
  if (!stage) return {};
  return stage->connector_id + ": " + stage->error->message;
}

uint64_t StreamReport::records() const {
  // The slices' records, and those of the stages (a cdc stream's changes
  // after its partitioned snapshot; a failure to plan or finalize slices
  // has none).
  uint64_t n = 0;
  for (const auto& p : partitions) n += p.report.records();
  if (stages.empty()) return n;
  const auto& dest = stages.back();
  if (dest.role == protocol::ConnectorRole::kDestination) {
    const uint64_t last = dest.summary && dest.summary->write ? dest.summary->write->records_written
                                                              : dest.committed_records;
    return n + earlier_committed_records + last;
  }
  const auto& source = stages.front();
  if (source.summary && source.summary->read) return n + source.summary->read->records;
  return n;
}

uint64_t StreamReport::bytes() const {
  // Bytes that left the source: the Arrow IPC volume of the stream.
  uint64_t n = stages.empty() ? 0 : stages.front().bytes_emitted;
  for (const auto& p : partitions) n += p.report.bytes();
  return n;
}

uint64_t StreamReport::dead_letters() const {
  uint64_t n = 0;
  for (const auto& stage : stages) n += stage.dlq_records;
  for (const auto& p : partitions) n += p.report.dead_letters();
  return n;
}

bool RunReport::succeeded() const {
  return std::ranges::all_of(streams, [](const StreamReport& s) { return s.succeeded(); });
}

RunStatus RunReport::status() const {
  if (cancelled) return RunStatus::kCancelled;
  if (succeeded()) return RunStatus::kSucceeded;
  const bool some =
      std::ranges::any_of(streams, [](const StreamReport& s) { return s.succeeded(); });
  return some ? RunStatus::kPartial : RunStatus::kFailed;
}

std::string RunReport::first_error() const {
  for (const auto& s : streams) {
    if (s.failed_stage()) return s.stream + ": " + s.error_text();
  }
  return {};
}

uint64_t RunReport::records() const {
  uint64_t n = 0;
  for (const auto& s : streams) n += s.records();
  return n;
}

uint64_t RunReport::bytes() const {
  uint64_t n = 0;
  for (const auto& s : streams) n += s.bytes();
  return n;
}

}  // namespace rapidbyte::engine

namespace rapidbyte::engine {

uint64_t RunReport::dead_letters() const {
  uint64_t n = 0;
  for (const auto& s : streams) n += s.dead_letters();
  return n;
}

}  // namespace rapidbyte::engine
