// A pipeline run split into steps that separate processes carry out, so an
// orchestrator can spread a partitioned stream's slices over workers:
//
//   plan      records the slices of every stream that is split (as a run
//             would plan them: a stream whose earlier plan was left
//             unfinished keeps it, with its finished slices) and holds their
//             snapshot while the slices run;
//   slices    each `rapidbyte run --stream S --partition I` (RunOptions::slice),
//             in the held snapshot, under a lease of that slice only;
//   whole     the streams not split, `rapidbyte run --stream ...`;
//   finalize  once every slice of a stream is done, publishes the stream
//             (replace's swap, append's insert) and commits its cursor.
//
// Every step is safe to repeat: a slice done already is not read again, a
// slice's rows commit once (the destination's ledger), and a finalized
// stream has no plan left to finalize. A slice of a superseded plan is
// refused (SliceAssignment::generation). Cdc streams are not split across
// processes: their plan is `whole`.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "host/engine/partitioned_read.hpp"

namespace rapidbyte::engine {

// `pipeline` with only the streams named (`run --stream`), in the file's
// order. Fails naming a stream the file does not have (with a close name),
// and when some but not all cdc streams are named: they share one
// replication slot, confirmed only as far as every one of them committed.
std::expected<PipelineConfig, std::string> select_streams(const PipelineConfig& pipeline,
                                                          const std::vector<std::string>& names);

// What the plan step decided for one stream.
struct PlannedStream {
  std::string stream;
  protocol::SyncMode sync_mode = protocol::SyncMode::kFullRefresh;
  // Absent: the stream is read whole (not partitioned, not its first read,
  // or cdc).
  std::optional<uint32_t> count;
  uint64_t generation = 0;
  std::vector<uint32_t> to_read;
  std::vector<uint32_t> finished_earlier;
  // The held snapshot the slices read in (absent when the source has none).
  std::optional<std::string> snapshot;
  // Why the stream cannot be planned (it fails, as in a run; the other
  // streams go on), and the connector that said so.
  std::optional<protocol::ConnectorError> error;
  std::string error_connector;
};

class SplitPlan {
 public:
  SplitPlan() = default;
  SplitPlan(SplitPlan&&) noexcept = default;
  SplitPlan& operator=(SplitPlan&&) noexcept = default;

  // Plans every stream of `pipeline` under its lease, which is let go once
  // the plan is recorded (the slices take leases of their own). The
  // snapshots stay held until release() or destruction. A stream that
  // cannot be planned has its error in streams(); the others are planned.
  static std::expected<SplitPlan, EngineError> make(
      const PipelineRunner& runner, const runtime::WasmEngine& engine, StateBackend& state,
      const PipelineConfig& pipeline, spdlog::logger* log, const std::stop_token& stop);

  const std::vector<PlannedStream>& streams() const { return streams_; }
  int64_t run_id() const { return run_id_; }

  // {"pipeline":..,"run_id":..,"streams":[{"stream":..,"sync_mode":..,
  //  ["error":..,"error_code":..,"error_connector":..,]
  //  "partitions":4|null,"generation":..,"to_read":[..],"finished_earlier":[..],
  //  "snapshot":..}]}
  std::string to_json(const std::string& pipeline) const;

  // Ends the held snapshots.
  void release() { reads_.clear(); }

 private:
  int64_t run_id_ = 0;
  std::vector<PlannedStream> streams_;
  std::vector<PartitionedRead> reads_;
};

// The finalize step for the partitioned streams of `pipeline` (every one
// with a recorded plan, or only `stream`): each whose slices are all done
// is finished; one with unfinished slices fails, naming them. Runs under
// the pipeline's lease. A stream without a recorded plan has nothing to
// finalize and is not in the report.
std::expected<RunReport, EngineError> finalize_split_run(
    const PipelineRunner& runner, const runtime::WasmEngine& engine, StateBackend& state,
    const PipelineConfig& pipeline, spdlog::logger* log, const std::stop_token& stop);

}  // namespace rapidbyte::engine
