#include "guest/sdk/checkpoint_schedule.hpp"

#include <algorithm>

namespace rapidbyte::sdk {

bool CheckpointSchedule::due() const {
  const bool any = limits_.checkpoint_interval_rows || limits_.checkpoint_interval_bytes ||
                   limits_.checkpoint_interval_seconds;
  if (!any) return true;
  if (limits_.checkpoint_interval_rows && rows_ >= limits_.checkpoint_interval_rows) return true;
  if (limits_.checkpoint_interval_bytes && bytes_ >= limits_.checkpoint_interval_bytes) return true;
  return limits_.checkpoint_interval_seconds &&
         std::chrono::steady_clock::now() - last_checkpoint_ >=
             std::chrono::seconds(limits_.checkpoint_interval_seconds);
}

std::optional<std::chrono::milliseconds> CheckpointSchedule::idle_wait() const {
  if (!limits_.checkpoint_interval_seconds) return std::nullopt;
  const auto due = last_checkpoint_ + std::chrono::seconds(limits_.checkpoint_interval_seconds);
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(due - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

}  // namespace rapidbyte::sdk
