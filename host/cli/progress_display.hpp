// Live progress of a run on a terminal (progress_frame.hpp: one line per
// stream and a total, cut to the terminal's width), redrawn in place a few
// times a second on stderr. Log lines written meanwhile go above the frame:
// while the display lives, the run's logger writes through it, so a line
// never lands inside the frame. Does nothing when stderr is not a terminal,
// so logs and pipes get plain lines only.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "host/cli/ticker.hpp"
#include "host/engine/run_progress.hpp"

namespace rapidbyte::cli {

class ProgressDisplay {
 public:
  // REQUIRES: `progress` outlives the display; nothing logs through `log`
  // on another thread while the display is made or destroyed (its sinks
  // are swapped then).
  ProgressDisplay(const engine::RunProgress& progress, std::shared_ptr<spdlog::logger> log);
  // Draws the final state, stops redrawing, gives the logger its sinks back.
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

 private:
  class LogAboveFrame;

  // Erases the frame drawn last and draws the current one. REQUIRES: mu_.
  void redraw();
  // Moves to where the frame starts and clears to the end of the screen.
  // REQUIRES: mu_.
  void erase();

  const engine::RunProgress& progress_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<spdlog::sink_ptr> original_sinks_;
  std::mutex mu_;
  size_t drawn_lines_ = 0;         // guarded by mu_
  std::optional<Ticker> painter_;  // only on a terminal
};

}  // namespace rapidbyte::cli
