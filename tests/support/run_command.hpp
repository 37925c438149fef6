// run_command: runs a program to completion for the test harness, with its
// stdout and stderr captured, optionally as another (unprivileged) user.
//
// Host-side test code only. Failures throw std::runtime_error carrying the
// command line and its output, so a harness step that fails explains itself.
#pragma once

#include <string>
#include <vector>

namespace rapidbyte::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;     // stdout and stderr, interleaved
  long peak_rss_kib = 0;  // the process's resident set at its largest
};

// Runs argv[0] (looked up in PATH) with argv, as `run_as_user` when that is
// not empty (through runuser; REQUIRES: the caller is root then).
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::string& run_as_user = {});

// Like run_command, but throws when the exit code is not 0.
std::string run_command_checked(const std::vector<std::string>& argv,
                                const std::string& run_as_user = {});

}  // namespace rapidbyte::test
