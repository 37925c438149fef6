#include "host/cli/progress_events.hpp"

#include "host/cli/progress_reports.hpp"

namespace rapidbyte::cli {

ProgressEvents::ProgressEvents(const engine::RunProgress& progress, std::string pipeline,
                               std::FILE* out)
    : progress_(progress), pipeline_(std::move(pipeline)), out_(out) {
  ticker_.emplace(std::chrono::seconds(1), [this] { write(); });
}

ProgressEvents::~ProgressEvents() {
  ticker_.reset();
  write();
}

void ProgressEvents::write() const {
  const std::string lines = progress_json_lines(
      progress_, pipeline_, std::chrono::steady_clock::now() - progress_.started());
  // One write per frame, so lines of concurrent writers do not interleave.
  std::fwrite(lines.data(), 1, lines.size(), out_);
  std::fflush(out_);
}

}  // namespace rapidbyte::cli
