#include "host/engine/state/open_state_backend.hpp"

#include <cstdlib>

#include "host/engine/state/sqlite_state_backend.hpp"

namespace rapidbyte::engine {

std::filesystem::path default_state_path() {
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".rapidbyte" / "state.db";
}

StateResult<std::unique_ptr<StateBackend>> open_state_backend(const StateConfig& config) {
  if (config.backend != "sqlite")
    return std::unexpected("unknown state backend '" + config.backend + "'");
  const std::filesystem::path path =
      config.connection.empty() ? default_state_path() : std::filesystem::path(config.connection);
  auto backend = SqliteStateBackend::open(path);
  if (!backend) return std::unexpected(backend.error());
  return std::unique_ptr<StateBackend>(std::move(*backend));
}

}  // namespace rapidbyte::engine
