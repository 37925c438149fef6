#include "host/engine/pipeline_state.hpp"

#include <algorithm>

#include "host/engine/state/state_keys.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::engine {
namespace {

StateResult<PipelineState> read_state(StateBackend& state, const std::string& pipeline,
                                      const std::optional<std::string>& stream) {
  PipelineState out;
  RB_ASSIGN_OR_RETURN(out.cursors, state.cursors(pipeline));
  if (stream) {
    std::erase_if(out.cursors, [&](const StreamCursor& c) { return c.stream != *stream; });
    RB_ASSIGN_OR_RETURN(out.connector_state,
                        state.state_entries(stream_state_prefix(pipeline, *stream)));
    return out;
  }
  for (const std::string& prefix : pipeline_state_prefixes(pipeline)) {
    RB_ASSIGN_OR_RETURN(auto entries, state.state_entries(prefix));
    std::ranges::move(entries, std::back_inserter(out.connector_state));
  }
  return out;
}

// A stream of the file, or one with state; otherwise the error naming both.
std::expected<void, EngineError> check_stream_name(const PipelineConfig& pipeline,
                                                   const PipelineState& found,
                                                   const std::optional<std::string>& stream) {
  if (!stream || !found.empty()) return {};
  std::string names;
  for (const auto& s : pipeline.streams) {
    if (s.name == *stream) return {};
    names += (names.empty() ? "" : ", ") + s.name;
  }
  return std::unexpected(EngineError{
      EngineError::Kind::kConfig,
      "pipeline '" + pipeline.pipeline + "' has no stream '" + *stream +
          "' and no state for one (its streams: " + (names.empty() ? "none" : names) + ")"});
}

}  // namespace

std::expected<PipelineState, EngineError> read_pipeline_state(
    StateBackend& state, const PipelineConfig& pipeline, const std::optional<std::string>& stream) {
  auto found = read_state(state, pipeline.pipeline, stream);
  if (!found) return std::unexpected(engine_error(std::move(found).error()));
  RB_TRY(check_stream_name(pipeline, *found, stream));
  return std::move(*found);
}

std::expected<PipelineState, EngineError> reset_pipeline_state(
    StateBackend& state, const PipelineConfig& pipeline, const std::optional<std::string>& stream) {
  auto lease = state.acquire_lease(pipeline.pipeline);
  if (!lease) return std::unexpected(engine_error(std::move(lease).error()));
  auto found = read_state(state, pipeline.pipeline, stream);
  if (!found) return std::unexpected(engine_error(std::move(found).error()));
  RB_TRY(check_stream_name(pipeline, *found, stream));
  auto forgotten = forget_pipeline_state(state, pipeline.pipeline, stream);
  if (!forgotten) return std::unexpected(engine_error(std::move(forgotten).error()));
  return std::move(*forgotten);
}

StateResult<PipelineState> forget_pipeline_state(StateBackend& state, const std::string& pipeline,
                                                 const std::optional<std::string>& stream) {
  RB_ASSIGN_OR_RETURN(PipelineState found, read_state(state, pipeline, stream));
  for (const StreamCursor& c : found.cursors) RB_TRY(state.clear_cursor(pipeline, c.stream));
  if (stream) {
    RB_TRY(state.delete_state(stream_state_prefix(pipeline, *stream)));
  } else {
    for (const std::string& prefix : pipeline_state_prefixes(pipeline))
      RB_TRY(state.delete_state(prefix));
  }
  return found;
}

}  // namespace rapidbyte::engine
