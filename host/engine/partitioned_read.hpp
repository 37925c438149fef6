// A partitioned stream's read in one run: the source's plan of its slices
// (one exported snapshot), which of them this run reads, and the source
// instance whose open transaction keeps the snapshot importable.
//
// Resume rule: when an earlier run of the pipeline left the stream's slices
// unfinished (PartitionProgress) and planned them for the same count, key,
// mode and write mode, this run reads only the unfinished ones, with the
// earlier slices, in the new plan's snapshot. The finished slices' rows are
// committed already; an unfinished slice committed none (append and
// replace slices commit once, at their end) or part, which upsert absorbs.
//
// Slices of heap pages are bounded by where rows were at the plan: an
// update since then may move a row from an unfinished slice's pages into a
// finished one's, where no resumed slice reads it. So a full refresh split
// by pages is not resumed but started over (a new generation): upsert
// absorbs the rows read again, and the staging table of replace and append
// starts over, the target untouched. Key slices (partition_key) do not
// depend on where rows are, only on the key, which a row is expected to
// keep. An incremental stream's resumed slices skip every row changed since
// the plan (its cursor is past the plan's), so no row moved since is read,
// and its next run reads them.
//
// Replace and append: every slice writes into one staging table of the
// destination, which the destination's `finalize` publishes once every
// slice is done (finish): replace swaps it in, append appends its rows, so
// readers see the target as it was until the whole stream is there. The
// slices share the plan's generation, which the destination keys the
// staging table and its record of committed slices by; a slice that an
// earlier attempt committed is not written twice.
//
// Incremental: only a stream's first read is partitioned. The source's plan
// gives the cursor the stream has once every slice is read, kept in the
// record; finish() commits it, so a killed run never leaves a cursor that
// unfinished slices would have needed.
//
// Cdc: only a stream's initial snapshot is partitioned, in the snapshot of
// a replication slot; the plan's cursor is that slot's LSN, where the
// stream's changes begin (the pipeline's slot, made before it, keeps them
// until the changes are read). Upsert slices each begin with the
// snapshot's reset row, which the destination applies once per generation,
// and finalize lets go of what it kept for that. Resumed key slices read
// rows newer than the cursor, which the changes after it then replay onto
// them by key, ending where the source is; heap-page slices start over
// (see above: a row moved meanwhile may have only a partial update after
// the cursor, which cannot recreate it).
#pragma once

#include <memory>
#include <stop_token>
#include <vector>

#include "host/engine/partition_progress.hpp"
#include "host/engine/pipeline_probe.hpp"

namespace rapidbyte::engine {

// The request of a source's plan of `stream`: its partition count, its
// partition_key and, with a key, resources.partition_mode.
protocol::RunRequest plan_request(const PipelineConfig& pipeline, const StreamConfig& stream);

class PartitionedRead {
 public:
  PartitionedRead() = default;
  PartitionedRead(PartitionedRead&&) noexcept = default;
  PartitionedRead& operator=(PartitionedRead&&) noexcept = default;
  ~PartitionedRead() { release(); }

  // Plans `stream` of `pipeline` with the source of `source_plan`; a new
  // set of slices is generation `run_id`. The plan of a cdc stream's
  // resumed slices carries their cursor (last_cursor_value). `stop` ends
  // the source's work.
  static runtime::ConnectorResult<PartitionedRead> plan(
      const runtime::WasmEngine& engine, StateBackend& state, const PipelineConfig& pipeline,
      const PipelineRunner::StagePlan& source_plan, const StreamConfig& stream, int64_t run_id,
      spdlog::logger* log, std::stop_token stop);

  // Slice `slice.index` of the plan an earlier process recorded for
  // `stream` (`rapidbyte plan`), for a process that runs that slice only:
  // nothing is planned, and finish() is left to the process that finalizes
  // the stream. The slice is read in `slice.snapshot` when given (the
  // plan's, still held), else in a snapshot of its own, which only streams
  // that resume slices allow (restarts_when_resumed). A slice done already
  // is not read again (to_read() is empty). Fails as recorded() does, and
  // for a slice the plan does not have.
  // The plan an earlier process recorded for `stream` as it stands (of
  // `generation`, when given), for the process that finalizes the stream or
  // runs one of its slices (assigned): finished_earlier() lists the slices
  // done. Fails naming the stream when no plan is recorded, when it is
  // another generation's or no longer fits the stream's settings, and for
  // cdc streams.
  static runtime::ConnectorResult<PartitionedRead> recorded(StateBackend& state,
                                                            const PipelineConfig& pipeline,
                                                            const StreamConfig& stream,
                                                            std::optional<uint64_t> generation);
  static runtime::ConnectorResult<PartitionedRead> assigned(StateBackend& state,
                                                            const PipelineConfig& pipeline,
                                                            const StreamConfig& stream,
                                                            const SliceAssignment& slice);

  // The slices this run reads, each with the snapshot, in index order.
  const std::vector<protocol::Partition>& to_read() const { return to_read_; }
  // Slices an earlier run finished, which this run does not read again.
  const std::vector<uint32_t>& finished_earlier() const { return finished_earlier_; }
  uint32_t count() const { return static_cast<uint32_t>(progress_.slices.size()); }
  uint64_t generation() const { return progress_.generation; }
  // Whether this run finishes the stream when its last slice is done (not
  // when it runs an assigned slice).
  bool finishes() const { return finishes_; }

  // Whether unfinished slices of `stream` are started over rather than
  // resumed (the resume rule above).
  static bool restarts_when_resumed(const StreamConfig& stream);

  // Records that slice `index` is committed (PartitionProgress::record_done:
  // other processes may record other slices at once). Fails when a newer
  // plan of the stream superseded this one.
  StateResult<void> mark_done(StateBackend& state, const std::string& pipeline,
                              const std::string& stream, uint32_t index);
  bool all_done() const { return progress_.all_done(); }

  // Once every slice is done: the destination of `destination_plan`
  // finalizes the stream (publishes the staging table of replace and
  // append, releases a cdc snapshot's reset; other upserts have nothing to
  // finalize), the plan's cursor is committed, then the record of the
  // slices is forgotten.
  runtime::ConnectorResult<void> finish(const runtime::WasmEngine& engine, StateBackend& state,
                                        const PipelineConfig& pipeline,
                                        const PipelineRunner::StagePlan& destination_plan,
                                        const StreamConfig& stream, spdlog::logger* log,
                                        std::stop_token stop);

  // Ends the plan's snapshot: the source closes the connection holding it.
  // Call once every slice has started reading (the destructor does too).
  void release();

 private:
  std::unique_ptr<StartedConnector> coordinator_;
  PartitionProgress progress_;
  std::vector<protocol::Partition> to_read_;
  std::vector<uint32_t> finished_earlier_;
  bool finishes_ = true;
};

}  // namespace rapidbyte::engine
