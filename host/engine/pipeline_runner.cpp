#include "host/engine/pipeline_runner.hpp"

#include <rapidjson/document.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "host/engine/config_validator.hpp"
#include "host/engine/filesystem_grants.hpp"
#include "host/engine/network_grants.hpp"
#include "host/engine/partitioned_read.hpp"
#include "host/engine/preview_budget.hpp"
#include "host/engine/snapshot_gate.hpp"
#include "host/engine/stage_host.hpp"
#include "host/runtime/connector_errors.hpp"
#include "host/runtime/connector_instance.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {

namespace {

namespace p = rapidbyte::protocol;
using ModulePtr = std::shared_ptr<const runtime::ConnectorModule>;

using StagePlan = PipelineRunner::StagePlan;

// What every stage of a run shares.
struct RunContext {
  const runtime::WasmEngine& engine;
  const PipelineConfig& pipeline;
  const std::vector<StagePlan>& plans;
  StateBackend& state;
  int64_t run_id;
  const RunOptions& options;
};

// The streams one run of a source serves: a single stream, or every cdc
// stream of the pipeline (one replication slot feeds them all), as indices
// into pipeline.streams. Each stream has its own transforms and destination.
using StreamGroup = std::vector<size_t>;

// What one worker runs at a time: a group of streams, or one slice of a
// partitioned stream (its group is that stream).
struct WorkUnit {
  StreamGroup group;
  std::optional<p::Partition> partition;
};

// What `pipeline` asks of a connector in `role` that its manifest does not
// list: a source's sync modes; a destination's write mode and, when its
// manifest lists sync modes, the streams' sync modes.
std::vector<std::string> unsupported_modes(const PipelineConfig& pipeline, p::ConnectorRole role,
                                           const runtime::Manifest& manifest) {
  std::vector<std::string> out;
  auto listed = [](const auto& modes) {
    std::string names;
    for (auto m : modes) names += (names.empty() ? "" : ", ") + std::string(p::mode_name(m));
    return names.empty() ? std::string("none") : names;
  };
  const bool source = role == p::ConnectorRole::kSource;
  if (source) {
    // An incremental read is ordered by the stream's cursor_field, unless
    // the connector keeps its position itself.
    const bool own_cursor = manifest.cursor == runtime::Manifest::Cursor::kConnector;
    for (size_t i = 0; i < pipeline.streams.size(); ++i) {
      const StreamConfig& stream = pipeline.streams[i];
      const std::string field =
          "streams[" + std::to_string(i) + "] ('" + stream.name + "').cursor_field";
      if (stream.sync_mode == p::SyncMode::kIncremental && !stream.cursor_field && !own_cursor) {
        out.push_back(field + ": required when sync_mode is incremental");
      } else if (stream.cursor_field && own_cursor) {
        out.push_back(field + ": connector '" + manifest.id +
                      "' keeps the position of an incremental read itself; remove cursor_field");
      }
    }
  }
  if (source || (role == p::ConnectorRole::kDestination && !manifest.sync_modes.empty())) {
    for (size_t i = 0; i < pipeline.streams.size(); ++i) {
      const p::SyncMode mode = pipeline.streams[i].sync_mode;
      if (std::ranges::find(manifest.sync_modes, mode) != manifest.sync_modes.end()) continue;
      out.push_back("streams[" + std::to_string(i) + "] ('" + pipeline.streams[i].name +
                    "'): connector '" + manifest.id + "' does not support sync_mode " +
                    std::string(p::mode_name(mode)) +
                    " (its manifest lists: " + listed(manifest.sync_modes) + ")");
    }
  }
  if (role == p::ConnectorRole::kDestination) {
    auto refuse = [&](const std::string& field, p::WriteMode mode) {
      if (std::ranges::find(manifest.write_modes, mode) != manifest.write_modes.end()) return;
      out.push_back(field + ": connector '" + manifest.id + "' does not support write_mode " +
                    std::string(p::mode_name(mode)) +
                    " (its manifest lists: " + listed(manifest.write_modes) + ")");
    };
    refuse("destination.write_mode", pipeline.write_mode);
    for (size_t i = 0; i < pipeline.streams.size(); ++i) {
      if (const auto& mode = pipeline.streams[i].write_mode) {
        refuse("streams[" + std::to_string(i) + "] ('" + pipeline.streams[i].name + "').write_mode",
               *mode);
      }
    }
  }
  return out;
}

// "a, b, c": the streams of a stage, for its log lines.
std::string stream_names(const std::vector<StageServices*>& services) {
  std::string out;
  for (const StageServices* s : services) out += (out.empty() ? "" : ", ") + s->stream();
  return out;
}

// What a source serving several streams read for one of them: the batches
// and checkpoints routed to it.
p::ReadSummary read_summary_of(const StageReport& report) {
  p::ReadSummary read;
  read.records = report.source_checkpoint_records;
  read.checkpoints = report.source_checkpoints;
  read.bytes = report.bytes_emitted;
  read.batches = report.batches_emitted;
  return read;
}

// Runs one stage to completion on the calling thread, for the streams of
// `services` (one, or a source's several) described by `contexts`.
void run_stage(const RunContext& run, const StagePlan& plan, std::vector<p::StreamContext> contexts,
               const std::vector<StageServices*>& services, std::stop_token stop,
               const std::function<void()>& cancel) {
  StageHost host(services);
  const std::stop_token stopped = stop;
  auto fail = [&](p::ConnectorError e) {
    // A stage that stops because another one failed keeps the cancellation
    // as its error, so the report shows the root cause first. A guest that
    // was stopped may say so in words of its own ("cannot end the snapshot:
    // the run was cancelled"): once the group is stopping, whatever a stage
    // fails with is a consequence.
    if (stopped.stop_requested()) e.code = runtime::cancelled_error().code;
    if (!runtime::is_cancellation(e)) {
      run.options.log->error("[{}/{}] {}", stream_names(services), plan.module->manifest.id,
                             e.message);
    }
    for (StageServices* s : services) s->report().error = e;
    cancel();
  };
  auto instance = runtime::ConnectorInstance::create(
      run.engine, plan.module, &host,
      sandbox_for(*plan.module, plan.config, run.pipeline.resources, std::move(stop)));
  if (!instance) return fail(instance.error());
  if (auto session = (*instance)->open(plan.config.config_json); !session) {
    return fail(session.error());
  }
  p::RunRequest request;
  request.phase = plan.phase;
  request.streams = std::move(contexts);
  request.dry_run = run.options.dry_run_limit.has_value();
  request.max_records = run.options.dry_run_limit;
  auto summary = (*instance)->run(request);
  if (!summary) return fail(summary.error());
  if (services.size() == 1) {
    services.front()->report().summary = std::move(*summary);
  } else {
    for (StageServices* s : services) {
      p::RunSummary own;
      own.role = summary->role;
      own.read = read_summary_of(s->report());
      s->report().summary = std::move(own);
    }
  }
  if (auto closed = (*instance)->close(); !closed) return fail(closed.error());
  if (auto finished = host.finish(); !finished) return fail(finished.error());
  for (StageServices* s : services) s->close_output();
}

// One attempt at a group of streams: the source on its own thread, and
// every later stage of every stream on its own, joined by queues. A failure
// anywhere cancels the whole group (its streams share the source).
std::vector<StreamReport> run_group_once(const RunContext& run, const WorkUnit& unit,
                                         RunProgress* progress) {
  const StreamGroup& group = unit.group;
  const auto& plans = run.plans;
  const size_t n = group.size();
  std::vector<StreamReport> reports(n);
  // In a dry run the last stage feeds one more queue, which the host drains
  // into the preview instead of a destination.
  const bool previewing = static_cast<bool>(run.options.preview);
  const size_t queue_count = plans.size() - (previewing ? 0 : 1);
  std::vector<std::vector<std::unique_ptr<BatchQueue>>> queues(n);
  for (size_t k = 0; k < n; ++k) {
    reports[k].stream = run.pipeline.streams[group[k]].name;
    reports[k].stages.resize(plans.size());
    for (size_t i = 0; i < plans.size(); ++i) {
      reports[k].stages[i].connector_id = plans[i].module->manifest.id;
      reports[k].stages[i].role = plans[i].module->role;
    }
    for (size_t i = 0; i < queue_count; ++i) {
      queues[k].push_back(
          std::make_unique<BatchQueue>(run.pipeline.resources.max_inflight_batches));
    }
  }
  // A failed stage stops the whole group: the queues, and every guest, also
  // one blocked in a host call (a socket read), at once.
  std::stop_source group_stop;
  auto cancel_group = [&] {
    group_stop.request_stop();
    for (auto& chain : queues) {
      for (auto& q : chain) q->cancel();
    }
  };
  std::stop_callback on_stop(run.options.stop, cancel_group);

  std::vector<p::StreamContext> contexts;
  for (size_t k = 0; k < n; ++k) {
    const StreamConfig& stream = run.pipeline.streams[group[k]];
    p::StreamContext context = stream_context(run.pipeline, stream);
    context.partition = unit.partition;
    if (stream.sync_mode != p::SyncMode::kFullRefresh) {
      // Resume after the last cursor the destination committed.
      auto cursor = run.state.cursor(run.pipeline.pipeline, stream.name);
      if (!cursor) {
        reports[k].stages[0].error = connector_error(std::move(cursor).error());
        return reports;
      }
      if (*cursor) context.last_cursor_value = (*cursor)->value;
    }
    contexts.push_back(std::move(context));
  }

  // services[k][i]: stage i of stream k.
  std::vector<std::vector<std::unique_ptr<StageServices>>> services(n);
  for (size_t k = 0; k < n; ++k) {
    for (size_t i = 0; i < plans.size(); ++i) {
      StageServices::Wiring wiring{
          run.pipeline.pipeline,
          reports[k].stream,
          run.run_id,
          plans[i].module->role,
          i > 0 ? queues[k][i - 1].get() : nullptr,
          i < queue_count ? queues[k][i].get() : nullptr,
          &run.state,
          progress ? &progress->stream(group[k]) : nullptr,
          run.options.log.get(),
          run.options.faults,
          run.pipeline.resources.max_batch_bytes + run.pipeline.resources.max_record_bytes,
          run.options.dry_run_limit.has_value(),
          unit.partition.has_value()};
      services[k].push_back(std::make_unique<StageServices>(wiring, &reports[k].stages[i]));
    }
  }
  std::vector<StageServices*> sources;
  for (auto& chain : services) sources.push_back(chain[0].get());
  {
    std::vector<std::jthread> threads;
    threads.emplace_back(
        [&] { run_stage(run, plans[0], contexts, sources, group_stop.get_token(), cancel_group); });
    for (size_t k = 0; k < n; ++k) {
      for (size_t i = 1; i < plans.size(); ++i) {
        threads.emplace_back([&, k, i] {
          p::StreamContext context = contexts[k];
          // The destination knows the stream by its destination_table.
          if (plans[i].module->role == p::ConnectorRole::kDestination) {
            context.stream_name = run.pipeline.streams[group[k]].destination_name();
          }
          run_stage(run, plans[i], {std::move(context)}, {services[k][i].get()},
                    group_stop.get_token(), cancel_group);
        });
      }
      if (previewing) {
        threads.emplace_back([&, k] {
          PreviewBudget budget(run.options.dry_run_limit.value_or(UINT64_MAX));
          while (auto item = queues[k].back()->pop()) {
            auto* batch = std::get_if<BatchQueue::Batch>(&*item);
            if (!batch) continue;
            if (auto kept = budget.take(*batch)) run.options.preview(reports[k].stream, *kept);
          }
        });
      }
    }
  }  // joins every stage
  return reports;
}

// The error that ended a group's attempt: the root error of its first
// failed stream; null when every stream succeeded.
const p::ConnectorError* group_error(const std::vector<StreamReport>& reports) {
  for (const auto& r : reports) {
    if (const p::ConnectorError* e = r.root_error()) return e;
  }
  return nullptr;
}

// With write_mode append, a stream whose destination committed batches past
// the persisted cursor (for a full refresh: any batch) would get them again
// from a retry, and keep both copies. Its name then; nullopt when a retry
// is exact.
std::optional<std::string> retry_would_duplicate(const PipelineConfig& pipeline,
                                                 const std::vector<StreamReport>& reports) {
  for (const auto& r : reports) {
    auto stream = std::ranges::find(pipeline.streams, r.stream, &StreamConfig::name);
    if (stream == pipeline.streams.end() ||
        write_mode_of(pipeline, *stream) != p::WriteMode::kAppend) {
      continue;
    }
    if (!r.stages.empty() && r.stages.back().committed_past_cursor) return r.stream;
  }
  return std::nullopt;
}

// Says in the root error why the attempt is the last one.
void refuse_retry(std::vector<StreamReport>& reports, const std::string& stream) {
  for (auto& r : reports) {
    for (auto& stage : r.stages) {
      if (!stage.error || runtime::is_cancellation(*stage.error)) continue;
      stage.error->message += "; not retried: the destination of stream '" + stream +
                              "' had already committed rows that a retry would append again "
                              "(write_mode append); use upsert or replace for retries that "
                              "cannot duplicate";
      return;
    }
  }
}

// A group with retries: a failure is retried when the connector says it may
// be (retryable, and either safe to retry or before any commit), and when a
// retry cannot duplicate committed rows (retry_would_duplicate), up to
// resources.max_retries times, after an exponential backoff with jitter
// (or the connector's retry-after). Each attempt resumes from the cursors
// committed so far.
std::vector<StreamReport> run_group(const RunContext& run, const WorkUnit& unit,
                                    RunProgress* progress) {
  const StreamGroup& group = unit.group;
  // The slices of a stream share its progress line: no one slice resets its
  // counters or says the stream is done (the caller does).
  const bool slice = unit.partition.has_value();
  const auto& resources = run.pipeline.resources;
  const uint32_t max_retries = run.options.dry_run_limit ? 0 : resources.max_retries;
  std::mt19937_64 jitter(std::random_device{}());
  // Per stream: what the destination committed in the attempts so far.
  std::map<std::string, uint64_t> carried;
  auto set_phase = [&](RunProgress::Phase phase) {
    if (!progress) return;
    for (size_t i : group) progress->stream(i).phase = phase;
  };
  for (uint32_t attempt = 0;; ++attempt) {
    if (progress && !slice) {
      for (size_t i : group) {
        // Counters show the current attempt.
        RunProgress::Stream& shown = progress->stream(i);
        shown.attempt = attempt + 1;
        shown.bytes = 0;
        shown.batches = 0;
        shown.records = 0;
      }
    }
    set_phase(RunProgress::Phase::kRunning);
    std::vector<StreamReport> reports = run_group_once(run, unit, progress);
    for (auto& r : reports) {
      r.attempts = attempt + 1;
      r.earlier_committed_records = carried[r.stream];
    }
    const p::ConnectorError* error = group_error(reports);
    if (progress && !slice) {
      for (size_t k = 0; k < group.size(); ++k) {
        progress->stream(group[k]).phase =
            reports[k].root_error() ? RunProgress::Phase::kFailed : RunProgress::Phase::kDone;
      }
    }
    if (!error || run.options.stop.stop_requested() || attempt >= max_retries) return reports;
    const bool may_retry =
        error->retryable &&
        (error->safe_to_retry || error->commit_state != p::CommitState::kAfterCommitUnknown);
    if (!may_retry) return reports;
    if (auto duplicated = retry_would_duplicate(run.pipeline, reports)) {
      refuse_retry(reports, *duplicated);
      return reports;
    }
    set_phase(RunProgress::Phase::kRetrying);
    std::chrono::milliseconds delay;
    if (error->retry_after_ms) {
      delay = std::chrono::milliseconds(*error->retry_after_ms);
    } else {
      static constexpr double kClassFactor[] = {0.2, 1.0, 5.0};
      const double base =
          resources.retry_base_delay_ms * kClassFactor[static_cast<size_t>(error->backoff_class)];
      const double exponential = base * static_cast<double>(1u << std::min<uint32_t>(attempt, 10));
      std::uniform_real_distribution<double> spread(0.5, 1.5);
      delay = std::chrono::milliseconds(static_cast<int64_t>(exponential * spread(jitter)));
    }
    std::string names;
    for (const auto& r : reports) names += (names.empty() ? "" : ", ") + r.stream;
    run.options.log->warn("[{}] attempt {} failed ({}); retrying in {} ms", names, attempt + 1,
                          error->message, delay.count());
    for (auto& r : reports) carried[r.stream] = r.records();
    std::mutex mu;
    std::condition_variable_any wake;
    std::unique_lock lock(mu);
    wake.wait_for(lock, run.options.stop, delay, [] { return false; });
  }
}

// The work of one run: the cdc streams' group, which runs on a thread of
// its own (one source read serves them from one replication slot, and a
// continuous read never ends) once their partitioned snapshots have ended
// (snapshots; not at all when one failed: blocked), and the units
// `parallelism` workers share: every other stream, or each unfinished slice
// of a partitioned one, whose plan is kept here until its slices are filed.
struct RunWork {
  StreamGroup changes;
  SnapshotGate snapshots;
  std::atomic<bool> blocked{false};  // a cdc stream's partitioned snapshot failed
  std::vector<WorkUnit> units;
  std::map<size_t, PartitionedRead> partitioned;  // by stream index
};

// Finalizes partitioned stream `index` once every slice is done (see
// PartitionedRead::finish); a failure is the stream's error. Not in a run
// of an assigned slice: `rapidbyte finalize` finishes those streams.
void finish_stream(const RunContext& run, PartitionedRead& read, size_t index,
                   StreamReport& stream) {
  if (!read.finishes()) return;
  const StagePlan& destination = run.plans.back();
  auto finished = read.finish(run.engine, run.state, run.pipeline, destination,
                              run.pipeline.streams[index], run.options.log.get(), run.options.stop);
  if (!finished) {
    run.options.log->error("[{}/{}] {}", stream.stream, destination.module->manifest.id,
                           finished.error().message);
    stream.stages.push_back({.connector_id = destination.module->manifest.id,
                             .role = p::ConnectorRole::kDestination,
                             .error = finished.error()});
  } else if (run.options.faults) {
    run.options.faults->pass(FaultPoint::kStreamFinalized);
  }
}

// Whether `stream` reads from the start: a full refresh, or an incremental
// or cdc stream without a committed cursor. Only such a read is
// partitioned; later reads start after the cursor. A state backend that
// cannot say fails the stream: guessing "first read" would load rows again.
StateResult<bool> first_read(const RunContext& run, const StreamConfig& stream) {
  if (stream.sync_mode == p::SyncMode::kFullRefresh) return true;
  RB_ASSIGN_OR_RETURN(auto cursor, run.state.cursor(run.pipeline.pipeline, stream.name));
  return !cursor;
}

// Sorts the pipeline's streams into `work`, planning each partitioned stream
// (not in a dry run, which reads every stream whole). A stream whose plan
// fails gets its report here and no unit.
void plan_work(const RunContext& run, RunReport& report, RunWork& work) {
  const PipelineConfig& pipeline = run.pipeline;
  const StagePlan& source = run.plans.front();
  // A stream that fails before it is read: its report, no unit.
  auto fail_stream = [&](size_t i, p::ConnectorError error) {
    run.options.log->error("[{}/{}] {}", pipeline.streams[i].name, source.module->manifest.id,
                           error.message);
    report.streams[i].stream = pipeline.streams[i].name;
    report.streams[i].stages.push_back(
        {.connector_id = source.module->manifest.id, .error = std::move(error)});
  };
  for (size_t i = 0; i < pipeline.streams.size(); ++i) {
    const StreamConfig& stream = pipeline.streams[i];
    // A cdc stream's changes are read by the group; its initial snapshot
    // may be slices of its own before that.
    const bool changes = stream.sync_mode == p::SyncMode::kCdc;
    if (changes) work.changes.push_back(i);
    if (run.options.dry_run_limit) {
      if (!changes) work.units.push_back({{i}, std::nullopt});
      continue;
    }
    // An assigned slice is of a recorded plan, whatever the cursor says now.
    auto from_start = run.options.slice                       ? StateResult<bool>(true)
                      : partition_count(pipeline, stream) > 1 ? first_read(run, stream)
                                                              : StateResult<bool>(false);
    if (!from_start) {
      fail_stream(i, connector_error(std::move(from_start).error()));
      if (changes) work.blocked = true;
      continue;
    }
    if (!*from_start) {
      // A whole read supersedes slices an earlier run left unfinished (the
      // pipeline was split before): their plan must not be resumed later
      // over what this read writes.
      (void)PartitionProgress::forget(run.state, pipeline.pipeline, stream.name);
      if (!changes) work.units.push_back({{i}, std::nullopt});
      continue;
    }
    report.streams[i].stream = stream.name;
    auto planned = run.options.slice
                       ? PartitionedRead::assigned(run.state, pipeline, stream, *run.options.slice)
                       : PartitionedRead::plan(run.engine, run.state, pipeline, source, stream,
                                               run.run_id, run.options.log.get(), run.options.stop);
    if (!planned) {
      fail_stream(i, std::move(planned).error());
      if (changes) work.blocked = true;
      continue;
    }
    report.streams[i].finished_earlier = planned->finished_earlier();
    if (!planned->finished_earlier().empty() && planned->finishes()) {
      run.options.log->info("[{}] resuming {} of {} partitions; an earlier run finished {}",
                            stream.name, planned->to_read().size(), planned->count(),
                            index_list(planned->finished_earlier()));
    }
    if (planned->to_read().empty()) {
      // An earlier run wrote every slice but ended before it finalized (or
      // the assigned slice is done already).
      finish_stream(run, *planned, i, report.streams[i]);
      if (changes && !report.streams[i].succeeded()) work.blocked = true;
      continue;
    }
    for (const p::Partition& slice : planned->to_read()) work.units.push_back({{i}, slice});
    work.partitioned.emplace(i, std::move(*planned));
    if (changes) work.snapshots.expect();
  }
}

// Files a finished slice of a stream in its report and, when it succeeded,
// in the state. Once the stream's last slice is filed, ends the plan's
// snapshot and returns true: the caller then ends the stream (end_stream).
// REQUIRES: calls for one stream do not overlap.
bool file_slice(const RunContext& run, PartitionedRead& read, PartitionReport slice,
                StreamReport& stream) {
  if (slice.report.succeeded()) {
    if (auto marked = read.mark_done(run.state, run.pipeline.pipeline, stream.stream, slice.index);
        !marked) {
      slice.report.stages.back().error = connector_error(std::move(marked).error());
    } else if (run.options.faults) {
      run.options.faults->pass(FaultPoint::kPartitionDone);
    }
  }
  stream.partitions.push_back(std::move(slice));
  if (stream.partitions.size() < read.to_read().size()) return false;
  read.release();
  return true;
}

// Ends partitioned stream `index` once every slice of this run is filed:
// finalizes it when every slice is done, orders the slices and sets the
// stream's attempts and progress phase.
void end_stream(const RunContext& run, PartitionedRead& read, size_t index, StreamReport& stream,
                RunProgress* progress) {
  if (read.all_done()) finish_stream(run, read, index, stream);
  std::ranges::sort(stream.partitions, {}, &PartitionReport::index);
  for (const auto& done : stream.partitions)
    stream.attempts = std::max(stream.attempts, done.report.attempts);
  if (progress) {
    progress->stream(index).phase =
        stream.succeeded() ? RunProgress::Phase::kDone : RunProgress::Phase::kFailed;
  }
}

}  // namespace

