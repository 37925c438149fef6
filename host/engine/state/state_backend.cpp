#include "host/engine/state/state_backend.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

namespace rapidbyte::engine {

std::string lease_holder_description() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format(
      "pid {} on host {}, started {:%Y-%m-%dT%H:%M:%SZ}", ::getpid(), host[0] ? host : "?",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

}  // namespace rapidbyte::engine
