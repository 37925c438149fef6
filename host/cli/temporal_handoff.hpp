// `rapidbyte worker`, `rapidbyte submit` and `rapidbyte runs --temporal` are
// carried out by rapidbyte-temporal (orchestrator/temporal, Go: Temporal has
// no C++ SDK), installed next to this binary. The user sees one CLI: these
// commands hand the process over to it.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rapidbyte::cli {

// The command line of rapidbyte-temporal for `args` (argv without the
// program), when they ask for one of its commands; nullopt otherwise. The
// worker is told which rapidbyte binary (`self`) and connector directory
// its activities use.
std::optional<std::vector<std::string>> temporal_handoff(const std::vector<std::string>& args,
                                                         const std::filesystem::path& self);

// Adds `worker` and `submit` to `app` for its --help only: they are handed
// over before the command line is parsed.
void list_temporal_commands(CLI::App& app);

// Replaces this process with `command`; returns only when it cannot, with
// the exit code after printing why.
int exec_handoff(const std::vector<std::string>& command);

}  // namespace rapidbyte::cli
