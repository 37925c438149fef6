// `run --progress json`: the run's progress as JSON lines on stderr
// (progress_json_lines), every second and once more at the end, for a
// scheduler or service that follows a run through its stderr.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "host/cli/ticker.hpp"
#include "host/engine/run_progress.hpp"

namespace rapidbyte::cli {

class ProgressEvents {
 public:
  // REQUIRES: `progress` outlives the reporter.
  ProgressEvents(const engine::RunProgress& progress, std::string pipeline,
                 std::FILE* out = stderr);
  // Writes the final lines.
  ~ProgressEvents();
  ProgressEvents(const ProgressEvents&) = delete;
  ProgressEvents& operator=(const ProgressEvents&) = delete;

 private:
  void write() const;

  const engine::RunProgress& progress_;
  const std::string pipeline_;
  std::FILE* out_;
  std::optional<Ticker> ticker_;
};

}  // namespace rapidbyte::cli
