// Constructors for the structured connector errors the host itself raises
// (sandbox faults, denied permissions, network failures).
#pragma once

#include <string>

#include "portable/protocol/types.hpp"

namespace rapidbyte::runtime {

inline protocol::ConnectorError make_error(protocol::ErrorCategory category, std::string code,
                                           std::string message) {
  protocol::ConnectorError e;
  e.category = category;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

inline protocol::ConnectorError transient_network_error(std::string message) {
  auto e = make_error(protocol::ErrorCategory::kTransientNetwork, "NETWORK", std::move(message));
  e.retryable = true;
  e.safe_to_retry = true;
  return e;
}

// What a host call fails with once the run, or the caller's stream, is
// cancelled.
inline protocol::ConnectorError cancelled_error() {
  return make_error(protocol::ErrorCategory::kInternal, "CANCELLED", "the run was cancelled");
}

// Whether `e` only reports a cancellation (its cause is elsewhere).
inline bool is_cancellation(const protocol::ConnectorError& e) {
  return e.code == "CANCELLED";
}

}  // namespace rapidbyte::runtime
