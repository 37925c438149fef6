// The messages of a streaming replication session, carried in CopyData once
// START_REPLICATION has switched the connection to CopyBoth:
//   server -> client  XLogData ('w') and the primary keepalive ('k');
//   client -> server  the standby status update ('r').
// Parsers check every length; spans in the results point into the CopyData
// payload they were parsed from.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "portable/postgres/replication/lsn.hpp"
#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

// A chunk of WAL data; for logical replication, exactly one message of the
// output plugin (for pgoutput: see pgoutput_decoder.hpp).
struct XLogData {
  Lsn wal_start = 0;         // where `data` starts (0 for some pgoutput messages)
  Lsn wal_end = 0;           // the end of WAL on the server
  int64_t send_time_us = 0;  // server clock (µs since 2000-01-01)
  std::span<const uint8_t> data;
};

struct PrimaryKeepalive {
  Lsn wal_end = 0;
  int64_t send_time_us = 0;
  bool reply_requested = false;  // answer with a status update now
};

using ReplicationMessage = std::variant<XLogData, PrimaryKeepalive>;

// One CopyData payload from the server.
Result<ReplicationMessage> parse_replication_message(std::span<const uint8_t> copy_data);

// What the client has durably processed. The server may discard WAL up to
// `flushed` and reports these positions in pg_stat_replication.
struct StandbyStatusUpdate {
  Lsn written = 0;
  Lsn flushed = 0;
  Lsn applied = 0;
  int64_t client_time_us = 0;
  bool reply_requested = false;  // ask the server to answer with a keepalive
};

// Appends the 34-byte CopyData payload of a standby status update.
void write_standby_status_update(const StandbyStatusUpdate& status, std::vector<uint8_t>& out);

}  // namespace rapidbyte::postgres
