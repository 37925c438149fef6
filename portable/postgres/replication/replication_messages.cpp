#include "portable/postgres/replication/replication_messages.hpp"

#include <string>

#include "portable/base/try.hpp"
#include "portable/postgres/byte_reader.hpp"
#include "portable/postgres/frontend_writer.hpp"

namespace rapidbyte::postgres {

Result<ReplicationMessage> parse_replication_message(std::span<const uint8_t> copy_data) {
  ByteReader r(copy_data);
  RB_ASSIGN_OR_RETURN(uint8_t kind, r.u8());
  switch (kind) {
    case 'w': {
      XLogData x;
      RB_ASSIGN_OR_RETURN(int64_t start, r.i64());
      RB_ASSIGN_OR_RETURN(int64_t end, r.i64());
      RB_ASSIGN_OR_RETURN(x.send_time_us, r.i64());
      x.wal_start = static_cast<Lsn>(start);
      x.wal_end = static_cast<Lsn>(end);
      x.data = r.rest();
      return x;
    }
    case 'k': {
      PrimaryKeepalive k;
      RB_ASSIGN_OR_RETURN(int64_t end, r.i64());
      RB_ASSIGN_OR_RETURN(k.send_time_us, r.i64());
      RB_ASSIGN_OR_RETURN(uint8_t reply, r.u8());
      if (!r.at_end()) return fail(protocol_error("trailing bytes in primary keepalive"));
      if (reply > 1) return fail(protocol_error("bad reply flag in primary keepalive"));
      k.wal_end = static_cast<Lsn>(end);
      k.reply_requested = reply == 1;
      return k;
    }
    default:
      return fail(protocol_error("unknown replication message '" +
                                 std::string(1, static_cast<char>(kind)) + "'"));
  }
}

void write_standby_status_update(const StandbyStatusUpdate& status, std::vector<uint8_t>& out) {
  out.push_back('r');
  FrontendWriter w(out);
  w.put_i64(static_cast<int64_t>(status.written));
  w.put_i64(static_cast<int64_t>(status.flushed));
  w.put_i64(static_cast<int64_t>(status.applied));
  w.put_i64(status.client_time_us);
  w.put_u8(status.reply_requested ? 1 : 0);
}

}  // namespace rapidbyte::postgres
