// PgError: everything the PostgreSQL client reports when something fails —
// a server ErrorResponse with its fields, or a failure on the client side
// (connection lost, malformed server message, unsupported auth, a value
// that does not fit its Arrow type) — plus the connector error category it
// maps to. A plain value; thread-compatible.
//
// Categories follow the SQLSTATE class: 28 auth, 42501 permission,
// 08/40001/40P01/57P01-57P03/53300 transient-db, 22/23 data, other 42 and
// 3F schema, XX internal, anything else config. Client-side failures carry
// the category their cause implies (connection loss is transient-db).
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "portable/protocol/types.hpp"

namespace rapidbyte::postgres {

enum class PgErrorSource : uint8_t {
  kServer,      // an ErrorResponse; sqlstate and the fields are the server's
  kConnection,  // the transport failed or the peer closed
  kProtocol,    // the server sent something malformed or unexpected
  kClient,      // a client-side check: bad options, unsupported feature
  kData,        // a value could not be converted (codec)
};

struct PgError {
  PgErrorSource source = PgErrorSource::kClient;
  protocol::ErrorCategory category = protocol::ErrorCategory::kInternal;
  std::string severity;  // "ERROR", "FATAL", "PANIC" (non-localized 'V' field)
  std::string sqlstate;  // five characters; empty for most client-side errors
  std::string message;
  std::string detail;
  std::string hint;
  int32_t position = 0;  // 1-based character offset into the query; 0 when absent
  std::string where;
  std::string schema;
  std::string table;
  std::string column;
  std::string constraint;

  // "FATAL 28P01: password authentication failed for user \"x\"" plus
  // detail and hint when present.
  std::string to_string() const;

  // The connector-protocol error: category, code "PG_<SQLSTATE>" (or
  // "PG_CLIENT" for an error of the client itself), retryable
  // and backoff from the category, the remaining fields as details.
  protocol::ConnectorError to_connector_error() const;
};

// The category for a SQLSTATE (see the header comment).
protocol::ErrorCategory category_for_sqlstate(std::string_view sqlstate);

// Client-side errors.
PgError connection_error(std::string message);
PgError protocol_error(std::string message);
PgError client_error(protocol::ErrorCategory category, std::string message);
PgError data_error(std::string message);

// `error`, about a value of column `column`: names the column in the field
// and at the start of the message.
PgError in_column(PgError error, std::string_view column);

}  // namespace rapidbyte::postgres
