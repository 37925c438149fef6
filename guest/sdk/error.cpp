#include "guest/sdk/error.hpp"

#include <array>
#include <utility>

#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::sdk {

namespace {

using protocol::BackoffClass;
using protocol::ErrorCategory;
using protocol::ErrorScope;

struct CategoryDefaults {
  const char* code;
  bool retryable;
  BackoffClass backoff;
  ErrorScope scope;
};

// Indexed by ErrorCategory, in WIT order.
constexpr std::array<CategoryDefaults, 9> kDefaults = {{
    {"CONFIG_INVALID", false, BackoffClass::kNormal, ErrorScope::kPerStream},
    {"AUTH_FAILED", false, BackoffClass::kNormal, ErrorScope::kPerStream},
    {"PERMISSION_DENIED", false, BackoffClass::kNormal, ErrorScope::kPerStream},
    {"RATE_LIMITED", true, BackoffClass::kSlow, ErrorScope::kPerStream},
    {"NETWORK_TRANSIENT", true, BackoffClass::kNormal, ErrorScope::kPerStream},
    {"DB_TRANSIENT", true, BackoffClass::kNormal, ErrorScope::kPerStream},
    {"DATA_INVALID", false, BackoffClass::kNormal, ErrorScope::kPerRecord},
    {"SCHEMA_MISMATCH", false, BackoffClass::kNormal, ErrorScope::kPerStream},
    {"INTERNAL", false, BackoffClass::kNormal, ErrorScope::kPerStream},
}};

std::unexpected<protocol::ConnectorError> fail(ErrorCategory category, std::string message,
                                               std::string code) {
  return std::unexpected(make_error(category, std::move(message), std::move(code)));
}

}  // namespace

protocol::ConnectorError make_error(ErrorCategory category, std::string message, std::string code) {
  const CategoryDefaults& d = kDefaults[static_cast<size_t>(category)];
  protocol::ConnectorError e;
  e.category = category;
  e.scope = d.scope;
  e.code = code.empty() ? std::string(d.code) : std::move(code);
  e.message = std::move(message);
  e.retryable = d.retryable;
  e.backoff_class = d.backoff;
  // A retryable error is raised before anything was committed, so repeating
  // the call cannot duplicate data.
  e.safe_to_retry = d.retryable;
  e.commit_state = protocol::CommitState::kBeforeCommit;
  return e;
}

std::unexpected<protocol::ConnectorError> config_error(std::string message, std::string code) {
  return fail(ErrorCategory::kConfig, std::move(message), std::move(code));
}
std::unexpected<protocol::ConnectorError> auth_error(std::string message, std::string code) {
  return fail(ErrorCategory::kAuth, std::move(message), std::move(code));
}
std::unexpected<protocol::ConnectorError> permission_error(std::string message, std::string code) {
  return fail(ErrorCategory::kPermission, std::move(message), std::move(code));
}
std::unexpected<protocol::ConnectorError> rate_limit_error(std::string message, std::string code) {
  return fail(ErrorCategory::kRateLimit, std::move(message), std::move(code));
}
std::unexpected<protocol::ConnectorError> transient_network_error(std::string message,
                                                                  std::string code) {
  return fail(ErrorCategory::kTransientNetwork, std::move(message), std::move(code));
}
std::unexpected<protocol::ConnectorError> transient_db_error(std::string message,
                                                             std::string code) {
  return fail(ErrorCategory::kTransientDb, std::move(message), std::move(code));
}
std::unexpected<protocol::ConnectorError> data_error(std::string message, std::string code) {
  return fail(ErrorCategory::kData, std::move(message), std::move(code));
}
std::unexpected<protocol::ConnectorError> schema_error(std::string message, std::string code) {
  return fail(ErrorCategory::kSchema, std::move(message), std::move(code));
}
std::unexpected<protocol::ConnectorError> internal_error(std::string message, std::string code) {
  return fail(ErrorCategory::kInternal, std::move(message), std::move(code));
}

bool role_runs(protocol::ConnectorRole role, protocol::RunPhase phase) {
  using protocol::RunPhase;
  switch (role) {
    case protocol::ConnectorRole::kSource:
      return phase == RunPhase::kDiscover || phase == RunPhase::kRead ||
             phase == RunPhase::kTeardown || phase == RunPhase::kPlan;
    case protocol::ConnectorRole::kDestination:
      return phase == RunPhase::kWrite || phase == RunPhase::kFinalize;
    case protocol::ConnectorRole::kTransform:
      return phase == RunPhase::kTransform;
  }
  return false;
}

std::unexpected<protocol::ConnectorError> unsupported_phase(protocol::ConnectorRole role,
                                                            protocol::RunPhase phase) {
  return internal_error("this " + std::string(protocol::role_name(role)) + " does not run the " +
                            std::string(protocol::phase_name(phase)) + " phase",
                        "BAD_PHASE");
}

}  // namespace rapidbyte::sdk
