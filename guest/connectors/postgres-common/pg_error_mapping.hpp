// Turns a PostgreSQL client error into the connector error the engine sees:
// the category the client derived from the SQLSTATE, code "PG_<SQLSTATE>",
// the server's message (prefixed with what the connector was doing) and the
// server's fields as details. Messages never contain the password: the
// client never puts it in an error.
#pragma once

#include <string_view>

#include "guest/sdk/error.hpp"
#include "portable/postgres/pg_error.hpp"

namespace rapidbyte::connectors::postgres_common {

protocol::ConnectorError to_connector_error(const postgres::PgError& error,
                                            std::string_view context = {});

inline std::unexpected<protocol::ConnectorError> fail_with(const postgres::PgError& error,
                                                           std::string_view context = {}) {
  return std::unexpected(to_connector_error(error, context));
}

}  // namespace rapidbyte::connectors::postgres_common
