// What a pipeline run produced: per stream, per stage, the connector's own
// summary, its metrics, checkpoints and error; and the totals the CLI prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/run_status.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

struct StageReport {
  std::string connector_id;
  protocol::ConnectorRole role = protocol::ConnectorRole::kSource;
  std::optional<protocol::RunSummary> summary;
  // The latest sample of each metric (name and labels), in the order each
  // was first reported.
  std::vector<protocol::MetricSample> metrics;
  // Counts, not the checkpoints themselves: a cdc stream left running
  // checkpoints every few seconds for weeks.
  uint64_t checkpoints = 0;
  // Source checkpoints (routed to this stream) and the records they cover.
  uint64_t source_checkpoints = 0;
  uint64_t source_checkpoint_records = 0;
  uint64_t batches_emitted = 0;
  uint64_t bytes_emitted = 0;
  uint64_t dlq_records = 0;
  uint64_t metrics_dropped = 0;  // past the stage's bound (StageServices)
  // Source checkpoints the destination confirmed (destination stage only).
  uint64_t committed_checkpoints = 0;
  // Destination stage: records its commits confirmed (the sum of its
  // checkpoints' counts), and whether it committed batches past the cursor
  // persisted last — which a retry would deliver again.
  uint64_t committed_records = 0;
  bool committed_past_cursor = false;
  // A source's checkpoint while it planned slices (phase plan): the cursor
  // the stream has once every slice is read.
  std::optional<protocol::CheckpointInfo> plan_checkpoint;
  std::optional<protocol::ConnectorError> error;

  // The value of counter metric `name`, if the connector reported one.
  std::optional<uint64_t> counter(const std::string& name) const;
};

// How a metric is named in reports: its name, plus its labels in the order
// given when it has any, e.g. "validation_failures{column=email,rule=regex}".
std::string metric_key(const protocol::MetricSample& sample);

struct PartitionReport;

struct StreamReport {
  std::string stream;
  std::vector<StageReport> stages;  // source, transforms..., destination (last attempt)
  uint32_t attempts = 1;
  // Records the destination committed in attempts before the last one.
  uint64_t earlier_committed_records = 0;
  // A partitioned stream: `stages` hold only a failure to plan its slices
  // or to finalize them; each slice this run read has its own report here
  // (index order), and the accessors below sum or search them. Slices an
  // earlier run finished are not read again (resumed).
  std::vector<PartitionReport> partitions;
  std::vector<uint32_t> finished_earlier;
  // A stream read in two parts in one run (a cdc stream's partitioned
  // snapshot, then its changes): `later`'s stages follow this report's. An
  // empty report becomes `later`.
  void follow_with(StreamReport later);
  bool succeeded() const;
  // The stage whose error ended the stream: the first stage error that is
  // not a cancellation caused by another stage; null when it succeeded.
  const StageReport* failed_stage() const;
  // That stage's error; null when the stream succeeded.
  const protocol::ConnectorError* root_error() const;
  // "<connector>: <message>" of that error, so a reader knows which stage
  // failed; empty when the stream succeeded.
  std::string error_text() const;
  // Records the destination committed over all attempts: the last attempt's
  // records written (or, when it failed, committed), plus the earlier
  // attempts' committed records. Without a destination (a dry run), what
  // the source read.
  uint64_t records() const;
  uint64_t bytes() const;
  // Records routed to the dead-letter queue by any stage.
  uint64_t dead_letters() const;
};

// One slice of a partitioned stream: its report (stages, attempts) and how
// long it took, every attempt included.
struct PartitionReport {
  uint32_t index = 0;
  uint32_t count = 1;
  StreamReport report;
  std::chrono::nanoseconds duration{0};
};

// "0, 2, 5": slice indices, for messages and summaries.
std::string index_list(const std::vector<uint32_t>& indices);

struct RunReport {
  std::string pipeline;
  int64_t run_id = 0;
  std::vector<StreamReport> streams;
  std::chrono::nanoseconds duration{0};
  bool cancelled = false;
  // Every stream succeeded (also when there are none).
  bool succeeded() const;
  // How the run ended: cancelled (a stop was requested), succeeded, partial
  // (some streams succeeded, others failed) or failed. What the run history
  // records, the summary prints and the exit code follows.
  RunStatus status() const;
  // "<stream>: <connector>: <message>" of the first failed stream, empty on
  // success.
  std::string first_error() const;
  uint64_t records() const;
  uint64_t bytes() const;
  uint64_t dead_letters() const;
};

}  // namespace rapidbyte::engine
