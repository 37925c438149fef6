// A dry run of dest-postgres's write phase (`rapidbyte check`): the schema
// each batch carries is compared with the stream's target table, which is
// read and never changed, and every problem a real write would meet is
// reported, one per line of the error: a column of another type, a NOT NULL
// column the stream may leave empty, a new or removed column a policy
// refuses, a type PostgreSQL has no column for, a resumed stream whose table
// is gone.
#pragma once

#include "guest/connectors/dest-postgres/table_writer.hpp"
#include "guest/sdk/context.hpp"
#include "guest/sdk/error.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::dest_postgres {

// Reads the stream's batches to the end (a dry run sends its schema in a
// batch without rows) and checks the first schema against the target.
// Fails with the first problem's category and code, the message holding
// every problem, one per line.
sdk::Result<protocol::RunSummary> check_target(sdk::Context& ctx, postgres::Connection& connection,
                                               const WriterOptions& options);

}  // namespace rapidbyte::connectors::dest_postgres
