// SliceLedger: what the slices of one partitioned replace or append share
// on the server, and the record that makes each slice's commit happen once.
//
// The slices of one generation (protocol::Partition::generation: one plan
// of the stream, kept by every run that resumes it) write into one staging
// table beside the target, "<table>__rb_replace" or "<table>__rb_append",
// each in a single transaction, and each records its index in the ledger
// "<table>__rb_slices" in that same transaction. So a slice's rows are in
// the staging table exactly when its ledger row is; an attempt that finds
// its row there already (an earlier attempt committed, and the engine did
// not learn it before a crash) rolls back instead of writing the rows
// twice. The ledger's marker row (slice -1) names the generation the two
// tables belong to; a slice or a finalize of another generation (an
// abandoned plan) never writes into them.
//
// `finalize`, once every slice of the generation is recorded, publishes
// the staging table and drops the ledger in one transaction: a replace
// swaps it in for the target, an append inserts its rows into the target.
// Readers see the target as it was until then.
//
// The upsert slices of a cdc stream's snapshot write the target itself;
// each starts with the snapshot's reset row (a truncate), and the ledger's
// marker alone makes it apply once per generation: the slice that claims
// the ledger first empties the target, the others and every resumed slice
// find it claimed. Their finalize releases the ledger.
//
// Every method runs inside the caller's open transaction and first takes a
// transaction lock of the target's name, so the slices' claims, records and
// the finalize happen one at a time. Borrows the connection.
#pragma once

#include <cstdint>
#include <string>

#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/sdk/error.hpp"
#include "portable/arrow/schema.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::dest_postgres {

class SliceLedger {
 public:
  enum class Record : uint8_t {
    kRecorded,          // the slice's rows commit with the transaction
    kAlreadyCommitted,  // an earlier attempt committed the slice: roll back
  };
  enum class Finalized : uint8_t {
    kPublished,        // the staged rows are in the target now
    kAlreadyFinished,  // no ledger: this generation was finalized before
  };

  // REQUIRES: `connection` outlives the ledger. With `mode` upsert there is
  // no staging table: claim(nullptr, {}) and release() only.
  SliceLedger(postgres::Connection& connection, postgres_common::TableName target,
              uint64_t generation, protocol::WriteMode mode);

  // Makes the staging table and the ledger this generation's: drops those
  // of another generation (of either mode), creates the ledger, and with a
  // `schema` creates the staging table from it (with `primary_key`) or adds
  // the columns it lacks. True when the ledger became this generation's
  // now, false when it was already.
  sdk::Result<bool> claim(const arrow::Schema* schema, const std::vector<std::string>& primary_key);

  // Records slice `index`. A ledger of another generation, or none, fails:
  // a newer plan of the stream took the tables over.
  sdk::Result<Record> record(uint32_t index);

  // Publishes the staging table when `count` slices of the generation are
  // recorded: replace swaps it in (or empties the target when no slice
  // created one), append inserts its rows into the target (adding columns
  // the target lost since). Fails when fewer slices are recorded, or when
  // the ledger is another generation's.
  sdk::Result<Finalized> finalize(uint32_t count);

  // Drops the ledger when it is this generation's (upsert slices have
  // nothing to publish).
  sdk::Result<void> release();

  // Drops the staging tables (of both modes) and the ledger beside
  // `target`, of whatever generation left them: a whole write of the stream
  // supersedes its unfinished slices. Nothing to do without a ledger.
  static sdk::Result<void> discard(postgres::Connection& connection,
                                   const postgres_common::TableName& target);

  const postgres_common::TableName& staging() const { return staging_; }

 private:
  // The generation of the ledger's marker; nullopt when there is no ledger.
  sdk::Result<std::optional<uint64_t>> ledger_generation();
  // Inserts the staged rows into the target and drops the staging table.
  sdk::Result<void> append_staged();
  // The error of a ledger that is not this generation's.
  std::unexpected<protocol::ConnectorError> taken_over(std::optional<uint64_t> found) const;

  postgres::Connection& connection_;
  postgres_common::TableName target_;
  postgres_common::TableName staging_;
  postgres_common::TableName ledger_;
  uint64_t generation_;
  protocol::WriteMode mode_;
};

}  // namespace rapidbyte::connectors::dest_postgres
