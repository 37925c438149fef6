// ReplicationStream: a running START_REPLICATION ... LOGICAL on a
// replication connection — the CopyBoth loop that yields XLogData and
// primary keepalives and sends standby status updates.
//
// Borrows the connection (which must outlive the stream and is unusable for
// anything else until stop()). A keepalive with reply_requested must be
// answered with send_status() promptly, or the server ends the session after
// wal_sender_timeout; the stream does not answer by itself, so the caller
// decides which positions are durable. Move-only; not thread-safe.
#pragma once

#include <optional>
#include <utility>

#include "portable/postgres/connection.hpp"
#include "portable/postgres/replication/replication_commands.hpp"
#include "portable/postgres/replication/replication_messages.hpp"

namespace rapidbyte::postgres {

class ReplicationStream {
 public:
  // Sends START_REPLICATION and waits for the server to start streaming.
  static Result<ReplicationStream> start(Connection& connection,
                                         const StartReplicationOptions& options);

  ReplicationStream(ReplicationStream&& other) noexcept
      : connection_(std::exchange(other.connection_, nullptr)),
        last_wal_end_(other.last_wal_end_) {}
  ReplicationStream& operator=(ReplicationStream&&) = delete;
  ReplicationStream(const ReplicationStream&) = delete;
  ReplicationStream& operator=(const ReplicationStream&) = delete;
  // Ends the exchange if stop() was not called (errors are dropped).
  ~ReplicationStream();

  // The next message (views valid until the next call), or nullopt when the
  // server ended the stream. Blocks until one arrives.
  Result<std::optional<ReplicationMessage>> next();

  // Sends a standby status update stamped with the current time.
  Result<void> send_status(Lsn written, Lsn flushed, Lsn applied, bool reply_requested = false);

  // Ends streaming (CopyDone) and waits until the connection is ready for
  // commands again.
  Result<void> stop();

  // The highest server WAL end seen in XLogData or keepalives.
  Lsn last_wal_end() const { return last_wal_end_; }

 private:
  explicit ReplicationStream(Connection& connection) : connection_(&connection) {}

  Connection* connection_;  // null once stopped or moved from
  Lsn last_wal_end_ = 0;
};

}  // namespace rapidbyte::postgres
