#include "host/engine/pipeline_probe.hpp"

#include <spdlog/sinks/null_sink.h>

#include "host/engine/partitioned_read.hpp"
#include "host/engine/pipeline_state.hpp"
#include "host/engine/stage_host.hpp"
#include "host/engine/stream_resolution.hpp"
#include "host/runtime/connector_errors.hpp"
#include "host/runtime/connector_instance.hpp"
#include "portable/base/try.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {

namespace {

namespace p = rapidbyte::protocol;

// A whole-pipeline phase of the source (discover, teardown), with every
// stream of the pipeline.
p::RunRequest source_phase_request(const PipelineConfig& pipeline, p::RunPhase phase) {
  p::RunRequest request;
  request.phase = phase;
  for (const auto& stream : pipeline.streams)
    request.streams.push_back(stream_context(pipeline, stream));
  return request;
}

// The catalog of a discover's summary.
runtime::ConnectorResult<p::Catalog> catalog_of(runtime::ConnectorResult<p::RunSummary> summary) {
  if (!summary) return std::unexpected(std::move(summary).error());
  if (!summary->catalog) {
    return std::unexpected(runtime::make_error(p::ErrorCategory::kInternal, "NO_CATALOG",
                                               "the source returned no catalog from discover"));
  }
  return std::move(*summary->catalog);
}

// The check lines of one stream's dry run into the destination: a failed
// read or transform, or the transforms passed and then the destination's
// verdict on its target,
// one line per line of its error (a destination reports every problem it
// finds, one per line).
std::vector<CheckLine> schema_lines(const StreamReport& stream, size_t transform_count) {
  const std::string subject = "stream " + stream.stream;
  const StageReport* failed = stream.failed_stage();
  const bool destination_failed = failed && failed->role == p::ConnectorRole::kDestination;
  if (failed && !destination_failed) {
    const char* check = failed->role == p::ConnectorRole::kTransform ? "transforms" : "read";
    return {{subject, check, p::CheckStatus::kFailed, stream.error_text()}};
  }
  std::vector<CheckLine> lines;
  if (transform_count > 0) {
    lines.push_back({subject, "transforms", p::CheckStatus::kPassed,
                     "its schema passes " + std::to_string(transform_count) +
                         (transform_count == 1 ? " transform" : " transforms")});
  }
  if (!destination_failed) {
    lines.push_back({subject, "destination", p::CheckStatus::kPassed,
                     "its schema fits " + stream.stages.back().connector_id + "'s target"});
    return lines;
  }
  std::string_view message = failed->error->message;
  while (!message.empty()) {
    const size_t end = std::min(message.find('\n'), message.size());
    lines.push_back({subject, "destination", p::CheckStatus::kFailed,
                     failed->connector_id + ": " + std::string(message.substr(0, end))});
    message.remove_prefix(std::min(end + 1, message.size()));
  }
  return lines;
}

// Whether check found stream `name` already failing (it did not resolve):
// later checks of it are left out, its lines say why already.
bool stream_failed(const std::vector<CheckLine>& so_far, const std::string& name) {
  return std::ranges::any_of(so_far, [&](const CheckLine& line) {
    return line.status == p::CheckStatus::kFailed && line.subject == "stream " + name;
  });
}

// Each stream's schema carried through the pipeline without a row: a dry
// run that reads no rows (a source sends an empty read's schema) through
// the transforms into the destination's write phase, which in a dry run
// compares the schema with its target and changes nothing. So a query naming
// a column the stream lacks, a rule on a column of the wrong type, or a
// target column of another type fails here rather than in the run. Streams
// that did not resolve are left out (their lines say why already).
std::vector<CheckLine> bind_schemas(const PipelineRunner& runner, PipelineConfig pipeline,
                                    const std::vector<CheckLine>& so_far) {
  std::erase_if(pipeline.streams,
                [&](const StreamConfig& stream) { return stream_failed(so_far, stream.name); });
  if (pipeline.streams.empty()) return {};
  RunOptions options;
  options.dry_run_limit = 0;
  options.dry_run_destination = true;
  // Its failures are the lines below, not log output.
  options.log =
      std::make_shared<spdlog::logger>("check", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto report = runner.run(pipeline, options);
  if (!report) return {{"pipeline", "schemas", p::CheckStatus::kFailed, report.error().message}};
  std::vector<CheckLine> lines;
  for (const StreamReport& stream : report->streams) {
    std::ranges::move(schema_lines(stream, pipeline.transforms.size()), std::back_inserter(lines));
  }
  return lines;
}

// Plans the slices of every partitioned stream that resolved, with the
// source `instance`, as a run would: one line each, "N slices" or the
// source's reason (a key of a type it cannot split, a view without a key).
std::vector<CheckLine> partition_lines(runtime::ConnectorInstance& instance,
                                       const PipelineConfig& pipeline,
                                       const std::vector<CheckLine>& so_far) {
  std::vector<CheckLine> lines;
  for (const StreamConfig& stream : pipeline.streams) {
    if (partition_count(pipeline, stream) <= 1) continue;
    if (stream_failed(so_far, stream.name)) continue;
    const std::string subject = "stream " + stream.name;
    p::RunRequest run = plan_request(pipeline, stream);
    run.dry_run = true;  // a cdc stream's plan then makes no slot
    auto planned = instance.run(run);
    if (!planned) {
      lines.push_back({subject, "partitions", p::CheckStatus::kFailed, planned.error().message});
    } else {
      const p::Partition& request = *run.streams.back().partition;
      lines.push_back({subject, "partitions", p::CheckStatus::kPassed,
                       std::to_string(planned->partitions.size()) + " slices by " +
                           (request.key ? *request.mode + " of " + *request.key : "heap pages")});
    }
  }
  return lines;
}

std::string subject_of(const PipelineRunner::StagePlan& plan) {
  return std::string(protocol::role_name(plan.module->role)) + " " + plan.module->manifest.id;
}

}  // namespace

runtime::ConnectorResult<std::unique_ptr<StartedConnector>> start_connector(
    const runtime::WasmEngine& engine, StateBackend& state, const PipelineConfig& pipeline,
    const PipelineRunner::StagePlan& plan, spdlog::logger* log, const std::string& stream,
    std::stop_token stop) {
  auto probe = std::make_unique<StartedConnector>();
  probe->report.connector_id = plan.module->manifest.id;
  probe->report.role = plan.module->role;
  StageServices::Wiring wiring{
      pipeline.pipeline, stream, 0, plan.module->role, nullptr, nullptr, &state, nullptr, log};
  probe->services = std::make_unique<StageServices>(wiring, &probe->report);
  probe->host = std::make_unique<StageHost>(std::vector<StageServices*>{probe->services.get()});
  auto instance = runtime::ConnectorInstance::create(
      engine, plan.module, probe->host.get(),
      sandbox_for(*plan.module, plan.config, pipeline.resources, std::move(stop)));
  if (!instance) return std::unexpected(instance.error());
  probe->instance = std::move(*instance);
  RB_TRY(probe->instance->open(plan.config.config_json));
  return probe;
}

std::vector<CheckLine> check_pipeline(const runtime::WasmEngine& engine,
                                      const ConnectorCatalog& catalog, StateBackend& state,
                                      const PipelineConfig& pipeline,
                                      const std::shared_ptr<spdlog::logger>& log) {
  std::vector<CheckLine> lines;
  PipelineRunner runner(engine, catalog, state);
  auto plans = runner.plan(pipeline);
  if (!plans) {
    lines.push_back({"pipeline", "connectors and configs", p::CheckStatus::kFailed, plans.error(),
                     /*invalid_pipeline=*/true});
    return lines;
  }
  lines.push_back({"pipeline", "connectors and configs", p::CheckStatus::kPassed, ""});
  for (const auto& plan : *plans) {
    const std::string subject = subject_of(plan);
    auto probe = start_connector(engine, state, pipeline, plan, log.get());
    if (!probe) {
      lines.push_back({subject, "open", p::CheckStatus::kFailed, probe.error().message});
      continue;
    }
    lines.push_back({subject, "open", p::CheckStatus::kPassed, ""});
    auto report = (*probe)->instance->validate();
    if (!report) {
      lines.push_back({subject, "validate", p::CheckStatus::kFailed, report.error().message});
    } else {
      if (report->checks.empty()) lines.push_back({subject, "validate", report->status, ""});
      for (const auto& c : report->checks) lines.push_back({subject, c.name, c.status, c.message});
    }
    if (plan.module->role == p::ConnectorRole::kSource) {
      auto found = catalog_of(
          (*probe)->instance->run(source_phase_request(pipeline, p::RunPhase::kDiscover)));
      if (!found) {
        lines.push_back({subject, "discover", p::CheckStatus::kFailed, found.error().message});
      } else {
        std::ranges::move(resolve_streams(pipeline, *found), std::back_inserter(lines));
        std::ranges::move(partition_lines(*(*probe)->instance, pipeline, lines),
                          std::back_inserter(lines));
      }
    }
    (void)(*probe)->instance->close();
  }
  std::ranges::move(bind_schemas(runner, pipeline, lines), std::back_inserter(lines));
  return lines;
}

namespace {

// Runs one whole-pipeline phase of the source (discover, teardown) with
// every stream of the pipeline.
runtime::ConnectorResult<p::RunSummary> run_source_phase(const runtime::WasmEngine& engine,
                                                         const ConnectorCatalog& catalog,
                                                         StateBackend& state,
                                                         const PipelineConfig& pipeline,
                                                         p::RunPhase phase, spdlog::logger* log) {
  PipelineRunner runner(engine, catalog, state);
  auto plans = runner.plan(pipeline);
  if (!plans) {
    return std::unexpected(
        runtime::make_error(p::ErrorCategory::kConfig, "PIPELINE", plans.error()));
  }
  const auto& source = plans->front();
  RB_ASSIGN_OR_RETURN(auto probe, start_connector(engine, state, pipeline, source, log));
  auto summary = probe->instance->run(source_phase_request(pipeline, phase));
  if (!summary) return std::unexpected(summary.error());
  (void)probe->instance->close();
  return summary;
}

}  // namespace

runtime::ConnectorResult<p::Catalog> discover_catalog(const runtime::WasmEngine& engine,
                                                      const ConnectorCatalog& catalog,
                                                      StateBackend& state,
                                                      const PipelineConfig& pipeline,
                                                      const std::shared_ptr<spdlog::logger>& log) {
  return catalog_of(
      run_source_phase(engine, catalog, state, pipeline, p::RunPhase::kDiscover, log.get()));
}

runtime::ConnectorResult<PipelineConfig> resolve_stream_patterns(
    const runtime::WasmEngine& engine, const ConnectorCatalog& catalog, StateBackend& state,
    const PipelineConfig& pipeline, const std::shared_ptr<spdlog::logger>& log) {
  if (std::ranges::none_of(pipeline.streams, &StreamConfig::is_pattern)) return pipeline;
  PipelineConfig named = pipeline;
  std::erase_if(named.streams, [](const StreamConfig& s) { return s.is_pattern(); });
  RB_ASSIGN_OR_RETURN(p::Catalog found, discover_catalog(engine, catalog, state, named, log));
  auto expanded = expand_stream_patterns(pipeline, found);
  if (!expanded) {
    return std::unexpected(
        runtime::make_error(p::ErrorCategory::kSchema, "STREAM_PATTERN", expanded.error()));
  }
  return std::move(*expanded);
}

runtime::ConnectorResult<void> teardown_pipeline(const runtime::WasmEngine& engine,
                                                 const ConnectorCatalog& catalog,
                                                 StateBackend& state,
                                                 const PipelineConfig& pipeline,
                                                 const std::shared_ptr<spdlog::logger>& log) {
  // Not while the pipeline runs: its slot is in use, and it would write the
  // cursors cleared here again.
  auto lease = state.acquire_lease(pipeline.pipeline);
  if (!lease) return std::unexpected(connector_error(std::move(lease).error()));
  auto summary =
      run_source_phase(engine, catalog, state, pipeline, p::RunPhase::kTeardown, log.get());
  if (!summary) return std::unexpected(summary.error());
  // Every cursor and all connector state goes, also of streams no longer in
  // the file: a cdc cursor is a position in the slot just dropped (without
  // it the next run takes a new snapshot instead of failing with
  // SLOT_MISSING), and an incremental one would resume a pipeline the
  // operator meant to start over.
  if (auto forgotten = forget_pipeline_state(state, pipeline.pipeline, std::nullopt); !forgotten) {
    return std::unexpected(connector_error(std::move(forgotten).error()));
  }
  return {};
}

}  // namespace rapidbyte::engine
