#include "host/cli/progress_display.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>

namespace rapidbyte::cli {

namespace {

constexpr std::chrono::milliseconds kRedraw{250};
constexpr const char* kPhaseNames[] = {"waiting", "running", "retrying", "done", "failed"};

}  // namespace

ProgressDisplay::ProgressDisplay(const engine::RunProgress& progress) : progress_(progress) {
  if (!::isatty(STDERR_FILENO)) return;
  draw(true);
  painter_ = std::jthread([this](const std::stop_token& stop) {
    std::mutex mu;
    std::condition_variable_any wake;
    std::unique_lock lock(mu);
    while (!wake.wait_for(lock, stop, kRedraw, [] { return false; }) && !stop.stop_requested()) {
      draw(false);
    }
  });
}

ProgressDisplay::~ProgressDisplay() {
  if (!painter_.joinable()) return;
  painter_.request_stop();
  painter_.join();
  draw(false);
}

void ProgressDisplay::draw(bool first) const {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - progress_.started()).count();
  std::string out;
  // Move up over the previous frame, then rewrite each line in place.
  if (!first) out += fmt::format("\x1b[{}A", progress_.streams().size());
  for (const auto& s : progress_.streams()) {
    const double mib = static_cast<double>(s.bytes.load(std::memory_order_relaxed)) / (1 << 20);
    const uint32_t attempt = s.attempt.load(std::memory_order_relaxed);
    const int64_t lag = s.lag_bytes.load(std::memory_order_relaxed);
    const int64_t lag_ms = s.lag_ms.load(std::memory_order_relaxed);
    out += fmt::format(
        "\r\x1b[2K  {:<24} {:<8} {:>12} records {:>10.1f} MiB {:>8.1f} MiB/s{}{}\n", s.name,
        kPhaseNames[static_cast<size_t>(s.phase.load())], s.records.load(std::memory_order_relaxed),
        mib, seconds > 0 ? mib / seconds : 0.0,
        lag >= 0 ? fmt::format("  lag {:.1f} KiB{}", static_cast<double>(lag) / 1024,
                               lag_ms >= 0 ? fmt::format(" {:.1f} s", lag_ms / 1000.0) : "")
                 : "",
        attempt > 1 ? fmt::format("  (attempt {})", attempt) : "");
  }
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace rapidbyte::cli
