#include "portable/postgres/replication/replication_stream.hpp"

#include <algorithm>
#include <vector>

#include "portable/base/try.hpp"

namespace rapidbyte::postgres {

Result<ReplicationStream> ReplicationStream::start(Connection& connection,
                                                   const StartReplicationOptions& options) {
  RB_ASSIGN_OR_RETURN(std::string sql, start_replication_command(options));
  RB_TRY(connection.copy_both_begin(sql));
  return ReplicationStream(connection);
}

ReplicationStream::~ReplicationStream() {
  if (connection_ != nullptr && connection_->in_copy_both()) (void)connection_->copy_both_end();
}

Result<std::optional<ReplicationMessage>> ReplicationStream::next() {
  if (connection_ == nullptr)
    return fail(client_error(protocol::ErrorCategory::kInternal, "replication stream is stopped"));
  RB_ASSIGN_OR_RETURN(std::optional<std::span<const uint8_t>> data, connection_->copy_both_read());
  if (!data) return std::optional<ReplicationMessage>();
  RB_ASSIGN_OR_RETURN(ReplicationMessage message, parse_replication_message(*data));
  const Lsn end = std::visit([](const auto& m) { return m.wal_end; }, message);
  last_wal_end_ = std::max(last_wal_end_, end);
  return std::optional<ReplicationMessage>(message);
}

Result<void> ReplicationStream::send_status(Lsn written, Lsn flushed, Lsn applied,
                                            bool reply_requested) {
  if (connection_ == nullptr)
    return fail(client_error(protocol::ErrorCategory::kInternal, "replication stream is stopped"));
  std::vector<uint8_t> payload;
  write_standby_status_update(
      StandbyStatusUpdate{written, flushed, applied, postgres_clock_now_us(), reply_requested},
      payload);
  return connection_->copy_both_write(payload);
}

Result<void> ReplicationStream::stop() {
  Connection* connection = std::exchange(connection_, nullptr);
  if (connection == nullptr || !connection->in_copy_both()) return {};
  return connection->copy_both_end();
}

}  // namespace rapidbyte::postgres
