// CdcReader: the read phase of a pipeline's `cdc` streams — their tables'
// changes from PostgreSQL logical replication (pgoutput, no server
// extension), through one replication slot and one publication, as Arrow
// batches with change columns (change_batch_builder.hpp) and LSN cursors.
//
// First run (no stream has a cursor): the publication and the slot are
// created; CREATE_REPLICATION_SLOT ... USE_SNAPSHOT inside a REPEATABLE READ
// READ ONLY transaction makes every table's COPY read exactly the data the
// slot's stream starts after, so snapshot + stream is consistent. Each
// snapshot starts with a reset row (it replaces what the destination holds)
// and ends with a checkpoint at the slot's consistent point. A slot left by
// a run whose snapshots were never committed is dropped and made again.
//
// A stream added later (no cursor while others have one) gets a snapshot of
// its own from a temporary slot, at that slot's consistent point; the shared
// slot's changes to its table are applied after that point only, and the
// other streams go on from their cursors without a new copy.
//
// A stream with `partitions` has its initial snapshot read as slices, each
// a unit of work of its own (partition_planner.hpp): begin_change_snapshot
// makes sure the pipeline's slot exists, then takes the snapshot from a
// temporary slot made after it, whose consistent point is where the
// stream's changes begin; read_change_slice reads one slice of it. The
// engine commits that point as the stream's cursor once every slice is
// done, and only then reads the pipeline's changes, so the slot keeps the
// stream's changes meanwhile.
//
// Then ChangeStream (change_stream.hpp) streams from the smallest cursor and
// confirms the slot only up to what every stream's destination committed. A
// stream whose cursor is behind what the slot confirmed (it was not read
// while others were) fails with SLOT_AHEAD rather than missing changes.
//
// A dry run changes nothing on the server (no publication, slot or WAL
// marker): it previews each table's current rows as a first run's snapshot
// would deliver them, whether or not a slot exists. Not thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "guest/connectors/postgres-common/connection_settings.hpp"
#include "guest/connectors/source-postgres/cdc_options.hpp"
#include "guest/sdk/context.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/postgres/replication/lsn.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::source_postgres {

// REQUIRES: every stream of `streams` has sync mode cdc.
sdk::Result<protocol::ReadSummary> read_changes(sdk::Context& ctx,
                                                const postgres_common::ConnectionSettings& settings,
                                                const CdcOptions& options,
                                                const std::vector<protocol::StreamContext>& streams,
                                                std::optional<uint64_t> max_records, bool dry_run);

// The plan of cdc `stream`'s partitioned snapshot: publishes the stream's
// table (keeping the others), creates the pipeline's slot when missing, and
// imports the snapshot of a temporary slot made after it into a new
// REPEATABLE READ READ ONLY transaction on `importer`, which the caller
// keeps open while the slices import it in turn. Returns the temporary
// slot's consistent point (dropped with it before this returns): the
// snapshot is the table as of that LSN. A plan of resumed slices (their
// cursor in `stream.last_cursor_value`) first checks that the changes after
// it are still there: the table still published (PUBLICATION_STALE), the
// slot still there (SLOT_MISSING) and not confirmed past it (SLOT_AHEAD).
sdk::Result<postgres::Lsn> begin_change_snapshot(
    sdk::Context& ctx, const postgres_common::ConnectionSettings& settings,
    const CdcOptions& options, const protocol::StreamContext& stream,
    postgres::Connection& importer);

// One slice of cdc `stream`'s partitioned snapshot (stream.partition), read
// in its plan's snapshot like a whole snapshot: the change columns stamped
// with the plan's LSN (the slice's bound) and, in upsert mode, a reset row
// first, which the destination applies once per generation of slices.
sdk::Result<protocol::ReadSummary> read_change_slice(
    sdk::Context& ctx, const postgres_common::ConnectionSettings& settings,
    const protocol::StreamContext& stream, std::optional<uint64_t> max_records);

// Drops the slot and, when the connector created it, the publication (and
// the per-stream slots and publications of earlier versions for `streams`).
// Missing ones are not an error.
sdk::Result<void> teardown_changes(sdk::Context& ctx,
                                   const postgres_common::ConnectionSettings& settings,
                                   const CdcOptions& options,
                                   const std::vector<protocol::StreamContext>& streams);

}  // namespace rapidbyte::connectors::source_postgres
