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

}  // namespace rapidbyte::runtime
