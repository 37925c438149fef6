#include "host/cli/split_commands.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <iostream>

#include "host/cli/exit_codes.hpp"
#include "host/cli/report_printer.hpp"
#include "host/cli/session.hpp"
#include "host/cli/stop_on_signal.hpp"
#include "host/engine/split_run.hpp"

namespace rapidbyte::cli {
namespace {

// Returns once standard input is at its end (or fails) or `stop` is
// requested.
void wait_for_end_of_input(const std::stop_token& stop) {
  std::array<char, 4096> ignored;
  while (!stop.stop_requested()) {
    pollfd in{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
    const int ready = ::poll(&in, 1, 200);
    if (ready < 0 && errno != EINTR) return;
    if (ready <= 0) continue;
    const ssize_t got = ::read(STDIN_FILENO, ignored.data(), ignored.size());
    if (got <= 0 && !(got < 0 && errno == EINTR)) return;
  }
}

std::string plan_text(const engine::SplitPlan& plan) {
  std::string out;
  for (const engine::PlannedStream& s : plan.streams()) {
    if (s.error) {
      out += s.stream + ": FAILED  " + s.error_connector + ": " + s.error->message + "\n";
      continue;
    }
    if (!s.count) {
      out += s.stream + ": read whole\n";
      continue;
    }
    out += s.stream + ": " + std::to_string(*s.count) + " slices (plan " +
           std::to_string(s.generation) + "), to read: " + std::to_string(s.to_read.size()) +
           ", finished earlier: " + std::to_string(s.finished_earlier.size()) + "\n";
  }
  return out;
}

}  // namespace

int plan_command(const std::string& pipeline_path, const std::string& connector_dir, bool json,
                 bool hold, const std::shared_ptr<spdlog::logger>& log) {
  StopOnSignal stop;
  auto session = open_session(pipeline_path, connector_dir, log);
  if (!session) return session.error();
  engine::PipelineRunner runner(*session->wasm, *session->catalog, *session->state);
  auto plan = engine::SplitPlan::make(runner, *session->wasm, *session->state, session->pipeline,
                                      log.get(), stop.token());
  if (!plan) return engine_failed(plan.error());
  std::cout << (json ? plan->to_json(session->pipeline.pipeline) + "\n" : plan_text(*plan))
            << std::flush;
  if (hold) wait_for_end_of_input(stop.token());
  plan->release();
  // As a run would exit had these streams failed at their plan.
  size_t failed = 0;
  for (const engine::PlannedStream& s : plan->streams()) failed += s.error ? 1 : 0;
  if (failed == 0) return kExitOk;
  return exit_code(failed == plan->streams().size() ? engine::RunStatus::kFailed
                                                    : engine::RunStatus::kPartial);
}

int finalize_command(const std::string& pipeline_path, const std::string& connector_dir, bool json,
                     const std::shared_ptr<spdlog::logger>& log) {
  StopOnSignal stop;
  auto session = open_session(pipeline_path, connector_dir, log);
  if (!session) return session.error();
  engine::PipelineRunner runner(*session->wasm, *session->catalog, *session->state);
  auto report = engine::finalize_split_run(runner, *session->wasm, *session->state,
                                           session->pipeline, log.get(), stop.token());
  if (!report) return engine_failed(report.error());
  std::cout << (json ? report_json(*report) + "\n" : report_text(*report));
  return exit_code(report->status());
}

void add_split_commands(CLI::App& app, SplitCommandOptions& options) {
  using Command = SplitCommandOptions::Command;
  auto* plan = app.add_subcommand(
      "plan", "Record the slices of the partitioned streams for runs of one slice each");
  plan->add_option("pipeline", options.pipeline_path, "Pipeline YAML file")->required();
  plan->add_flag("--json", options.json, "Print the plan as JSON");
  plan->add_flag("--hold", options.hold,
                 "Then hold the plan's snapshots open until standard input ends");
  plan->callback([&options] { options.command = Command::kPlan; });
  auto* finalize = app.add_subcommand(
      "finalize",
      "Publish the partitioned streams whose slices are all done; commit their cursors");
  finalize->add_option("pipeline", options.pipeline_path, "Pipeline YAML file")->required();
  finalize->add_flag("--json", options.json, "Print the summary as JSON");
  finalize->callback([&options] { options.command = Command::kFinalize; });
}

int run_split_command(const SplitCommandOptions& options, const std::string& connector_dir,
                      const std::shared_ptr<spdlog::logger>& log) {
  if (options.command == SplitCommandOptions::Command::kPlan) {
    return plan_command(options.pipeline_path, connector_dir, options.json, options.hold, log);
  }
  return finalize_command(options.pipeline_path, connector_dir, options.json, log);
}

}  // namespace rapidbyte::cli
