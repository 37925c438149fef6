#include "host/engine/partitioned_read.hpp"

#include <algorithm>

#include "host/runtime/connector_errors.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::engine {

namespace p = rapidbyte::protocol;

runtime::ConnectorResult<PartitionedRead> PartitionedRead::plan(
    const runtime::WasmEngine& engine, StateBackend& state, const PipelineConfig& pipeline,
    const PipelineRunner::StagePlan& source_plan, const StreamConfig& stream, spdlog::logger* log) {
  p::Partition request;
  request.count = partition_count(pipeline, stream);
  request.key = stream.partition_key;
  if (stream.partition_key) request.mode = pipeline.resources.partition_mode;

  PartitionedRead read;
  RB_ASSIGN_OR_RETURN(read.coordinator_,
                      start_connector(engine, state, pipeline, source_plan, log));
  p::RunRequest run;
  run.phase = p::RunPhase::kPlan;
  run.streams.push_back(stream_context(pipeline, stream));
  run.streams.back().partition = request;
  RB_ASSIGN_OR_RETURN(p::RunSummary summary, read.coordinator_->instance->run(run));
  std::vector<p::Partition>& planned = summary.partitions;
  bool in_order = planned.size() == request.count;
  for (uint32_t i = 0; in_order && i < planned.size(); ++i) {
    in_order = planned[i].index == i && planned[i].count == request.count;
  }
  if (!in_order) {
    return std::unexpected(runtime::make_error(p::ErrorCategory::kInternal, "BAD_PLAN",
                                               "source '" + source_plan.module->manifest.id +
                                                   "' planned " + std::to_string(planned.size()) +
                                                   " slices of stream '" + stream.name + "' for " +
                                                   std::to_string(request.count) + " partitions"));
  }

  auto stored = PartitionProgress::load(state, pipeline.pipeline, stream.name);
  if (!stored) return std::unexpected(connector_error(std::move(stored).error()));
  if (*stored && (*stored)->matches(request)) {
    read.progress_ = std::move(**stored);
  } else {
    for (const p::Partition& slice : planned) {
      p::Partition kept = slice;
      kept.snapshot.reset();  // it dies with this run
      read.progress_.slices.push_back(std::move(kept));
    }
    if (auto saved = read.progress_.save(state, pipeline.pipeline, stream.name); !saved)
      return std::unexpected(connector_error(std::move(saved).error()));
  }
  for (const p::Partition& slice : read.progress_.slices) {
    if (read.progress_.is_done(slice.index)) {
      read.finished_earlier_.push_back(slice.index);
      continue;
    }
    p::Partition next = slice;
    next.snapshot = planned[slice.index].snapshot;
    read.to_read_.push_back(std::move(next));
  }
  return read;
}

StateResult<void> PartitionedRead::mark_done(StateBackend& state, const std::string& pipeline,
                                             const std::string& stream, uint32_t index) {
  if (!progress_.is_done(index)) {
    progress_.done.insert(std::ranges::upper_bound(progress_.done, index), index);
  }
  if (progress_.done.size() == progress_.slices.size())
    return PartitionProgress::forget(state, pipeline, stream);
  return progress_.save(state, pipeline, stream);
}

void PartitionedRead::release() {
  if (!coordinator_) return;
  (void)coordinator_->instance->close();
  coordinator_.reset();
}

}  // namespace rapidbyte::engine
