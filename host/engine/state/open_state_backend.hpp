// Opens the state backend a pipeline's `state` section names.
#pragma once

#include <memory>

#include "host/engine/pipeline_config.hpp"
#include "host/engine/state/state_backend.hpp"

namespace rapidbyte::engine {

// The SQLite file used when `state.connection` is empty: ~/.rapidbyte/state.db.
std::filesystem::path default_state_path();

// SQLite: `connection` is the file ("~/" expanded). PostgreSQL: `connection`
// is a libpq connection string or URI.
StateResult<std::unique_ptr<StateBackend>> open_state_backend(const StateConfig& config);

}  // namespace rapidbyte::engine
