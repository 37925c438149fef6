// CdcReader: the read phase of a `cdc` stream — its table's changes from
// PostgreSQL logical replication (pgoutput, no server extension), as Arrow
// batches with change columns (change_batch_builder.hpp) and LSN cursors.
//
// First run (no committed cursor): the stream's publication and slot are
// created; CREATE_REPLICATION_SLOT ... USE_SNAPSHOT inside a REPEATABLE READ
// READ ONLY transaction makes the table's COPY read exactly the data the
// slot's stream starts after, so snapshot + stream is consistent. The
// snapshot ends with a checkpoint at the slot's consistent point. (A slot
// left by a run that never committed its snapshot is dropped and made
// again.)
//
// Stream: START_REPLICATION from the committed LSN. Rows of several
// transactions share a batch; a batch is cut when it reaches the batch size
// (also inside a large transaction, so memory stays bounded), when the
// server goes idle (a keepalive) or after a short interval. Checkpoints
// carry the end LSN of the last transaction whose rows are all emitted.
//
// Acknowledgement: the standby status sent to the server confirms only the
// LSN the engine persisted (Context::committed_cursor(): the destination
// committed it), so the slot never lets go of changes not yet at the
// destination; after a crash the stream resumes from the persisted cursor
// and changes in between are applied again (the destination's upsert makes
// that idempotent).
//
// Bounded mode stops at the WAL position current at the start (marked with a
// non-transactional logical message, so the end is exact even on an idle
// server); continuous mode runs until the run is cancelled.
//
// A dry run changes nothing on the server (no publication, slot or WAL
// marker): it previews the table's current rows as a first run's snapshot
// would deliver them, whether or not the stream has a slot. Not thread-safe.
#pragma once

#include <optional>

#include "guest/connectors/postgres-common/connection_settings.hpp"
#include "guest/connectors/source-postgres/cdc_options.hpp"
#include "guest/sdk/context.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::source_postgres {

sdk::Result<protocol::ReadSummary> read_changes(sdk::Context& ctx,
                                                const pg::ConnectionSettings& settings,
                                                const CdcOptions& options,
                                                const protocol::StreamContext& stream,
                                                std::optional<uint64_t> max_records, bool dry_run);

// Drops the slot of the stream and, when the connector created it, its
// publication. Missing ones are not an error.
sdk::Result<void> teardown_changes(sdk::Context& ctx, const pg::ConnectionSettings& settings,
                                   const CdcOptions& options, const std::string& stream_name);

}  // namespace rapidbyte::connectors::source_postgres
