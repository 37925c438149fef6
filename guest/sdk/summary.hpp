// Builders for the one RunSummary every `run` returns, so a connector writes
// `return sdk::summary(read);` instead of filling the optional of its role.
// The SDK sets `role` from the module's world before returning to the host.
#pragma once

#include <utility>

#include "portable/protocol/types.hpp"

namespace rapidbyte::sdk {

inline protocol::RunSummary summary(const protocol::ReadSummary& read) {
  protocol::RunSummary s;
  s.role = protocol::ConnectorRole::kSource;
  s.read = read;
  return s;
}

inline protocol::RunSummary summary(const protocol::WriteSummary& write) {
  protocol::RunSummary s;
  s.role = protocol::ConnectorRole::kDestination;
  s.write = write;
  return s;
}

inline protocol::RunSummary summary(const protocol::TransformSummary& transform) {
  protocol::RunSummary s;
  s.role = protocol::ConnectorRole::kTransform;
  s.transform = transform;
  return s;
}

// The result of a source's discover phase.
inline protocol::RunSummary summary(protocol::Catalog catalog) {
  protocol::RunSummary s;
  s.role = protocol::ConnectorRole::kSource;
  s.catalog = std::move(catalog);
  return s;
}

}  // namespace rapidbyte::sdk
