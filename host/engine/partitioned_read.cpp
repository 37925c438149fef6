#include "host/engine/partitioned_read.hpp"

#include <algorithm>

#include "host/runtime/connector_errors.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::engine {

namespace p = rapidbyte::protocol;

p::RunRequest plan_request(const PipelineConfig& pipeline, const StreamConfig& stream) {
  p::Partition request;
  request.count = partition_count(pipeline, stream);
  request.at_most = stream.auto_partitions;
  request.key = stream.partition_key;
  if (stream.partition_key) request.mode = pipeline.resources.partition_mode;
  p::RunRequest run;
  run.phase = p::RunPhase::kPlan;
  run.streams.push_back(stream_context(pipeline, stream));
  run.streams.back().partition = std::move(request);
  return run;
}

bool PartitionedRead::restarts_when_resumed(const StreamConfig& stream) {
  return !stream.partition_key && stream.sync_mode != p::SyncMode::kIncremental;
}

runtime::ConnectorResult<PartitionedRead> PartitionedRead::plan(
    const runtime::WasmEngine& engine, StateBackend& state, const PipelineConfig& pipeline,
    const PipelineRunner::StagePlan& source_plan, const StreamConfig& stream, int64_t run_id,
    spdlog::logger* log, std::stop_token stop) {
  p::RunRequest run = plan_request(pipeline, stream);
  const p::Partition& request = *run.streams.front().partition;
  auto stored = PartitionProgress::load(state, pipeline.pipeline, stream.name);
  if (!stored) return std::unexpected(connector_error(std::move(stored).error()));
  const p::WriteMode write_mode = write_mode_of(pipeline, stream);
  const bool same_plan = *stored && (*stored)->matches(request, write_mode, stream.sync_mode);
  const bool resumable = same_plan && (!restarts_when_resumed(stream) || (*stored)->all_done());
  if (resumable && stream.sync_mode == p::SyncMode::kCdc && (*stored)->cursor) {
    // The plan of resumed cdc slices checks that the changes after their
    // cursor are still there to read (the slot, the publication).
    run.streams.front().last_cursor_value = (*stored)->cursor->value;
  }
  PartitionedRead read;
  RB_ASSIGN_OR_RETURN(read.coordinator_, start_connector(engine, state, pipeline, source_plan, log,
                                                         stream.name, std::move(stop)));
  RB_ASSIGN_OR_RETURN(p::RunSummary summary, read.coordinator_->instance->run(run));
  std::vector<p::Partition>& planned = summary.partitions;
  const size_t count = planned.size();
  bool in_order = request.at_most ? count >= 1 && count <= request.count : count == request.count;
  for (uint32_t i = 0; in_order && i < count; ++i) {
    in_order = planned[i].index == i && planned[i].count == count;
  }
  if (!in_order) {
    return std::unexpected(runtime::make_error(
        p::ErrorCategory::kInternal, "BAD_PLAN",
        "source '" + source_plan.module->manifest.id + "' planned " + std::to_string(count) +
            " slices of stream '" + stream.name + "' for " + (request.at_most ? "at most " : "") +
            std::to_string(request.count) + " partitions"));
  }

  if (same_plan && !resumable) {
    log->info(
        "[{}] starting the stream's {} slices over: slices of heap pages are not resumed in a "
        "new snapshot, where rows may have moved between pages (set partition_key to resume "
        "by key ranges)",
        stream.name, request.count);
  }
  if (resumable) {
    read.progress_ = std::move(**stored);
  } else {
    read.progress_.generation = static_cast<uint64_t>(run_id);
    read.progress_.write_mode = write_mode;
    read.progress_.sync_mode = stream.sync_mode;
    if (const auto& planned_cursor = read.coordinator_->report.plan_checkpoint) {
      read.progress_.cursor =
          StoredCursor{planned_cursor->cursor_field, *planned_cursor->cursor_value};
    }
    for (const p::Partition& slice : planned) {
      p::Partition kept = slice;
      kept.snapshot.reset();  // it dies with this run
      kept.generation = read.progress_.generation;
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
  const uint64_t generation = progress_.generation;
  RB_ASSIGN_OR_RETURN(bool recorded, progress_.record_done(state, pipeline, stream, index));
  if (recorded) return {};
  return std::unexpected(StateError::unusable(
      "slice " + std::to_string(index) + " of stream '" + stream + "' is not recorded done: plan " +
      std::to_string(generation) + " of the stream was superseded by a newer plan"));
}

namespace {

auto refusal(const StreamConfig& stream, const char* code, const std::string& message) {
  return std::unexpected(runtime::make_error(p::ErrorCategory::kConfig, code,
                                             "stream '" + stream.name + "': " + message));
}

}  // namespace

runtime::ConnectorResult<PartitionedRead> PartitionedRead::recorded(
    StateBackend& state, const PipelineConfig& pipeline, const StreamConfig& stream,
    std::optional<uint64_t> generation) {
  if (stream.sync_mode == p::SyncMode::kCdc) {
    return refusal(stream, "SLICE_REFUSED",
                   "a cdc stream's snapshot is split by `rapidbyte run` only, not slice by slice");
  }
  auto stored = PartitionProgress::load(state, pipeline.pipeline, stream.name);
  if (!stored) return std::unexpected(connector_error(std::move(stored).error()));
  if (!*stored) {
    return refusal(stream, "PLAN_MISSING",
                   "no plan of its slices is recorded (`rapidbyte plan` records one; `rapidbyte "
                   "finalize` forgets it)");
  }
  PartitionProgress& progress = **stored;
  if (generation && *generation != progress.generation) {
    return refusal(stream, "PLAN_SUPERSEDED",
                   "plan " + std::to_string(*generation) + " was superseded by plan " +
                       std::to_string(progress.generation));
  }
  const p::Partition request = *plan_request(pipeline, stream).streams.front().partition;
  if (!progress.matches(request, write_mode_of(pipeline, stream), stream.sync_mode)) {
    return refusal(stream, "PLAN_STALE",
                   "the recorded plan of its slices was made for other settings (partitions, "
                   "partition_key, partition_mode, write_mode or sync_mode): plan again");
  }
  PartitionedRead read;
  read.finishes_ = false;
  read.progress_ = std::move(progress);
  read.finished_earlier_ = read.progress_.done;
  return read;
}

runtime::ConnectorResult<PartitionedRead> PartitionedRead::assigned(StateBackend& state,
                                                                    const PipelineConfig& pipeline,
                                                                    const StreamConfig& stream,
                                                                    const SliceAssignment& slice) {
  RB_ASSIGN_OR_RETURN(PartitionedRead read, recorded(state, pipeline, stream, slice.generation));
  if (slice.index >= read.count()) {
    return refusal(stream, "BAD_PARTITION",
                   "partition " + std::to_string(slice.index) + " is not one of its " +
                       std::to_string(read.count()) + " slices");
  }
  if (!slice.snapshot && restarts_when_resumed(stream)) {
    return refusal(stream, "SNAPSHOT_REQUIRED",
                   "slices of heap pages are read in the plan's snapshot only (--snapshot), "
                   "where no row has moved between pages (set partition_key to read slices in "
                   "snapshots of their own)");
  }
  if (!read.progress_.is_done(slice.index)) {
    p::Partition next = read.progress_.slices[slice.index];
    next.snapshot = slice.snapshot;
    read.to_read_.push_back(std::move(next));
  }
  return read;
}

runtime::ConnectorResult<void> PartitionedRead::finish(
    const runtime::WasmEngine& engine, StateBackend& state, const PipelineConfig& pipeline,
    const PipelineRunner::StagePlan& destination_plan, const StreamConfig& stream,
    spdlog::logger* log, std::stop_token stop) {
  if (progress_.write_mode != p::WriteMode::kUpsert || stream.sync_mode == p::SyncMode::kCdc) {
    RB_ASSIGN_OR_RETURN(auto destination, start_connector(engine, state, pipeline, destination_plan,
                                                          log, stream.name, std::move(stop)));
    p::RunRequest run;
    run.phase = p::RunPhase::kFinalize;
    run.streams.push_back(stream_context(pipeline, stream));
    run.streams.back().stream_name = stream.destination_name();
    p::Partition all = progress_.slices.front();
    all.index = 0;
    all.slice.reset();
    run.streams.back().partition = std::move(all);
    RB_TRY(destination->instance->run(run));
    RB_TRY(destination->instance->close());
  }
  // The cursor before the record: a crash between the two leaves a record
  // that the next run, finding the cursor, reads whole and forgets
  // (plan_work in pipeline_runner.cpp).
  if (progress_.cursor) {
    if (auto stored = state.set_cursor(pipeline.pipeline, stream.name, *progress_.cursor); !stored)
      return std::unexpected(connector_error(std::move(stored).error()));
  }
  if (auto forgotten = PartitionProgress::forget(state, pipeline.pipeline, stream.name);
      !forgotten) {
    return std::unexpected(connector_error(std::move(forgotten).error()));
  }
  return {};
}

void PartitionedRead::release() {
  if (!coordinator_) return;
  (void)coordinator_->instance->close();
  coordinator_.reset();
}

}  // namespace rapidbyte::engine
