// The columns of a destination table as the server's catalog has them, and
// the DDL that creates a table from an Arrow schema. Plain functions; the
// returned values are owned by the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/sdk/error.hpp"
#include "portable/arrow/schema.hpp"
#include "portable/postgres/codec/value_codec.hpp"
#include "portable/postgres/connection.hpp"

namespace rapidbyte::connectors::dest_postgres {

struct TableColumn {
  std::string name;
  std::string type_name;        // format_type()
  postgres::PgColumnType type;  // binary format the column takes (domains resolved)
  bool not_null = false;
};

// The columns of `quoted_relation` ("schema"."table", or a temporary
// table's quoted name), in order; nullopt when it does not exist.
sdk::Result<std::optional<std::vector<TableColumn>>> load_table_columns(
    postgres::Connection& connection, const std::string& quoted_relation);

// CREATE [TEMP] TABLE <quoted_relation> (<one column per field>[, PRIMARY
// KEY (...)][, "__rb_seq" bigserial]). Key columns must be fields.
sdk::Result<std::string> create_table_sql(const std::string& quoted_relation,
                                          const arrow::Schema& schema,
                                          const std::vector<std::string>& primary_key,
                                          bool temporary, bool with_sequence);

// Runs SQL through the simple query protocol; errors are connector errors
// prefixed with `context`.
sdk::Result<void> exec_sql(postgres::Connection& connection, std::string_view sql,
                           std::string_view context);

// Takes the transaction lock of `target`'s name (held until the open
// transaction ends): writers that create or share tables beside it (the
// slices of one stream) take turns.
sdk::Result<void> lock_table_name(postgres::Connection& connection,
                                  const postgres_common::TableName& target);

// COMMIT; a failure's commit state is unknown (the server may have
// committed before the connection broke).
sdk::Result<void> commit_transaction(postgres::Connection& connection);

// The column name the staging tables use to keep the arrival order.
inline constexpr const char* kSequenceColumn = "__rb_seq";

}  // namespace rapidbyte::connectors::dest_postgres
