// ChangeStream: the streaming loop of a cdc read — one replication slot,
// one walsender, the changes of every stream's table decoded from pgoutput
// and routed to that stream's batches (change_batch_builder.hpp).
//
// Each stream is a ChangeTarget with its own starting point: changes of a
// transaction that committed before it are skipped for that stream (they
// are in its snapshot, or its destination committed them already). Rows of
// several transactions share a batch; a stream's batch is cut when it
// reaches the batch size (also inside a large transaction, so memory stays
// bounded), when the server goes idle (a keepalive) or after a short
// interval. Checkpoints carry the end LSN of the last transaction whose rows
// are all emitted; while the tables are idle, the server's position (from
// its keepalives), so the slot need not keep WAL that others write.
//
// Acknowledgement: the standby status sent to the server confirms only the
// smallest LSN the engine persisted over all streams
// (Context::committed_cursor(stream): that stream's destination committed
// it), so the slot never lets go of a change not yet at every destination.
//
// Bounded mode stops at `end_marker` (a non-transactional logical message
// written at the start, so the end is exact even on an idle server);
// continuous mode runs until the run is cancelled. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "guest/connectors/source-postgres/cdc_options.hpp"
#include "guest/connectors/source-postgres/change_batch_builder.hpp"
#include "guest/connectors/source-postgres/table_catalog.hpp"
#include "guest/sdk/batch_emitter.hpp"
#include "guest/sdk/context.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/postgres/replication/lsn.hpp"
#include "portable/postgres/replication/pgoutput_decoder.hpp"
#include "portable/postgres/replication/replication_stream.hpp"

namespace rapidbyte::connectors::source_postgres {

// The LSN a cursor holds; nullopt when there is none or it is not an LSN.
std::optional<postgres::Lsn> lsn_of(const std::optional<protocol::CursorValue>& value);

// The logical message prefix that marks the end of a bounded run.
inline constexpr const char* kEndMarkerPrefix = "rapidbyte.cdc.end";

// One stream of a change read. Owns its table's catalog; the stream
// context must outlive it.
class ChangeTarget {
 public:
  // REQUIRES: `catalog` holds the stream's table.
  ChangeTarget(sdk::Context& ctx, const protocol::StreamContext& stream, TableCatalog catalog,
               bool continuous);
  ChangeTarget(const ChangeTarget&) = delete;
  ChangeTarget& operator=(const ChangeTarget&) = delete;

  const protocol::StreamContext& stream() const { return stream_; }
  const TableInfo& table() const { return *table_; }
  const TableCatalog& catalog() const { return catalog_; }
  const protocol::ReadSummary& summary() const { return emitter_.summary(); }
  sdk::BatchEmitter& emitter() { return emitter_; }

  // Where the stream's changes begin: transactions that committed before
  // `lsn` are skipped. A position already checkpointed (a resumed cursor,
  // or the snapshot's), so later checkpoints never move the cursor back.
  void start_at(postgres::Lsn lsn);
  postgres::Lsn start() const { return start_; }

  // A checkpoint at `lsn` when it advances and one is due (or `force`).
  void checkpoint(postgres::Lsn lsn, bool force);

  // Rows wait in the builder made from the table's latest Relation message.
  void set_relation(ChangeBatchBuilder builder, uint32_t oid);
  uint32_t relation_oid() const { return relation_oid_; }
  ChangeBatchBuilder* builder() { return builder_ ? &*builder_ : nullptr; }
  bool full() const { return builder_ && builder_->pending_bytes() >= target_bytes_; }
  int64_t pending_rows() const { return builder_ ? builder_->rows() : 0; }
  // Emits the rows built so far.
  sdk::Result<void> emit_pending();

