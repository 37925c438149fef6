#include "host/cli/progress_frame.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "host/cli/report_printer.hpp"

namespace rapidbyte::cli {

namespace {

std::string duration_text(double seconds) {
  const auto total = static_cast<int64_t>(seconds);
  if (total >= 3600) return fmt::format("{}h{:02}m", total / 3600, total / 60 % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

// "12,345,678": rows are easier to read grouped.
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

std::string stream_line(const engine::RunProgress::Stream& s, double seconds) {
  const auto phase = s.phase.load(std::memory_order_relaxed);
  const uint64_t rows = s.rows.load(std::memory_order_relaxed);
  const uint64_t bytes = s.bytes.load(std::memory_order_relaxed);
  const int64_t estimated = s.estimated_rows.load(std::memory_order_relaxed);
  const double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0;
  std::string line =
      fmt::format("  {:<24} {:<8} {:>12} rows {:>10} {:>9.0f} rows/s", s.name,
                  engine::phase_name(phase), grouped(rows), human_bytes(bytes), rate);
  if (estimated > 0 && phase == engine::RunProgress::Phase::kRunning) {
    const double done = std::min(1.0, static_cast<double>(rows) / static_cast<double>(estimated));
    line += fmt::format(" {:>3.0f}%", done * 100);
    if (rate > 0 && rows < static_cast<uint64_t>(estimated)) {
      line += " ETA " +
              duration_text(static_cast<double>(estimated - static_cast<int64_t>(rows)) / rate);
    }
  }
  if (const int64_t lag = s.lag_bytes.load(std::memory_order_relaxed); lag >= 0) {
    line += fmt::format("  lag {}", human_bytes(static_cast<uint64_t>(lag)));
    if (const int64_t ms = s.lag_ms.load(std::memory_order_relaxed); ms >= 0)
      line += fmt::format(" {:.1f} s", static_cast<double>(ms) / 1000);
  }
  if (const uint32_t attempt = s.attempt.load(std::memory_order_relaxed); attempt > 1)
    line += fmt::format("  (attempt {})", attempt);
  return line;
}

}  // namespace

std::string fit_to_width(const std::string& line, size_t columns) {
  size_t points = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const bool starts_point = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
    if (starts_point && points++ == columns) return line.substr(0, i);
  }
  return line;
}

std::vector<std::string> progress_frame(const engine::RunProgress& progress,
                                        std::chrono::duration<double> elapsed, size_t width) {
  const double seconds = elapsed.count();
  const size_t columns = width > 1 ? width - 1 : 1;
  std::vector<std::string> lines;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  for (const auto& s : progress.streams()) {
    lines.push_back(fit_to_width(stream_line(s, seconds), columns));
    rows += s.rows.load(std::memory_order_relaxed);
    bytes += s.bytes.load(std::memory_order_relaxed);
  }
  lines.push_back(fit_to_width(
      fmt::format("  {} elapsed, {} rows, {}, {:.0f} rows/s", duration_text(seconds), grouped(rows),
                  human_bytes(bytes), seconds > 0 ? static_cast<double>(rows) / seconds : 0),
      columns));
  return lines;
}

}  // namespace rapidbyte::cli
