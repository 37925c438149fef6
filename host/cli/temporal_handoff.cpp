#include "host/cli/temporal_handoff.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "host/cli/exit_codes.hpp"

namespace rapidbyte::cli {
namespace {

// The global options that take a value (main.cpp), skipped to find the
// command word.
bool takes_value(const std::string& option) {
  return option == "--log-level" || option == "--connector-dir" || option == "--log-file";
}

}  // namespace

std::optional<std::vector<std::string>> temporal_handoff(const std::vector<std::string>& args,
                                                         const std::filesystem::path& self) {
  std::string connector_dir;
  bool verbose = false;
  size_t i = 0;
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    if (args[i] == "-v" || args[i] == "-vv" || args[i] == "--verbose") verbose = true;
    if (takes_value(args[i]) && i + 1 < args.size()) {
      if (args[i] == "--connector-dir") connector_dir = args[i + 1];
      ++i;
    } else if (args[i].starts_with("--connector-dir=")) {
      connector_dir = args[i].substr(std::strlen("--connector-dir="));
    }
  }
  if (i == args.size()) return std::nullopt;
  const std::string& command = args[i];
  const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                      args.end());
  const bool on_temporal = std::ranges::any_of(
      rest, [](const std::string& a) { return a == "--temporal" || a.starts_with("--temporal="); });
  if (command != "worker" && command != "submit" && !(command == "runs" && on_temporal)) {
    return std::nullopt;
  }
  std::vector<std::string> out = {(self.parent_path() / "rapidbyte-temporal").string(), command};
  if (command == "worker") {
    out.insert(out.end(), {"--rapidbyte", self.string()});
    if (!connector_dir.empty()) out.insert(out.end(), {"--connector-dir", connector_dir});
    if (verbose) out.emplace_back("--verbose");
  }
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

void list_temporal_commands(CLI::App& app) {
  app.add_subcommand("worker", "Run pipelines submitted to Temporal: --temporal HOST:PORT")
      ->allow_extras();
  app.add_subcommand("submit",
                     "Run a pipeline on Temporal's workers: <pipeline.yaml> --temporal HOST:PORT "
                     "[--wait] [--json] [--schedule CRON]")
      ->allow_extras();
}

int exec_handoff(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  argv.reserve(command.size() + 1);
  for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  const int error = errno;
  std::cerr << "error: " << command[1] << ": cannot start " << command[0] << ": "
            << std::strerror(error)
            << (error == ENOENT ? " (it is built with Go next to rapidbyte: docs/BUILD.md)" : "")
            << "\n";
  return kExitFailed;
}

}  // namespace rapidbyte::cli
