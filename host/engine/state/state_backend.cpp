#include "host/engine/state/state_backend.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iterator>

namespace rapidbyte::engine {
namespace {

// The names runs are recorded under, in RunStatus order.
constexpr const char* kStatusNames[] = {"running", "succeeded", "failed",
                                        "partial", "cancelled", "abandoned"};

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

std::string lease_holder_description() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format(
      "pid {} on host {}, started {:%Y-%m-%dT%H:%M:%SZ}", ::getpid(), host[0] ? host : "?",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

}  // namespace rapidbyte::engine
