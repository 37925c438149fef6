#include "host/engine/pipeline_runner.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "host/engine/stage_services.hpp"
#include "host/runtime/connector_instance.hpp"

namespace rapidbyte::engine {

namespace {

namespace p = rapidbyte::protocol;
using ModulePtr = std::shared_ptr<const runtime::ConnectorModule>;

struct StagePlan {
  ModulePtr module;
  const ConnectorConfig* config;
  p::RunPhase phase;
};

// The sandbox of one stage: the manifest's permissions, narrowed to what the
// pipeline gives (hosts named in the config, env vars that are set).
runtime::SandboxPolicy sandbox_for(const runtime::ConnectorModule& module,
                                   const ConnectorConfig& config,
                                   const ResourcesConfig& resources) {
  runtime::SandboxPolicy policy;
  policy.memory_limit_bytes = resources.stage_memory_mb << 20;
  policy.call_timeout = std::chrono::seconds(resources.stage_timeout_seconds);
  policy.allowed_hosts = module.manifest.network_hosts;
  if (!module.manifest.network_hosts_from_config.empty()) {
    rapidjson::Document doc;
    doc.Parse(config.config_json.c_str());
    for (const auto& field : module.manifest.network_hosts_from_config) {
      if (doc.IsObject() && doc.HasMember(field.c_str()) && doc[field.c_str()].IsString()) {
        policy.allowed_hosts.emplace_back(doc[field.c_str()].GetString());
      }
    }
  }
  for (const auto& name : module.manifest.env) {
    if (const char* value = std::getenv(name.c_str())) policy.env.emplace_back(name, value);
  }
  return policy;
}

p::StreamContext stream_context(const PipelineConfig& pipeline, const StreamConfig& stream) {
  p::StreamContext ctx;
  ctx.stream_name = stream.name;
  ctx.sync_mode = stream.sync_mode;
  ctx.selected_columns = stream.columns;
  ctx.cursor_field = stream.cursor_field;
  ctx.primary_key = !pipeline.primary_key.empty() ? pipeline.primary_key : stream.primary_key;
  ctx.write_mode = pipeline.write_mode;
  const auto& r = pipeline.resources;
  ctx.limits.max_batch_bytes = r.max_batch_bytes;
  ctx.limits.max_inflight_batches = r.max_inflight_batches;
  ctx.limits.checkpoint_interval_bytes = r.checkpoint_interval_bytes;
  ctx.limits.checkpoint_interval_rows = r.checkpoint_interval_rows;
  ctx.limits.checkpoint_interval_seconds = r.checkpoint_interval_seconds;
  return ctx;
}

bool is_cancellation(const p::ConnectorError& e) {
  return e.code == "CANCELLED";
}

// Runs one stage to completion on the calling thread.
void run_stage(const runtime::WasmEngine& engine, const PipelineConfig& pipeline,
               const StagePlan& plan, const p::StreamContext& context, StageServices::Wiring wiring,
               StageReport& report, const std::function<void()>& cancel_stream) {
  StageServices services(wiring, &report);
  auto fail = [&](p::ConnectorError e) {
    // A stage that stops because another one failed keeps the cancellation
    // as its error, so the report shows the root cause first.
    if (!is_cancellation(e)) {
      spdlog::error("[{}/{}] {}", context.stream_name, report.connector_id, e.message);
    }
    report.error = std::move(e);
    cancel_stream();
  };
  auto instance = runtime::ConnectorInstance::create(
      engine, plan.module, &services, sandbox_for(*plan.module, *plan.config, pipeline.resources));
  if (!instance) return fail(instance.error());
  if (auto session = (*instance)->open(plan.config->config_json); !session)
    return fail(session.error());

  p::RunRequest request;
  request.phase = plan.phase;
  request.streams.push_back(context);
  auto summary = (*instance)->run(request);
  if (!summary) return fail(summary.error());
  report.summary = std::move(*summary);
  if (auto closed = (*instance)->close(); !closed) return fail(closed.error());
  if (wiring.output) wiring.output->close();
}

StreamReport run_stream(const runtime::WasmEngine& engine, const PipelineConfig& pipeline,
                        const std::vector<StagePlan>& plans, const StreamConfig& stream,
                        StateStore& state) {
  StreamReport report;
  report.stream = stream.name;
  report.stages.resize(plans.size());
  std::vector<std::unique_ptr<BatchQueue>> queues;
  for (size_t i = 0; i + 1 < plans.size(); ++i) {
    queues.push_back(std::make_unique<BatchQueue>(pipeline.resources.max_inflight_batches));
  }
  auto cancel_stream = [&] {
    for (auto& q : queues) q->cancel();
  };
  const p::StreamContext context = stream_context(pipeline, stream);
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < plans.size(); ++i) {
      report.stages[i].connector_id = plans[i].module->manifest.id;
      report.stages[i].role = plans[i].module->role;
      StageServices::Wiring wiring{pipeline.pipeline, stream.name,
                                   i > 0 ? queues[i - 1].get() : nullptr,
                                   i + 1 < plans.size() ? queues[i].get() : nullptr, &state};
      threads.emplace_back([&, i, wiring] {
        run_stage(engine, pipeline, plans[i], context, wiring, report.stages[i], cancel_stream);
      });
    }
  }  // joins every stage
  return report;
}

}  // namespace

std::expected<RunReport, std::string> PipelineRunner::run(const PipelineConfig& pipeline) const {
  auto where = [&](const ConnectorConfig& c) {
    return pipeline.file.string() + ":" + std::to_string(c.line) + ": ";
  };
  std::vector<StagePlan> plans;
  auto source = catalog_.find(pipeline.source.use, p::ConnectorRole::kSource);
  if (!source) return std::unexpected(where(pipeline.source) + "source.use: " + source.error());
  plans.push_back({*source, &pipeline.source, p::RunPhase::kRead});
  for (size_t i = 0; i < pipeline.transforms.size(); ++i) {
    const auto& t = pipeline.transforms[i];
    auto module = catalog_.find(t.use, p::ConnectorRole::kTransform);
    if (!module)
      return std::unexpected(where(t) + "transforms[" + std::to_string(i) +
                             "].use: " + module.error());
    plans.push_back({*module, &t, p::RunPhase::kTransform});
  }
  auto dest = catalog_.find(pipeline.destination.use, p::ConnectorRole::kDestination);
  if (!dest)
    return std::unexpected(where(pipeline.destination) + "destination.use: " + dest.error());
  plans.push_back({*dest, &pipeline.destination, p::RunPhase::kWrite});

  RunReport report;
  report.pipeline = pipeline.pipeline;
  report.streams.resize(pipeline.streams.size());
  const auto started = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  {
    std::vector<std::jthread> workers;
    const size_t width = std::min<size_t>(pipeline.resources.parallelism, pipeline.streams.size());
    for (size_t w = 0; w < width; ++w) {
      workers.emplace_back([&] {
        for (size_t i = next++; i < pipeline.streams.size(); i = next++) {
          report.streams[i] = run_stream(engine_, pipeline, plans, pipeline.streams[i], state_);
        }
      });
    }
  }
  report.duration = std::chrono::steady_clock::now() - started;
  return report;
}

}  // namespace rapidbyte::engine