std::shared_ptr<spdlog::logger> stderr_log() {
  return std::make_shared<spdlog::logger>("rapidbyte",
                                          std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
}

runtime::SandboxPolicy sandbox_for(const runtime::ConnectorModule& module,
                                   const ConnectorConfig& config, const ResourcesConfig& resources,
                                   std::stop_token stop) {
  runtime::SandboxPolicy policy;
  policy.stop = std::move(stop);
  policy.memory_limit_bytes = resources.stage_memory_mb << 20;
  policy.call_timeout = std::chrono::seconds(resources.stage_timeout_seconds);
  policy.no_progress_timeout = std::chrono::seconds(resources.no_progress_timeout_seconds);
  policy.network_timeout = std::chrono::seconds(resources.network_timeout_seconds);
  // The largest batch a stage may emit (StageServices), and room for the
  // call's other arguments.
  policy.max_copy_out_bytes = resources.max_batch_bytes + resources.max_record_bytes + (1u << 20);
  policy.allowed_hosts = requested_hosts(module.manifest, config.config_json);
  for (const auto& name : module.manifest.env) {
    if (const char* value = std::getenv(name.c_str())) policy.env.emplace_back(name, value);
  }
  // The pipeline's checks (PipelineRunner::plan) reported any grant that
  // cannot be given; this stage gets none of them then.
  if (auto grants = grant_filesystem(module.manifest, module.role, config)) {
    policy.directories = std::move(grants->directories);
    create_writable_directories(policy.directories);
  }
  // The pipeline may grant less than the manifest asks for, never more.
  auto granted = [](const std::optional<std::vector<std::string>>& grant, const std::string& item) {
    return !grant || std::ranges::find(*grant, item) != grant->end();
  };
  std::erase_if(policy.allowed_hosts,
                [&](const std::string& h) { return !granted(config.network_hosts, h); });
  std::erase_if(policy.env, [&](const auto& kv) { return !granted(config.env, kv.first); });
  return policy;
}

p::StreamContext stream_context(const PipelineConfig& pipeline, const StreamConfig& stream) {
  p::StreamContext ctx;
  ctx.stream_name = stream.name;
  ctx.sync_mode = stream.sync_mode;
  ctx.selected_columns = stream.columns;
  ctx.cursor_field = stream.cursor_field;
  ctx.primary_key = primary_key_of(pipeline, stream);
  ctx.write_mode = write_mode_of(pipeline, stream);
  ctx.policies = pipeline.policies;
  const auto& r = pipeline.resources;
  ctx.limits.max_batch_bytes = r.max_batch_bytes;
  ctx.limits.max_record_bytes = r.max_record_bytes;
  ctx.limits.max_inflight_batches = r.max_inflight_batches;
  ctx.limits.checkpoint_interval_bytes = r.checkpoint_interval_bytes;
  ctx.limits.checkpoint_interval_rows = r.checkpoint_interval_rows;
  ctx.limits.checkpoint_interval_seconds = r.checkpoint_interval_seconds;
  if (stream.sync_mode == p::SyncMode::kCdc) {
    // Changes should reach the destination soon after their commit: every
    // batch is committed (the source cuts one at the batch size, when the
    // server goes idle, or after half a second), and a stream that goes
    // quiet is committed within a time bound rather than when its next
    // change comes.
    if (ctx.limits.checkpoint_interval_rows == 0) ctx.limits.checkpoint_interval_rows = 1;
    if (ctx.limits.checkpoint_interval_seconds == 0)
      ctx.limits.checkpoint_interval_seconds = kCdcCheckpointIntervalSeconds;
  }
  return ctx;
}

std::expected<std::vector<PipelineRunner::StagePlan>, std::string> PipelineRunner::plan(
    const PipelineConfig& pipeline) const {
  std::vector<StagePlan> plans;
  std::string problems;
  auto add = [&](const ConnectorConfig& c, const std::string& field, p::ConnectorRole role,
                 p::RunPhase phase) {
    const std::string where = pipeline.file.string() + ":" + std::to_string(c.line) + ": " + field;
    auto module = catalog_.find(c.use, role);
    if (!module) {
      problems += (problems.empty() ? "" : "\n") + where + ".use: " + module.error();
      return;
    }
    for (const std::string& unsupported : unsupported_modes(pipeline, role, (*module)->manifest)) {
      problems += (problems.empty() ? "" : "\n") + where + ": " + unsupported;
    }
    CheckedConfig checked =
        check_config(c.config_json, (*module)->manifest.config_schema, c.config_sources);
    if (!checked.violations.empty()) {
      problems += (problems.empty() ? "" : "\n") + where + ".config: connector '" +
                  (*module)->manifest.id + "' rejects its config:";
      for (const auto& v : checked.violations) problems += "\n  - " + v;
      return;
    }
    ConnectorConfig typed = c;
    typed.config_json = std::move(checked.json);
    auto grants = grant_filesystem((*module)->manifest, role, typed);
    if (!grants) {
      std::istringstream lines(grants.error());
      for (std::string line; std::getline(lines, line);) {
        problems += (problems.empty() ? "" : "\n") + where + ": " + line;
      }
      return;
    }
    typed.config_json = std::move(grants->config_json);
    plans.push_back({*module, std::move(typed), phase});
  };
  for (size_t i = 0; i < pipeline.streams.size(); ++i) {
    if (!pipeline.streams[i].is_pattern()) continue;
    problems += (problems.empty() ? "" : "\n") + pipeline.file.string() + ": source.streams[" +
                std::to_string(i) + "]: the pattern '" + pipeline.streams[i].name +
                "' is expanded against the source's catalog first (resolve_stream_patterns)";
  }
  add(pipeline.source, "source", p::ConnectorRole::kSource, p::RunPhase::kRead);
  for (size_t i = 0; i < pipeline.transforms.size(); ++i) {
    add(pipeline.transforms[i], "transforms[" + std::to_string(i) + "]",
        p::ConnectorRole::kTransform, p::RunPhase::kTransform);
  }
  // A source-only file (PipelineScope::kSource, for discover) has none.
  if (!pipeline.destination.use.empty())
    add(pipeline.destination, "destination", p::ConnectorRole::kDestination, p::RunPhase::kWrite);
  if (!problems.empty()) return std::unexpected(problems);
  return plans;
}

std::expected<RunReport, EngineError> PipelineRunner::run(const PipelineConfig& pipeline,
                                                          const RunOptions& options) const {
  auto planned = plan(pipeline);
  if (!planned) return std::unexpected(EngineError{EngineError::Kind::kConfig, planned.error()});
  std::vector<StagePlan>& plans = *planned;
  const bool dry_run = options.dry_run_limit.has_value();
  if (dry_run && !options.dry_run_destination) plans.pop_back();  // no destination

  int64_t run_id = 0;
  // One run of a pipeline at a time: a second one would load the same rows
  // again and race the first on cursors. A dry run writes nothing.
  std::unique_ptr<RunLease> lease;
  if (options.slice && pipeline.streams.size() != 1) {
    return std::unexpected(EngineError{EngineError::Kind::kConfig,
                                       "a run of one slice needs a pipeline of one stream"});
  }
  if (!dry_run) {
    auto leased = state_.acquire_lease(
        options.slice ? slice_lease_name(pipeline.pipeline, pipeline.streams.front().name,
                                         options.slice->index)
                      : pipeline.pipeline);
    if (!leased) return std::unexpected(engine_error(std::move(leased).error()));
    lease = std::move(*leased);
    auto begun = state_.begin_run(pipeline.pipeline);
    if (!begun) return std::unexpected(engine_error(std::move(begun).error()));
    run_id = *begun;
  }
  RunReport report;
  report.pipeline = pipeline.pipeline;
  report.run_id = run_id;
  report.streams.resize(pipeline.streams.size());
  RunProgress* progress = options.progress;
  const std::stop_token& stop = options.stop;
  const RunContext context{engine_, pipeline, plans, state_, run_id, options};
  const auto started = std::chrono::steady_clock::now();
  auto run_one = [&](const WorkUnit& unit) {
    std::vector<StreamReport> reports = run_group(context, unit, progress);
    for (size_t k = 0; k < unit.group.size(); ++k)
      report.streams[unit.group[k]].follow_with(std::move(reports[k]));
  };
  RunWork work;
  plan_work(context, report, work);
  // The cdc streams' group, once their partitioned snapshots have ended
  // (SnapshotGate). When one failed, or the run was stopped, the others'
  // changes are not read in this run: each says why.
  auto run_changes = [&] {
    work.snapshots.wait();
    const bool stopped = stop.stop_requested();
    if (!stopped && !work.blocked) return run_one({work.changes, std::nullopt});
    std::string failed;
    for (size_t i : work.changes) {
      const StreamReport& r = report.streams[i];
      if (!r.stream.empty() && !r.succeeded())
        failed += (failed.empty() ? "'" : ", '") + r.stream + "'";
    }
    const std::string& source = plans.front().module->manifest.id;
    for (size_t i : work.changes) {
      StreamReport& r = report.streams[i];
      if (!r.stream.empty() && !r.succeeded()) continue;  // its own error says why
      r.stream = pipeline.streams[i].name;
      p::ConnectorError error =
          !stopped ? runtime::make_error(
                         p::ErrorCategory::kInternal, "SNAPSHOT_UNFINISHED",
                         "changes not read: the partitioned snapshot of cdc stream " + failed +
                             " did not finish; the replication slot keeps the "
                             "changes for the next run")
                   : runtime::cancelled_error();
      options.log->error("[{}/{}] {}", r.stream, source, error.message);
      r.stages.push_back({.connector_id = source, .error = std::move(error)});
      if (progress) progress->stream(i).phase = RunProgress::Phase::kFailed;
    }
  };
  std::mutex slices_mu;  // file_slice's (work.partitioned itself is only read now)
  auto run_unit = [&](const WorkUnit& unit) {
    if (!unit.partition) return run_one(unit);
    const auto slice_started = std::chrono::steady_clock::now();
    std::vector<StreamReport> reports = run_group(context, unit, progress);
    PartitionReport slice{unit.partition->index, unit.partition->count, std::move(reports.front()),
                          std::chrono::steady_clock::now() - slice_started};
    const size_t i = unit.group.front();
    bool last = false;
    {
      std::lock_guard lock(slices_mu);
      last = file_slice(context, work.partitioned.at(i), std::move(slice), report.streams[i]);
    }
    // Outside the lock: a finalize (an append inserting every staged row)
    // may take long, and other streams' workers go on filing slices.
    if (!last) return;
    end_stream(context, work.partitioned.at(i), i, report.streams[i], progress);
    if (pipeline.streams[i].sync_mode == p::SyncMode::kCdc) {
      if (!report.streams[i].succeeded()) work.blocked = true;
      work.snapshots.ended();
    }
  };
  std::atomic<size_t> next{0};
  {
    std::vector<std::jthread> workers;
    if (!work.changes.empty()) workers.emplace_back(run_changes);
    const size_t width = std::min<size_t>(pipeline.resources.parallelism, work.units.size());
    for (size_t w = 0; w < width; ++w) {
      workers.emplace_back([&] {
        for (size_t k = next++; k < work.units.size(); k = next++) run_unit(work.units[k]);
      });
    }
  }
  report.duration = std::chrono::steady_clock::now() - started;
  report.cancelled = stop.stop_requested();
  if (dry_run) return report;
  if (auto r = state_.finish_run(run_id, report.status(), report.records(), report.bytes(),
                                 report.first_error());
      !r) {
    return std::unexpected(engine_error(std::move(r).error()));
  }
  return report;
}

}  // namespace rapidbyte::engine
