#include "host/engine/state/state_backend.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

namespace rapidbyte::engine {

std::string slice_lease_name(const std::string& pipeline, const std::string& stream,
                             uint32_t index) {
  return pipeline + "/" + stream + "#" + std::to_string(index);
}

std::string lease_holder_description() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format(
      "pid {} on host {}, started {:%Y-%m-%dT%H:%M:%SZ}", ::getpid(), host[0] ? host : "?",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

protocol::ErrorCategory error_category_from_index(int64_t index) {
  constexpr auto kLast = static_cast<int64_t>(protocol::ErrorCategory::kInternal);
  if (index < 0 || index > kLast) return protocol::ErrorCategory::kInternal;
  return static_cast<protocol::ErrorCategory>(index);
}

}  // namespace rapidbyte::engine
