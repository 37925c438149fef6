// The commands of a logical replication connection (one opened with the
// startup parameter replication=database, see replication_connect_options):
// IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT ... LOGICAL, DROP_REPLICATION_SLOT
// and the text of START_REPLICATION (ReplicationStream runs it).
//
// Slot names are checked the way the server checks them (lower-case
// letters, digits and underscores, at most 63 bytes); publication names are
// quoted, so any name works.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portable/postgres/connection.hpp"
#include "portable/postgres/replication/lsn.hpp"
#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

// Adds replication=database to `options`: the session can run replication
// commands and ordinary SQL on the database.
void enable_logical_replication(ConnectOptions& options);

struct SystemIdentity {
  std::string system_id;  // decimal, as the server prints it (a uint64)
  int32_t timeline = 0;
  Lsn xlog_position = 0;  // the current WAL flush position
  std::string database;
};

Result<SystemIdentity> identify_system(Connection& connection);

// What CREATE_REPLICATION_SLOT does with the slot's starting snapshot.
enum class SnapshotAction : uint8_t {
  kExport,    // export it (snapshot_name): SET TRANSACTION SNAPSHOT in another
              // session reads exactly the data the slot's stream starts after;
              // valid until this connection runs its next command
  kNoExport,  // just create the slot
  kUse,       // use it in this connection's own transaction (must be in one)
};

struct CreateSlotOptions {
  std::string slot_name;
  bool temporary = false;  // dropped when the session ends
  std::string plugin = "pgoutput";
  SnapshotAction snapshot = SnapshotAction::kExport;
};

struct CreatedSlot {
  std::string slot_name;
  Lsn consistent_point = 0;                  // changes after this LSN will be streamed
  std::optional<std::string> snapshot_name;  // with SnapshotAction::kExport
  std::string output_plugin;
};

Result<CreatedSlot> create_replication_slot(Connection& connection,
                                            const CreateSlotOptions& options);

// Drops a slot; with `wait`, waits until a session using it lets go.
Result<void> drop_replication_slot(Connection& connection, std::string_view slot_name,
                                   bool wait = false);

struct StartReplicationOptions {
  std::string slot_name;
  Lsn start_lsn = 0;  // 0: from the slot's confirmed position
  int proto_version = 1;
  std::vector<std::string> publication_names;  // at least one
  bool binary = false;                         // column values in binary format ('b')
  bool messages = false;                       // also stream pg_logical_emit_message()
};

// START_REPLICATION SLOT "s" LOGICAL 0/0 (proto_version '1',
// publication_names '"a","b"'), or an error for a bad slot name or no
// publication.
Result<std::string> start_replication_command(const StartReplicationOptions& options);

// Checks a slot name as the server would.
Result<void> check_slot_name(std::string_view name);

}  // namespace rapidbyte::postgres
