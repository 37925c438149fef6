// Why a state backend call failed. The kind is what callers act on: a
// stage's state call that failed with kUnavailable is retried by the run,
// kUnusable stops it (no retry can help), and kLeaseHeld is the "already
// running" exit code. The message names the database and the operation;
// it never holds a password.
#pragma once

#include <ostream>
#include <string>
#include <utility>

#include "host/engine/engine_error.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

struct StateError {
  enum class Kind {
    // The database could not be reached, stayed locked, or an operation
    // failed: a later attempt may succeed.
    kUnavailable,
    // What the database holds cannot be used by this build (not a rapidbyte
    // database, a newer schema, a cursor that does not decode).
    kUnusable,
    // Another run holds the pipeline's run lease, or took it over when this
    // run's connection was lost.
    kLeaseHeld,
  };
  Kind kind = Kind::kUnavailable;
  std::string message;

  static StateError unavailable(std::string message) {
    return {Kind::kUnavailable, std::move(message)};
  }
  static StateError unusable(std::string message) { return {Kind::kUnusable, std::move(message)}; }
  static StateError lease_held(std::string message) {
    return {Kind::kLeaseHeld, std::move(message)};
  }

  bool retryable() const { return kind == Kind::kUnavailable; }
};

// The engine's error for a state failure before or after a run: kBusy when
// another run holds the lease (exit code 4), otherwise kState.
EngineError engine_error(StateError error);

// A state failure inside a stage or a command, as a connector error: code
// RUNNING when another run holds the lease (exit code 4), otherwise STATE,
// retryable only when a later attempt may succeed.
protocol::ConnectorError connector_error(StateError error);

// For test failure messages.
inline std::ostream& operator<<(std::ostream& out, const StateError& error) {
  return out << error.message;
}

}  // namespace rapidbyte::engine
