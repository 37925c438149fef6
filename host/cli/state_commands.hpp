// The commands that read or change what a pipeline keeps between runs:
//   rapidbyte state show|reset <pipeline.yaml> [--stream S]
//   rapidbyte runs <pipeline.yaml>
//   rapidbyte dlq list|count|export|purge <pipeline.yaml> [--stream S]
// They open the pipeline's state backend only: no connector starts.
// Each returns the process's exit code (host/cli/exit_codes.hpp).
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace rapidbyte::cli {

struct StateCommandOptions;
using StateCommand = int (*)(const StateCommandOptions&);

struct StateCommandOptions {
  StateCommand command = nullptr;  // the one the command line named, if any
  std::string pipeline_path;
  std::optional<std::string> stream;  // all streams when unset
  bool json = false;
  bool yes = false;          // reset, purge: confirmed on the command line
  size_t limit = 20;         // runs, dlq list: the newest / oldest this many
  std::string output = "-";  // dlq export: a file, or "-" for stdout
};

// Adds `state`, `runs` and `dlq` to `app`: parsing fills `options`, the
// chosen command included.
void add_state_commands(CLI::App& app, StateCommandOptions& options);

int state_show_command(const StateCommandOptions& options);
// Asks before it forgets anything, unless --yes; refuses without a
// terminal to ask on.
int state_reset_command(const StateCommandOptions& options);
int runs_command(const StateCommandOptions& options);
int dlq_list_command(const StateCommandOptions& options);
int dlq_count_command(const StateCommandOptions& options);
int dlq_export_command(const StateCommandOptions& options);
// Asks like state reset.
int dlq_purge_command(const StateCommandOptions& options);

}  // namespace rapidbyte::cli
