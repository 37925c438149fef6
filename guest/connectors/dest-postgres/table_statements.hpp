// The SQL text of the writer's statements other than the merge
// (merge_statement.hpp) and CREATE TABLE (table_columns.hpp): adding a
// column, the heads of a COPY or INSERT load, the staging tables beside a
// target, and the swap that puts a replace's staging table in its place. Pure: names are quoted
// here, no host calls.
#pragma once

#include <string>
#include <vector>

#include "guest/connectors/postgres-common/sql_text.hpp"

namespace rapidbyte::connectors::dest_postgres {

// ALTER TABLE <relation> ADD COLUMN IF NOT EXISTS "<name>" <type>.
// `relation` is quoted, `type` a type name (type_mapping.hpp). IF NOT
// EXISTS: slices of one stream add a new column at once, and the ones that
// find it added meanwhile go on (their plan reloads the columns).

std::string add_column_sql(const std::string& relation, const std::string& name,
                           const std::string& type);

// COPY <relation> ("a", "b") FROM STDIN (FORMAT binary).
std::string copy_in_sql(const std::string& relation, const std::vector<std::string>& columns);

// INSERT INTO <relation> ("a", "b") VALUES , to be followed by the rows.
std::string insert_head_sql(const std::string& relation, const std::vector<std::string>& columns);

// The table a replace writes into: "<table>__rb_replace" beside the target.
postgres_common::TableName replace_staging_table(const postgres_common::TableName& target);

// The table the slices of a partitioned append write into before the
// finalize appends it to the target: "<table>__rb_append".
postgres_common::TableName append_staging_table(const postgres_common::TableName& target);

// The record of the slices a partitioned replace or append committed into
// its staging table: "<table>__rb_slices" (slice_ledger.hpp).
postgres_common::TableName slice_ledger_table(const postgres_common::TableName& target);

// Drops `target` and renames its replace staging table, and that table's
// primary key index when it has one, to the target's names.
std::string replace_swap_sql(const postgres_common::TableName& target);

}  // namespace rapidbyte::connectors::dest_postgres
