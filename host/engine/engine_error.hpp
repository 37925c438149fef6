// Why the engine did not run a pipeline, or could not record its outcome. A
// stream that fails inside a run is not an EngineError: the RunReport says
// so. The kind decides the CLI's exit code (host/cli/exit_codes.hpp).
#pragma once

#include <string>

namespace rapidbyte::engine {

struct EngineError {
  enum class Kind {
    kConfig,   // the pipeline, a connector's config, or a connector not found
    kBusy,     // another run of the pipeline holds its lease
    kState,    // the state backend failed
    kRuntime,  // the wasm runtime could not start
  };
  Kind kind;
  std::string message;
};

}  // namespace rapidbyte::engine
