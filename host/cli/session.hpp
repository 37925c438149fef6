// What a CLI command opens for a pipeline file: the pipeline, its state
// backend and, for commands that start connectors, the wasm engine and the
// connector search path. On failure the problem is printed and the exit
// code returned.
#pragma once

#include <expected>
#include <memory>

#include <spdlog/logger.h>

#include <string>

#include "host/engine/connector_catalog.hpp"
#include "host/engine/engine_error.hpp"
#include "host/engine/pipeline_config.hpp"
#include "host/engine/state/state_backend.hpp"
#include "host/runtime/wasm_engine.hpp"

namespace rapidbyte::cli {

// Prints why the engine did not do what was asked and returns the exit code
// for it.
int engine_failed(const engine::EngineError& error);

// The pipeline and its state: for commands that only read or change state
// (state, runs, dlq).
struct StateSession {
  engine::PipelineConfig pipeline;
  std::unique_ptr<engine::StateBackend> state;
};

std::expected<StateSession, int> open_state_session(
    const std::string& pipeline_path, engine::PipelineScope scope = engine::PipelineScope::kWhole);

// Everything a command needs to start connectors for a pipeline.
struct Session {
  engine::PipelineConfig pipeline;
  std::unique_ptr<engine::StateBackend> state;
  std::unique_ptr<runtime::WasmEngine> wasm;
  std::unique_ptr<engine::ConnectorCatalog> catalog;
};

// Stream patterns ("sales.*") are expanded against the source's catalog
// here, so every command sees the streams they stand for.
std::expected<Session, int> open_session(
    const std::string& pipeline_path, const std::string& connector_dir,
    const std::shared_ptr<spdlog::logger>& log,
    engine::PipelineScope scope = engine::PipelineScope::kWhole);

}  // namespace rapidbyte::cli
