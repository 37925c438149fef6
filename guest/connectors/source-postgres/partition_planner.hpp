// Partitioned reads of one table: the plan that splits it into slices of one
// snapshot, and the row filter of each slice.
//
// plan_partitions runs in a REPEATABLE READ transaction the caller began on
// `connection` and keeps open: it exports that transaction's snapshot
// (pg_export_snapshot), which every slice's reader then sets, so the union
// of the slices is the table at one instant however rows move meanwhile.
//
// How a table is split:
//   no key      ranges of heap pages, `ctid >= '(lo,0)' AND ctid < '(hi,0)'`
//               (a TID range scan), from the table's size; plain tables only.
//   key, range  ranges of the key column (integer, numeric, timestamp, date):
//               bounds at even positions of the column's histogram in
//               pg_stats when the table was analyzed (so skewed keys still
//               split evenly), else even steps between min and max under
//               the snapshot. NULL keys belong to the first slice.
//   key, mod    `mod(key, count) = index` on an integer key (NULLs: slice 0).
// The last slice is open above and the first open below, so a row is in
// exactly one slice whatever bounds the statistics gave.
//
// A slice travels through the engine (and its state, to resume) as JSON,
// and is parsed back here: {"pages":[lo,hi|null]},
// {"lower":"v"|null,"upper":"v"|null} or {"mod":i,"of":n}.
#pragma once

#include <string>
#include <vector>

#include "guest/connectors/source-postgres/table_catalog.hpp"
#include "guest/sdk/error.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::source_postgres {

// The `request.count` slices of `table`, each with the exported snapshot.
// REQUIRES: a REPEATABLE READ transaction is open on `connection`.
sdk::Result<std::vector<protocol::Partition>> plan_partitions(postgres::Connection& connection,
                                                              const TableInfo& table,
                                                              const protocol::Partition& request);

// The WHERE condition selecting the rows of `partition`'s slice of `table`.
sdk::Result<std::string> slice_filter(const TableInfo& table, const protocol::Partition& partition);

}  // namespace rapidbyte::connectors::source_postgres
