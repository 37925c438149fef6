// `rapidbyte plan` and `rapidbyte finalize`: the first and last steps of a
// pipeline run split over processes (host/engine/split_run.hpp), which an
// orchestrator runs around `rapidbyte run --stream S --partition I`.
#pragma once

#include <spdlog/logger.h>

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace rapidbyte::cli {

struct SplitCommandOptions {
  enum class Command { kNone, kPlan, kFinalize };
  Command command = Command::kNone;  // the one the command line named
  std::string pipeline_path;
  bool json = false;
  bool hold = false;  // plan --hold
};

// Adds `plan` and `finalize` to `app`: parsing fills `options`, the chosen
// command included.
void add_split_commands(CLI::App& app, SplitCommandOptions& options);

// Runs the command of `options` (REQUIRES: one was chosen).
int run_split_command(const SplitCommandOptions& options, const std::string& connector_dir,
                      const std::shared_ptr<spdlog::logger>& log);

// Records the slices of the pipeline's split streams and prints the plan
// (JSON with `json`). With `hold`, then keeps the plan's snapshots open
// until standard input ends or the process is asked to stop, so the
// slices' processes can read in them.
int plan_command(const std::string& pipeline_path, const std::string& connector_dir, bool json,
                 bool hold, const std::shared_ptr<spdlog::logger>& log);

// Finalizes the pipeline's split streams whose slices are all done and
// prints the summary as `run` does, with the same exit codes.
int finalize_command(const std::string& pipeline_path, const std::string& connector_dir, bool json,
                     const std::shared_ptr<spdlog::logger>& log);

}  // namespace rapidbyte::cli
