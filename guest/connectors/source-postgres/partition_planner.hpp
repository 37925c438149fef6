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
// An auto plan (request.at_most, `partitions: auto`) makes one slice per
// kAutoSliceBytes of the table's size, up to request.count; a view, whose
// size is unknown, gets request.count.
//
// An incremental stream's first read is partitioned with a cursor bound
// (CursorBound): every slice reads only the rows whose cursor is NULL or at
// most the largest cursor in the plan's snapshot, which the engine commits
// as the stream's cursor once every slice is done. A slice that a resumed
// run reads in a new snapshot then skips rows written since the plan (their
// cursor is past the bound), and the stream's next incremental read gets
// them: no change is lost between slices read at different instants.
//
// A slice travels through the engine (and its state, to resume) as JSON,
// and is parsed back here: {"pages":[lo,hi|null]},
// {"lower":"v"|null,"upper":"v"|null} or {"mod":i,"of":n}; with a cursor
// bound also "cursor_max": null (no row had a cursor) or {"int64": "5"}
// (the value's kind, as text: int64, float64 (its IEEE 754 bits as an
// unsigned integer), text, timestamp_micros, date_days, lsn).
//
// A cdc stream's initial snapshot is partitioned the same way, in the
// snapshot of a replication slot (cdc_reader.hpp): its bound is the slot's
// consistent point as an lsn, where the stream's changes begin; it filters
// no rows (a cdc stream has no cursor column) but stamps the slices' change
// columns and becomes the stream's cursor once every slice is done.
#pragma once

#include <string>
#include <vector>

#include "guest/connectors/source-postgres/table_catalog.hpp"
#include "guest/sdk/error.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::source_postgres {

// The largest cursor of an incremental stream's first read; nullopt
// `max`: no row has a cursor. A cdc stream's: the LSN of its snapshot.
struct CursorBound {
  std::optional<protocol::CursorValue> max;
};

// What one slice of an auto plan reads, about.
inline constexpr uint64_t kAutoSliceBytes = 128ull << 20;

// The `request.count` slices of `table` (for an auto plan, as many as its
// size calls for), each with the exported snapshot (and `bound`, when given).
// REQUIRES: a REPEATABLE READ transaction is open on `connection`.
sdk::Result<std::vector<protocol::Partition>> plan_partitions(
    postgres::Connection& connection, const TableInfo& table, const protocol::Partition& request,
    const std::optional<CursorBound>& bound);

// The cursor bound of `partition`'s slice; nullopt when its plan set none.
sdk::Result<std::optional<CursorBound>> slice_cursor_bound(const protocol::Partition& partition);

// The WHERE condition selecting the rows of `partition`'s slice of `table`.
sdk::Result<std::string> slice_filter(const TableInfo& table, const protocol::Partition& partition);

}  // namespace rapidbyte::connectors::source_postgres
