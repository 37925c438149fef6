// Quoting for SQL text sent to PostgreSQL: identifiers and string literals,
// in the SQL grammar and the replication grammar alike. A NUL byte cannot
// appear in PostgreSQL text; it is dropped rather than sent (the server
// would refuse the whole statement).
#pragma once

#include <string>
#include <string_view>

namespace rapidbyte::postgres {

// "name" with embedded double quotes doubled.
std::string quote_identifier(std::string_view name);

// 'text' with embedded single quotes doubled (standard_conforming_strings
// is on in every supported server).
std::string quote_literal(std::string_view text);

}  // namespace rapidbyte::postgres
