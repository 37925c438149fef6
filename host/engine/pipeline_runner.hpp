// Runs a pipeline: every stream as its own chain of stages (source, each
// transform, destination), each stage on its own thread in its own wasmtime
// store, joined by bounded queues of Arrow IPC batches. Streams run in
// parallel up to `resources.parallelism`. A failing stage cancels its own
// stream; other streams go on.
#pragma once

#include "host/engine/connector_catalog.hpp"
#include "host/engine/pipeline_config.hpp"
#include "host/engine/run_report.hpp"
#include "host/engine/state_store.hpp"

namespace rapidbyte::engine {

class PipelineRunner {
 public:
  // REQUIRES: all three outlive the runner.
  PipelineRunner(const runtime::WasmEngine& engine, const ConnectorCatalog& catalog,
                 StateStore& state)
      : engine_(engine), catalog_(catalog), state_(state) {}

  // Resolves every connector first (so a typo fails before anything runs),
  // then runs all streams. A resolution failure is an error; stage failures
  // are reported in the RunReport.
  std::expected<RunReport, std::string> run(const PipelineConfig& pipeline) const;

 private:
  const runtime::WasmEngine& engine_;
  const ConnectorCatalog& catalog_;
  StateStore& state_;
};

}  // namespace rapidbyte::engine
