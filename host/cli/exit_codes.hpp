// The `rapidbyte` command's exit codes, and the one place that maps an
// outcome to them (the README lists them too):
//   0   success
//   1   the run or check failed; or the state backend or the runtime did
//   2   bad usage or configuration (the message names file, line and field)
//   3   some streams failed while others succeeded
//   4   the pipeline is already running (the message names that run)
//   130 interrupted (Ctrl-C, SIGTERM); what was committed stays committed
#pragma once

#include <vector>

#include "host/engine/check_line.hpp"
#include "host/engine/engine_error.hpp"
#include "host/engine/run_status.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitPartial = 3;
inline constexpr int kExitBusy = 4;
inline constexpr int kExitInterrupted = 130;

// How a run that took place ended.
inline int exit_code(engine::RunStatus status) {
  switch (status) {
    case engine::RunStatus::kSucceeded:
      return kExitOk;
    case engine::RunStatus::kPartial:
      return kExitPartial;
    case engine::RunStatus::kCancelled:
      return kExitInterrupted;
    case engine::RunStatus::kRunning:
    case engine::RunStatus::kFailed:
    case engine::RunStatus::kAbandoned:
      break;
  }
  return kExitFailed;
}

// Why the engine did not run (or record) the pipeline.
inline int exit_code(engine::EngineError::Kind kind) {
  switch (kind) {
    case engine::EngineError::Kind::kConfig:
      return kExitUsage;
    case engine::EngineError::Kind::kBusy:
      return kExitBusy;
    case engine::EngineError::Kind::kState:
    case engine::EngineError::Kind::kRuntime:
      break;
  }
  return kExitFailed;
}

// How `check` ended: like a run with the same problem, exit 2 when the
// file itself is invalid, 1 when a system it names refuses it.
inline int exit_code(const std::vector<engine::CheckLine>& lines) {
  int code = kExitOk;
  for (const engine::CheckLine& line : lines) {
    if (line.status != protocol::CheckStatus::kFailed) continue;
    if (line.invalid_pipeline) return kExitUsage;
    code = kExitFailed;
  }
  return code;
}

// A command's connector error (discover, teardown): code RUNNING is a lease
// another run holds.
inline int exit_code(const protocol::ConnectorError& error) {
  if (error.code == "RUNNING") return kExitBusy;
  return error.category == protocol::ErrorCategory::kConfig ? kExitUsage : kExitFailed;
}

}  // namespace rapidbyte::cli
