// What a pipeline keeps between runs — committed cursors and connector state
// — as `rapidbyte state show|reset` and `teardown` see it: of the whole
// pipeline, or of one stream. Run history and dead letters are kept apart
// (`rapidbyte runs`, `rapidbyte dlq`) and are not part of it.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/engine_error.hpp"
#include "host/engine/pipeline_config.hpp"
#include "host/engine/state/state_backend.hpp"

namespace rapidbyte::engine {

struct PipelineState {
  std::vector<StreamCursor> cursors;
  std::vector<StateEntry> connector_state;
  bool empty() const { return cursors.empty() && connector_state.empty(); }
};

// The state of `pipeline`, or of its stream `stream`: a stream of the file,
// or one that has state (a stream since removed from the file). Any other
// name is a config error listing the streams there are.
std::expected<PipelineState, EngineError> read_pipeline_state(
    StateBackend& state, const PipelineConfig& pipeline, const std::optional<std::string>& stream);

// Forgets that state, so that the next run starts those streams from
// scratch (a full read; for cdc, a new snapshot), and returns what it was.
// Not while the pipeline runs: that run would write it again (kBusy).
std::expected<PipelineState, EngineError> reset_pipeline_state(
    StateBackend& state, const PipelineConfig& pipeline, const std::optional<std::string>& stream);

// The same without the lease and the name check, for a caller that holds
// the lease (teardown).
StateResult<PipelineState> forget_pipeline_state(StateBackend& state, const std::string& pipeline,
                                                 const std::optional<std::string>& stream);

}  // namespace rapidbyte::engine
