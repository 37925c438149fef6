// Simple-protocol queries with the connector's error: the rows of a query,
// or its first value. Shared by source-postgres and dest-postgres.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guest/sdk/error.hpp"
#include "portable/postgres/connection.hpp"

namespace rapidbyte::connectors::postgres_common {

// Rows of a simple query (text format), or the connector error prefixed
// with `context`.
sdk::Result<std::vector<postgres::TextResult>> run_sql(postgres::Connection& connection,
                                                       std::string_view sql,
                                                       std::string_view context);

// The first column of the first row of `sql` (NULL and no row: nullopt).
sdk::Result<std::optional<std::string>> single_value(postgres::Connection& connection,
                                                     std::string_view sql,
                                                     std::string_view context);

}  // namespace rapidbyte::connectors::postgres_common
