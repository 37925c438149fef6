#include "host/engine/state/state_error.hpp"

#include "host/runtime/connector_errors.hpp"

namespace rapidbyte::engine {

EngineError engine_error(StateError error) {
  const auto kind = error.kind == StateError::Kind::kLeaseHeld ? EngineError::Kind::kBusy
                                                               : EngineError::Kind::kState;
  return EngineError{kind, std::move(error.message)};
}

protocol::ConnectorError connector_error(StateError error) {
  if (error.kind == StateError::Kind::kLeaseHeld) {
    return runtime::make_error(protocol::ErrorCategory::kConfig, "RUNNING",
                               std::move(error.message));
  }
  const bool retryable = error.retryable();
  auto e =
      runtime::make_error(protocol::ErrorCategory::kInternal, "STATE", std::move(error.message));
  e.retryable = retryable;
  if (retryable) e.backoff_class = protocol::BackoffClass::kSlow;
  return e;
}

}  // namespace rapidbyte::engine
