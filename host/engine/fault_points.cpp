#include "host/engine/fault_points.hpp"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <utility>

namespace rapidbyte::engine {
namespace {

constexpr std::pair<std::string_view, FaultPoint> kNames[] = {
    {"source-batch", FaultPoint::kSourceBatch},
    {"source-checkpoint", FaultPoint::kSourceCheckpoint},
    {"destination-commit", FaultPoint::kDestinationCommit},
    {"cursor-persisted", FaultPoint::kCursorPersisted},
    {"partition-done", FaultPoint::kPartitionDone},
    {"stream-finalized", FaultPoint::kStreamFinalized},
};

}  // namespace

std::expected<void, std::string> FaultPoints::arm(std::string_view spec) {
  if (spec.empty()) return {};
  constexpr std::string_view kStopSuffix = ":stop";
  const bool stop = spec.ends_with(kStopSuffix);
  if (stop) spec.remove_suffix(kStopSuffix.size());
  const size_t colon = spec.rfind(':');
  const std::string_view name = spec.substr(0, colon);
  const std::string_view count = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
  uint64_t at = 0;
  const auto parsed = std::from_chars(count.data(), count.data() + count.size(), at);
  if (count.empty() || parsed.ec != std::errc() || parsed.ptr != count.data() + count.size() ||
      at == 0) {
    return std::unexpected("kill point '" + std::string(spec) +
                           "' must be NAME:COUNT[:stop] with a COUNT of at least 1");
  }
  for (const auto& [known, point] : kNames) {
    if (known != name) continue;
    armed_ = true;
    point_ = point;
    at_ = at;
    stop_ = stop;
    return {};
  }
  std::string names;
  for (const auto& [known, point] : kNames)
    names += (names.empty() ? "" : ", ") + std::string(known);
  return std::unexpected("unknown kill point '" + std::string(name) + "' (known: " + names + ")");
}

void FaultPoints::pass(FaultPoint point) const {
  if (!armed_ || point != point_) return;
  if (passes_.fetch_add(1, std::memory_order_relaxed) + 1 == at_)
    ::kill(::getpid(), stop_ ? SIGSTOP : SIGKILL);
}

}  // namespace rapidbyte::engine
