#include "host/engine/state/open_state_backend.hpp"

#include <cstdlib>

#include "host/engine/state/postgres_state_backend.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::engine {

std::filesystem::path default_state_path() {
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".rapidbyte" / "state.db";
}

StateResult<std::unique_ptr<StateBackend>> open_state_backend(const StateConfig& config) {
  if (config.backend == "postgres") {
    RB_ASSIGN_OR_RETURN(auto backend, PostgresStateBackend::open(config.connection));
    return std::unique_ptr<StateBackend>(std::move(backend));
  }
  if (config.backend != "sqlite") {
    return std::unexpected(StateError::unusable("unknown state backend '" + config.backend + "'"));
  }
  std::filesystem::path path = config.connection;
  if (config.connection.empty()) {
    path = default_state_path();
  } else if (config.connection.starts_with("~/")) {
    // The shell does not expand a path written in YAML; do it here.
    const char* home = std::getenv("HOME");
    path = std::filesystem::path(home && *home ? home : ".") / config.connection.substr(2);
  }
  RB_ASSIGN_OR_RETURN(auto backend, SqliteStateBackend::open(path));
  return std::unique_ptr<StateBackend>(std::move(backend));
}

}  // namespace rapidbyte::engine
