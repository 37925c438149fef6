// Live progress of a run on a terminal: one line per stream (phase, records,
// MiB, MiB/s), redrawn in place a few times a second on stderr. Does nothing
// when stderr is not a terminal, so logs and pipes get plain lines only.
#pragma once

#include <thread>

#include "host/engine/run_progress.hpp"

namespace rapidbyte::cli {

class ProgressDisplay {
 public:
  // REQUIRES: `progress` outlives the display.
  explicit ProgressDisplay(const engine::RunProgress& progress);
  // Draws the final state and stops redrawing.
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

 private:
  void draw(bool first) const;

  const engine::RunProgress& progress_;
  std::jthread painter_;
};

}  // namespace rapidbyte::cli
