#include "host/engine/run_status.hpp"

#include <iterator>

namespace rapidbyte::engine {
namespace {

// The names runs are recorded under, in RunStatus order.
constexpr const char* kStatusNames[] = {"running", "succeeded", "failed",
                                        "partial", "cancelled", "abandoned"};
static_assert(std::size(kStatusNames) == static_cast<size_t>(RunStatus::kAbandoned) + 1);

}  // namespace

std::string_view run_status_name(RunStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}

RunStatus run_status_from_name(std::string_view name) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (name == kStatusNames[i]) return static_cast<RunStatus>(i);
  }
  return RunStatus::kRunning;
}

}  // namespace rapidbyte::engine
