#include "host/engine/split_run.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "host/engine/closest_name.hpp"
#include "host/runtime/connector_errors.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {
namespace {

namespace p = rapidbyte::protocol;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, const std::string& text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_indices(Writer& w, const std::vector<uint32_t>& indices) {
  w.StartArray();
  for (uint32_t i : indices) w.Uint(i);
  w.EndArray();
}

// What a split step holds while it runs: the stage plans of `pipeline`,
// its lease, and the run it is recorded as in the history.
struct Prepared {
  std::vector<PipelineRunner::StagePlan> plans;
  std::unique_ptr<RunLease> lease;
  int64_t run_id = 0;
};

std::expected<Prepared, EngineError> prepare(const PipelineRunner& runner, StateBackend& state,
                                             const PipelineConfig& pipeline) {
  auto plans = runner.plan(pipeline);
  if (!plans) return std::unexpected(EngineError{EngineError::Kind::kConfig, plans.error()});
  auto lease = state.acquire_lease(pipeline.pipeline);
  if (!lease) return std::unexpected(engine_error(std::move(lease).error()));
  auto begun = state.begin_run(pipeline.pipeline);
  if (!begun) return std::unexpected(engine_error(std::move(begun).error()));
  return Prepared{std::move(*plans), std::move(*lease), *begun};
}

// Whether the plan step splits `stream`: partitioned, not cdc, and read
// from the start (a full refresh, or incremental without a cursor yet).
StateResult<bool> splits(StateBackend& state, const PipelineConfig& pipeline,
                         const StreamConfig& stream) {
  if (stream.sync_mode == p::SyncMode::kCdc || partition_count(pipeline, stream) <= 1) return false;
  if (stream.sync_mode == p::SyncMode::kFullRefresh) return true;
  auto cursor = state.cursor(pipeline.pipeline, stream.name);
  if (!cursor) return std::unexpected(std::move(cursor).error());
  return !cursor->has_value();
}

}  // namespace

std::expected<PipelineConfig, std::string> select_streams(const PipelineConfig& pipeline,
                                                          const std::vector<std::string>& names) {
  std::vector<std::string> known;
  known.reserve(pipeline.streams.size());
  for (const StreamConfig& s : pipeline.streams) known.push_back(s.name);
  for (const std::string& name : names) {
    if (std::ranges::find(known, name) == known.end()) {
      return std::unexpected("--stream " + name + ": " + pipeline.file.string() +
                             " has no stream '" + name + "'" + did_you_mean(name, known));
    }
  }
  PipelineConfig out = pipeline;
  std::erase_if(out.streams, [&](const StreamConfig& s) {
    return std::ranges::find(names, s.name) == names.end();
  });
  const auto cdc = [](const StreamConfig& s) { return s.sync_mode == p::SyncMode::kCdc; };
  const auto all_cdc = std::ranges::count_if(pipeline.streams, cdc);
  const auto chosen_cdc = std::ranges::count_if(out.streams, cdc);
  if (chosen_cdc != 0 && chosen_cdc != all_cdc) {
    std::string listed;
    for (const StreamConfig& s : pipeline.streams)
      if (cdc(s)) listed += (listed.empty() ? "" : ", ") + s.name;
    return std::unexpected(
        "--stream: the cdc streams share one replication slot and run together: name all of "
        "them (" +
        listed + ") or none");
  }
  return out;
}

std::expected<SplitPlan, EngineError> SplitPlan::make(
    const PipelineRunner& runner, const runtime::WasmEngine& engine, StateBackend& state,
    const PipelineConfig& pipeline, spdlog::logger* log, const std::stop_token& stop) {
  auto prepared = prepare(runner, state, pipeline);
  if (!prepared) return std::unexpected(std::move(prepared).error());
  SplitPlan out;
  out.run_id_ = prepared->run_id;
  const std::string& source = prepared->plans.front().module->manifest.id;
  std::string first_error;
  for (const StreamConfig& stream : pipeline.streams) {
    PlannedStream planned{.stream = stream.name, .sync_mode = stream.sync_mode};
    // A stream whose plan fails fails as in a run; the others go on.
    auto fail = [&](p::ConnectorError error) {
      log->error("[{}/{}] {}", stream.name, source, error.message);
      if (first_error.empty()) first_error = stream.name + ": " + source + ": " + error.message;
      planned.error = std::move(error);
      planned.error_connector = source;
    };
    auto split = splits(state, pipeline, stream);
    if (!split) {
      fail(connector_error(std::move(split).error()));
    } else if (*split) {
      auto read = PartitionedRead::plan(engine, state, pipeline, prepared->plans.front(), stream,
                                        out.run_id_, log, stop);
      if (!read) {
        fail(std::move(read).error());
      } else {
        planned.count = read->count();
        planned.generation = read->generation();
        for (const p::Partition& slice : read->to_read()) planned.to_read.push_back(slice.index);
        planned.finished_earlier = read->finished_earlier();
        if (!read->to_read().empty()) planned.snapshot = read->to_read().front().snapshot;
        out.reads_.push_back(std::move(*read));
      }
    }
    out.streams_.push_back(std::move(planned));
  }
  const RunStatus status = first_error.empty() ? RunStatus::kSucceeded : RunStatus::kFailed;
  if (auto finished = state.finish_run(out.run_id_, status, 0, 0, first_error); !finished)
    return std::unexpected(engine_error(std::move(finished).error()));
  return out;
}

