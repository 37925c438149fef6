// Runs a pipeline: every stream as its own chain of stages (source, each
// transform, destination), each stage on its own thread in its own wasmtime
// store, joined by bounded queues of Arrow IPC batches. Full-refresh and
// incremental streams run in parallel up to `resources.parallelism`, each
// with a source of its own; the cdc streams share one source read (one
// replication slot) that routes each batch to its stream's chain, and run
// at once. A failing stage cancels its own stream (for cdc, every cdc
// stream); other streams go on.
#pragma once

#include <spdlog/logger.h>

#include <functional>
#include <optional>

#include "host/engine/connector_catalog.hpp"
#include "host/engine/engine_error.hpp"
#include "host/engine/fault_points.hpp"
#include "host/engine/pipeline_config.hpp"
#include "host/engine/run_progress.hpp"
#include "host/engine/run_report.hpp"
#include "host/engine/state/state_backend.hpp"
#include "host/runtime/sandbox_policy.hpp"

namespace rapidbyte::engine {

// How one run is carried out, besides the pipeline itself.
// A logger of its own to stderr (not registered anywhere), for runs that
// are given none.
std::shared_ptr<spdlog::logger> stderr_log();

// One slice of a partitioned stream, for a run that is one of several
// processes carrying a pipeline run out (an orchestrator's activity): the
// slices were planned and recorded by `rapidbyte plan`, each process reads
// one, and `rapidbyte finalize` finishes the stream.
struct SliceAssignment {
  uint32_t index = 0;
  // The plan's snapshot, while the plan's process still holds it.
  std::optional<std::string> snapshot;
  // The plan the slice belongs to; a slice of a superseded plan is refused.
  std::optional<uint64_t> generation;
};

struct RunOptions {
  // Requesting stop cancels the run: guests are interrupted, queues are
  // cancelled, committed cursors stay committed, the run is recorded as
  // cancelled.
  std::stop_token stop;
  // Updated as the run goes, when given; must list the pipeline's streams.
  RunProgress* progress = nullptr;
  // A dry run: the source and transforms only, at most `dry_run_limit`
  // records per stream (passed to the source as max-records, and enforced
  // by the host on what reaches the preview: PreviewBudget), every batch
  // leaving the last stage handed to `preview`. Nothing is written and no
  // cursor, state or run record changes hands to the destination.
  std::optional<uint64_t> dry_run_limit;
  std::function<void(const std::string& stream, const std::vector<uint8_t>& ipc_stream)> preview;
  // A dry run into the destination instead of `preview` (check's schema
  // binding): the destination's write phase runs with dry-run set and
  // compares what reaches it with its target, changing nothing; its
  // checkpoints and dead letters are not persisted.
  bool dry_run_destination = false;
  // Where the run logs: stage logs, guest output, failures and retries.
  // REQUIRES: not null.
  std::shared_ptr<spdlog::logger> log = stderr_log();
  // When set, the pipeline has one stream, partitioned, and this run reads
  // only this slice of its recorded plan (PartitionedRead::assigned) under
  // a lease of that slice, not the pipeline's: other processes run the
  // other slices at the same time.
  std::optional<SliceAssignment> slice;
  // Test kill points (fault_points.hpp); none when null.
  const FaultPoints* faults = nullptr;
};

class PipelineRunner {
 public:
  // REQUIRES: all three outlive the runner.
  PipelineRunner(const runtime::WasmEngine& engine, const ConnectorCatalog& catalog,
                 StateBackend& state)
      : engine_(engine), catalog_(catalog), state_(state) {}

  // Resolves every connector first (so a typo fails before anything runs),
  // then runs all streams, recording the run and committed cursors in the
  // state backend. A connector or config that does not resolve, a lease
  // another run holds, or a state failure is an EngineError; stage failures
  // are reported in the RunReport.
  std::expected<RunReport, EngineError> run(const PipelineConfig& pipeline,
                                            const RunOptions& options = {}) const;

  // One stage of every stream: the module, its config, the phase it runs.
  struct StagePlan {
    std::shared_ptr<const runtime::ConnectorModule> module;
    // As the pipeline gives it, its config typed by the connector's schema
    // (check_config).
    ConnectorConfig config;
    protocol::RunPhase phase;
  };

  // Resolves every connector of `pipeline` and checks each config against
  // its manifest's JSON Schema. Lists every problem, each with file, line and
  // field.
  std::expected<std::vector<StagePlan>, std::string> plan(const PipelineConfig& pipeline) const;

 private:
  const runtime::WasmEngine& engine_;
  const ConnectorCatalog& catalog_;
  StateBackend& state_;
};

// The sandbox of one stage: the manifest's permissions, narrowed to what the
// pipeline gives (hosts named in the config, env vars that are set), and the
// pipeline's per-stage limits.
runtime::SandboxPolicy sandbox_for(const runtime::ConnectorModule& module,
                                   const ConnectorConfig& config, const ResourcesConfig& resources,
                                   std::stop_token stop = {});

// The stream context a stage receives for `stream`.
protocol::StreamContext stream_context(const PipelineConfig& pipeline, const StreamConfig& stream);

}  // namespace rapidbyte::engine
