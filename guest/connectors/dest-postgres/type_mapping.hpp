// The reverse type mapping of dest-postgres: the PostgreSQL column type for
// an incoming Arrow field (DESIGN.md §2 read backwards).
//
// A field that carries `rapidbyte.pg_type` metadata (source-postgres sets it
// for built-in types) gets exactly that type, so varchar(20), inet or
// numeric(12,2)[] survive a PostgreSQL → PostgreSQL copy. The metadata is
// untrusted input: only a type name made of letters, digits, spaces,
// parentheses, commas and brackets is accepted; anything else falls back to
// the mapping from the Arrow type. Plain functions.
#pragma once

#include <string>

#include "guest/sdk/error.hpp"
#include "portable/arrow/field.hpp"

namespace rapidbyte::connectors::dest_postgres {

// The type to declare a column of `field` with, e.g. "bigint",
// "numeric(12, 2)", "timestamp with time zone", "uuid", "jsonb", "text[]".
// A schema error for an Arrow type with no PostgreSQL equivalent.
sdk::Result<std::string> postgres_type_for(const arrow::Field& field);

}  // namespace rapidbyte::connectors::dest_postgres