 private:
  const protocol::StreamContext& stream_;
  TableCatalog catalog_;
  const TableInfo* table_;
  sdk::BatchEmitter emitter_;
  bool continuous_;
  uint64_t target_bytes_;
  postgres::Lsn start_ = 0;
  std::optional<postgres::Lsn> checkpointed_;
  std::optional<ChangeBatchBuilder> builder_;
  uint32_t relation_oid_ = 0;
};

class ChangeStream {
 public:
  // REQUIRES: `targets` is not empty; everything outlives the stream.
  ChangeStream(sdk::Context& ctx, const CdcOptions& options,
               const std::vector<std::unique_ptr<ChangeTarget>>& targets,
               std::optional<uint64_t> max_records);
  ChangeStream(const ChangeStream&) = delete;
  ChangeStream& operator=(const ChangeStream&) = delete;

  // Streams from the smallest start of the targets until `end_marker`
  // (bounded) or cancellation.
  sdk::Result<void> run(postgres::Connection& connection, std::optional<postgres::Lsn> end_marker);

 private:
  using Clock = std::chrono::steady_clock;

  sdk::Result<void> on_keepalive(const postgres::PrimaryKeepalive& keepalive);
  sdk::Result<void> on(const postgres::pgoutput::Begin& begin);
  sdk::Result<void> on(const postgres::pgoutput::Commit& commit);
  sdk::Result<void> on(const postgres::pgoutput::Relation& relation);
  sdk::Result<void> on(const postgres::pgoutput::Insert& insert);
  sdk::Result<void> on(const postgres::pgoutput::Update& update);
  sdk::Result<void> on(const postgres::pgoutput::Delete& del);
  sdk::Result<void> on(const postgres::pgoutput::Truncate& truncate);
  sdk::Result<void> on(const postgres::pgoutput::LogicalMessage& message);
  sdk::Result<void> on(const postgres::pgoutput::Origin&) { return {}; }
  sdk::Result<void> on(const postgres::pgoutput::Type&) { return {}; }

  // The target of a change to relation `oid` in the current transaction;
  // null when no stream reads it, or its stream starts after it.
  ChangeTarget* target_of(uint32_t oid) const;
  // Takes the change just appended, with a value Arrow cannot hold, out
  // of its batch for on_data_error.
  sdk::Result<void> set_aside(ChangeTarget& target, const std::string& refusal);
  sdk::Result<void> append(ChangeTarget& target, ChangeOp op,
                           const postgres::pgoutput::Tuple& tuple,
                           const postgres::pgoutput::Tuple* old_tuple);
  // Emits every stream's pending rows; at a transaction boundary, also a
  // checkpoint at the last complete transaction.
  sdk::Result<void> flush(bool at_commit, bool force_checkpoint);
  // Confirms the smallest persisted cursor to the server: at most once a
  // second unless `force` (the server asked for a reply).
  sdk::Result<void> confirm(bool force);
  // The smallest cursor persisted over all streams; none while one has none.
  std::optional<postgres::Lsn> persisted() const;
  // The lag behind the server, per stream: WAL bytes, and the seconds
  // between the server's clock and the commit of the last transaction
  // received (0 when caught up); warns once when max_lag_bytes is passed.
  void report_lag(const postgres::PrimaryKeepalive& keepalive);
  uint64_t records() const;

  sdk::Context& ctx_;
  const CdcOptions& options_;
  const std::vector<std::unique_ptr<ChangeTarget>>& targets_;
  std::optional<uint64_t> max_records_;
  std::string slot_;

  postgres::ReplicationStream* stream_ = nullptr;
  std::vector<std::pair<uint32_t, ChangeTarget*>> relations_;  // oid -> its stream
  postgres::Lsn last_end_ = 0;   // end of the last complete transaction
  postgres::Lsn confirmed_ = 0;  // persisted by the engine for every stream
  postgres::Lsn sent_ = 0;       // last flushed position sent to the server
  std::optional<postgres::Lsn> end_marker_;
  bool in_transaction_ = false;
  bool done_ = false;
  bool server_waiting_ = false;  // idle keepalive not yet answered by a status
  postgres::Lsn txn_lsn_ = 0;
  int64_t txn_time_ = 0;
  int64_t last_commit_time_ = 0;  // of the last complete transaction
  bool lag_warned_ = false;       // past max_lag_bytes, not yet back below
  Clock::time_point last_flush_;
  Clock::time_point last_confirm_;
};

}  // namespace rapidbyte::connectors::source_postgres
