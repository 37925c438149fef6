// The engine's non-running commands: `check` (configs, manifests and each
// connector's own validate), `discover` (the source's catalog) and
// `teardown` (the source releases what it created for the streams, e.g.
// replication slots). Both start
// each connector in its sandbox exactly as a run would, with null data paths.
#pragma once

#include <string>
#include <vector>

#include "host/engine/check_line.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/stage_host.hpp"
#include "host/runtime/connector_instance.hpp"
#include "host/runtime/host_services.hpp"

namespace rapidbyte::engine {

// One connector started outside a run's stage threads (check, discover,
// teardown, a partitioned stream's plan): its own services with no data
// path, opened in its sandbox exactly as a run opens it.
struct StartedConnector {
  StageReport report;
  std::unique_ptr<StageServices> services;
  std::unique_ptr<StageHost> host;
  std::unique_ptr<runtime::ConnectorInstance> instance;
};

// `stream`: the stream the connector works on, which its log lines name
// (none: the pipeline's); `stop` ends its work.
runtime::ConnectorResult<std::unique_ptr<StartedConnector>> start_connector(
    const runtime::WasmEngine& engine, StateBackend& state, const PipelineConfig& pipeline,
    const PipelineRunner::StagePlan& plan, spdlog::logger* log, const std::string& stream = {},
    std::stop_token stop = {});

// Checks every connector of the pipeline: config against its schema, then
// open and validate in the sandbox; then resolves the streams against the
// catalog the source discovers (resolve_streams), plans the slices of each
// partitioned stream that resolved (a read-only snapshot), binds the transforms
// of each stream that resolved against its schema (a dry run reading no
// rows). One line per check; never stops early.
std::vector<CheckLine> check_pipeline(const runtime::WasmEngine& engine,
                                      const ConnectorCatalog& catalog, StateBackend& state,
                                      const PipelineConfig& pipeline,
                                      const std::shared_ptr<spdlog::logger>& log = stderr_log());

// Runs the source's discover phase for the pipeline's streams.
runtime::ConnectorResult<protocol::Catalog> discover_catalog(
    const runtime::WasmEngine& engine, const ConnectorCatalog& catalog, StateBackend& state,
    const PipelineConfig& pipeline, const std::shared_ptr<spdlog::logger>& log = stderr_log());

// The pipeline with its stream patterns (StreamConfig::is_pattern) expanded
// against the catalog the source discovers (expand_stream_patterns); the
// pipeline as it is when it has none. A pattern that matches nothing is a
// schema error STREAM_PATTERN (exit code 1, as a stream the source does not
// have).
runtime::ConnectorResult<PipelineConfig> resolve_stream_patterns(
    const runtime::WasmEngine& engine, const ConnectorCatalog& catalog, StateBackend& state,
    const PipelineConfig& pipeline, const std::shared_ptr<spdlog::logger>& log = stderr_log());

// Runs the source's teardown phase for the pipeline's streams, then forgets
// every cursor and all connector state of the pipeline (forget_pipeline_state),
// also of streams no longer in its file: the next run starts from scratch.
// Run history and dead letters stay. Refused while a run of the pipeline
// holds its lease.
runtime::ConnectorResult<void> teardown_pipeline(
    const runtime::WasmEngine& engine, const ConnectorCatalog& catalog, StateBackend& state,
    const PipelineConfig& pipeline, const std::shared_ptr<spdlog::logger>& log = stderr_log());

}  // namespace rapidbyte::engine