std::string SplitPlan::to_json(const std::string& pipeline) const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("pipeline");
  write_string(w, pipeline);
  w.Key("run_id");
  w.Int64(run_id_);
  w.Key("streams");
  w.StartArray();
  for (const PlannedStream& s : streams_) {
    w.StartObject();
    w.Key("stream");
    write_string(w, s.stream);
    w.Key("sync_mode");
    write_string(w, std::string(p::mode_name(s.sync_mode)));
    if (s.error) {
      w.Key("error");
      write_string(w, s.error->message);
      w.Key("error_code");
      write_string(w, s.error->code);
      w.Key("error_connector");
      write_string(w, s.error_connector);
    }
    w.Key("partitions");
    if (s.count) {
      w.Uint(*s.count);
      w.Key("generation");
      w.Uint64(s.generation);
      w.Key("to_read");
      write_indices(w, s.to_read);
      w.Key("finished_earlier");
      write_indices(w, s.finished_earlier);
      w.Key("snapshot");
      if (s.snapshot) {
        write_string(w, *s.snapshot);
      } else {
        w.Null();
      }
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::expected<RunReport, EngineError> finalize_split_run(
    const PipelineRunner& runner, const runtime::WasmEngine& engine, StateBackend& state,
    const PipelineConfig& pipeline, spdlog::logger* log, const std::stop_token& stop) {
  auto prepared = prepare(runner, state, pipeline);
  if (!prepared) return std::unexpected(std::move(prepared).error());
  RunReport report;
  report.pipeline = pipeline.pipeline;
  report.run_id = prepared->run_id;
  const auto started = std::chrono::steady_clock::now();
  const PipelineRunner::StagePlan& destination = prepared->plans.back();
  for (const StreamConfig& stream : pipeline.streams) {
    if (stream.sync_mode == p::SyncMode::kCdc) continue;
    auto recorded = PartitionProgress::load(state, pipeline.pipeline, stream.name);
    if (recorded && !*recorded) continue;  // nothing planned, or finalized before
    StreamReport& out = report.streams.emplace_back();
    out.stream = stream.name;
    auto fail = [&](p::ConnectorError error) {
      log->error("[{}/{}] {}", stream.name, destination.module->manifest.id, error.message);
      out.stages.push_back({.connector_id = destination.module->manifest.id,
                            .role = p::ConnectorRole::kDestination,
                            .error = std::move(error)});
    };
    if (!recorded) {
      fail(connector_error(std::move(recorded).error()));
      continue;
    }
    auto read = PartitionedRead::recorded(state, pipeline, stream, std::nullopt);
    if (!read) {
      fail(std::move(read).error());
      continue;
    }
    out.finished_earlier = read->finished_earlier();
    if (!read->all_done()) {
      std::vector<uint32_t> missing;
      for (uint32_t i = 0; i < read->count(); ++i) {
        if (!std::ranges::binary_search(out.finished_earlier, i)) missing.push_back(i);
      }
      std::string listed;
      for (uint32_t i : missing) listed += (listed.empty() ? "" : ", ") + std::to_string(i);
      fail(runtime::make_error(p::ErrorCategory::kConfig, "SLICES_UNFINISHED",
                               "cannot finalize stream '" + stream.name + "': slices " + listed +
                                   " of its " + std::to_string(read->count()) + " are not done"));
      continue;
    }
    if (auto finished = read->finish(engine, state, pipeline, destination, stream, log, stop);
        !finished) {
      fail(std::move(finished).error());
    }
  }
  report.duration = std::chrono::steady_clock::now() - started;
  report.cancelled = stop.stop_requested();
  if (auto r = state.finish_run(report.run_id, report.status(), 0, 0, report.first_error()); !r)
    return std::unexpected(engine_error(std::move(r).error()));
  return report;
}

}  // namespace rapidbyte::engine
