#include "host/cli/session.hpp"

#include <iostream>

#include "host/cli/exit_codes.hpp"
#include "host/engine/pipeline_probe.hpp"
#include "host/engine/state/open_state_backend.hpp"

namespace rapidbyte::cli {

int engine_failed(const engine::EngineError& error) {
  std::cerr << "error: " << error.message << "\n";
  return exit_code(error.kind);
}

std::expected<StateSession, int> open_state_session(const std::string& pipeline_path,
                                                    engine::PipelineScope scope) {
  using Kind = engine::EngineError::Kind;
  auto pipeline = engine::load_pipeline(pipeline_path, scope);
  if (!pipeline) return std::unexpected(engine_failed({Kind::kConfig, pipeline.error()}));
  auto state = engine::open_state_backend(pipeline->state);
  if (!state) return std::unexpected(engine_failed(engine::engine_error(std::move(state).error())));
  return StateSession{std::move(*pipeline), std::move(*state)};
}

std::expected<Session, int> open_session(const std::string& pipeline_path,
                                         const std::string& connector_dir,
                                         const std::shared_ptr<spdlog::logger>& log,
                                         engine::PipelineScope scope) {
  // The pipeline first: a config error is reported before anything starts.
  auto opened = open_state_session(pipeline_path, scope);
  if (!opened) return std::unexpected(opened.error());
  Session s{std::move(opened->pipeline), std::move(opened->state), nullptr, nullptr};
  auto wasm = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!wasm) {
    return std::unexpected(engine_failed({engine::EngineError::Kind::kRuntime, wasm.error()}));
  }
  s.wasm = std::move(*wasm);
  s.catalog = std::make_unique<engine::ConnectorCatalog>(
      *s.wasm, engine::ConnectorCatalog::default_dirs(connector_dir));
  auto expanded = engine::resolve_stream_patterns(*s.wasm, *s.catalog, *s.state, s.pipeline, log);
  if (!expanded) {
    std::cerr << "error: " << expanded.error().message << "\n";
    return std::unexpected(exit_code(expanded.error()));
  }
  s.pipeline = std::move(*expanded);
  return s;
}

}  // namespace rapidbyte::cli
