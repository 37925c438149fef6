#include "host/cli/progress_display.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "host/cli/progress_frame.hpp"

namespace rapidbyte::cli {

namespace {

constexpr std::chrono::milliseconds kRedraw{250};

// The terminal's width on stderr, read each frame so a resize takes effect.
size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return 80;
  return size.ws_col;
}

}  // namespace

// The run's log lines, written by the sinks the logger had, with the frame
// erased before and drawn again after.
class ProgressDisplay::LogAboveFrame final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit LogAboveFrame(ProgressDisplay& display) : display_(display) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard lock(display_.mu_);
    display_.erase();
    for (const auto& sink : display_.original_sinks_) {
      if (sink->should_log(msg.level)) sink->log(msg);
    }
    for (const auto& sink : display_.original_sinks_) sink->flush();
    display_.redraw();
  }
  void flush_() override {}

 private:
  ProgressDisplay& display_;
};

ProgressDisplay::ProgressDisplay(const engine::RunProgress& progress,
                                 std::shared_ptr<spdlog::logger> log)
    : progress_(progress), log_(std::move(log)) {
  if (!::isatty(STDERR_FILENO)) return;
  original_sinks_ = log_->sinks();
  log_->sinks() = {std::make_shared<LogAboveFrame>(*this)};
  {
    std::lock_guard lock(mu_);
    redraw();
  }
  painter_.emplace(kRedraw, [this] {
    std::lock_guard lock(mu_);
    redraw();
  });
}

ProgressDisplay::~ProgressDisplay() {
  if (!painter_) return;
  painter_.reset();
  {
    std::lock_guard lock(mu_);
    redraw();
  }
  log_->sinks() = original_sinks_;
}

void ProgressDisplay::erase() {
  if (drawn_lines_ == 0) return;
  std::fputs(fmt::format("\x1b[{}A\r\x1b[J", drawn_lines_).c_str(), stderr);
  drawn_lines_ = 0;
}

void ProgressDisplay::redraw() {
  const auto lines = progress_frame(
      progress_, std::chrono::steady_clock::now() - progress_.started(), terminal_width());
  // Each line rewritten in place (no clearing first, so nothing flickers),
  // then whatever a longer earlier frame left below is cleared.
  std::string out = drawn_lines_ > 0 ? fmt::format("\x1b[{}A", drawn_lines_) : "";
  for (const auto& line : lines) out += "\r" + line + "\x1b[K\n";
  out += "\x1b[J";
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
  drawn_lines_ = lines.size();
}

}  // namespace rapidbyte::cli
