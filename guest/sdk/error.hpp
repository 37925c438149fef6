// Errors in the SDK: every fallible call returns `Result<T>`, a
// std::expected whose error is the contract's structured ConnectorError.
//
// Connectors build errors with one helper per category, each filling the
// category's sensible defaults (retryable, backoff, safe-to-retry) so that the
// engine's retry policy does the right thing without every connector
// restating it. Helpers return std::unexpected so they read as a return:
//
//   if (!host) return sdk::config_error("'host' is required", "CONFIG_MISSING_FIELD");
//
// Adjust a default through `.error()`:
//
//   auto e = sdk::transient_db_error("deadlock detected", "PG_40P01");
//   e.error().retry_after_ms = 200;
//   return e;
#pragma once

#include <expected>
#include <string>

#include "portable/protocol/types.hpp"

namespace rapidbyte::sdk {

namespace protocol = ::rapidbyte::protocol;

template <class T = void>
using Result = std::expected<T, protocol::ConnectorError>;

// An error of `category` with that category's defaults:
//
//   category            code (default)     retryable  backoff  safe_to_retry  scope
//   config              CONFIG_INVALID     no         normal   no             per-stream
//   auth                AUTH_FAILED        no         normal   no             per-stream
//   permission          PERMISSION_DENIED  no         normal   no             per-stream
//   rate-limit          RATE_LIMITED       yes        slow     yes            per-stream
//   transient-network   NETWORK_TRANSIENT  yes        normal   yes            per-stream
//   transient-db        DB_TRANSIENT       yes        normal   yes            per-stream
//   data                DATA_INVALID       no         normal   no             per-record
//   schema              SCHEMA_MISMATCH    no         normal   no             per-stream
//   internal            INTERNAL           no         normal   no             per-stream
//
// commit_state is always before-commit; an empty `code` takes the default.
protocol::ConnectorError make_error(protocol::ErrorCategory category, std::string message,
                                    std::string code = {});

std::unexpected<protocol::ConnectorError> config_error(std::string message, std::string code = {});
std::unexpected<protocol::ConnectorError> auth_error(std::string message, std::string code = {});
std::unexpected<protocol::ConnectorError> permission_error(std::string message,
                                                           std::string code = {});
std::unexpected<protocol::ConnectorError> rate_limit_error(std::string message,
                                                           std::string code = {});
std::unexpected<protocol::ConnectorError> transient_network_error(std::string message,
                                                                  std::string code = {});
std::unexpected<protocol::ConnectorError> transient_db_error(std::string message,
                                                             std::string code = {});
std::unexpected<protocol::ConnectorError> data_error(std::string message, std::string code = {});
std::unexpected<protocol::ConnectorError> schema_error(std::string message, std::string code = {});
std::unexpected<protocol::ConnectorError> internal_error(std::string message,
                                                         std::string code = {});

// Whether a connector of `role` is ever run with `phase`: a source discovers,
// reads and tears down, a destination writes, a transform transforms.
bool role_runs(protocol::ConnectorRole role, protocol::RunPhase phase);
// The error for a run with a phase the connector does not support (category
// internal, code BAD_PHASE). The SDK returns it before `run` is called when
// the role never runs the phase, so a connector only needs it for a phase its
// role has and it does not.
std::unexpected<protocol::ConnectorError> unsupported_phase(protocol::ConnectorRole role,
                                                            protocol::RunPhase phase);

}  // namespace rapidbyte::sdk
