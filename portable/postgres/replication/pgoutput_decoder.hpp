// Decoder for the messages of PostgreSQL's `pgoutput` logical decoding
// plugin, protocol version 1 (what START_REPLICATION ... (proto_version '1',
// publication_names ...) streams; each XLogData carries one message).
//
// Every length and count is checked against the bytes present; a truncated,
// overlong or unknown message is a protocol error, never an over-read.
// Strings and column values in the results are views into the XLogData
// payload, valid as long as that payload (copy what you keep).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "portable/postgres/replication/lsn.hpp"
#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres::pgoutput {

struct Begin {
  Lsn final_lsn = 0;  // the LSN of the transaction's commit record
  int64_t commit_time_us = 0;
  uint32_t xid = 0;
};

struct Commit {
  uint8_t flags = 0;  // currently always 0
  Lsn commit_lsn = 0;
  Lsn end_lsn = 0;  // the end of the commit record: confirm this one
  int64_t commit_time_us = 0;
};

struct Origin {
  Lsn commit_lsn = 0;  // on the origin server
  std::string_view name;
};

struct RelationColumn {
  bool is_key = false;  // part of the replica identity
  std::string_view name;
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;
};

// Sent before the first change to a relation in a session (and again when
// its definition changed); changes refer to it by oid.
struct Relation {
  uint32_t oid = 0;
  std::string_view schema;  // empty for pg_catalog
  std::string_view name;
  char replica_identity = 'd';  // 'd' default, 'n' nothing, 'f' full, 'i' index
  std::vector<RelationColumn> columns;
};

// Describes a non-builtin column type (sent before the Relation using it).
struct Type {
  uint32_t oid = 0;
  std::string_view schema;
  std::string_view name;
};

enum class ValueKind : char {
  kNull = 'n',
  kUnchangedToast = 'u',  // an unchanged TOASTed value: not sent
  kText = 't',
  kBinary = 'b',  // only with the `binary` option
};

struct TupleValue {
  ValueKind kind = ValueKind::kNull;
  std::span<const uint8_t> bytes;  // for kText and kBinary

  std::string_view text() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
};

using Tuple = std::vector<TupleValue>;

struct Insert {
  uint32_t relation_oid = 0;
  Tuple new_tuple;
};

// Which old row image an Update or Delete carries.
enum class OldTupleKind : char {
  kNone = 0,    // Update only: no old image (the key did not change)
  kKey = 'K',   // the replica identity columns (others null)
  kFull = 'O',  // the whole old row (REPLICA IDENTITY FULL)
};

struct Update {
  uint32_t relation_oid = 0;
  OldTupleKind old_kind = OldTupleKind::kNone;
  Tuple old_tuple;  // empty when old_kind is kNone
  Tuple new_tuple;
};

struct Delete {
  uint32_t relation_oid = 0;
  OldTupleKind old_kind = OldTupleKind::kKey;  // kKey or kFull
  Tuple old_tuple;
};

struct Truncate {
  static constexpr uint8_t kCascade = 1;
  static constexpr uint8_t kRestartIdentity = 2;
  uint8_t options = 0;
  std::vector<uint32_t> relation_oids;
};

// pg_logical_emit_message() output (only with the `messages` option).
struct LogicalMessage {
  bool transactional = false;
  Lsn lsn = 0;
  std::string_view prefix;
  std::span<const uint8_t> content;
};

using Message = std::variant<Begin, Commit, Origin, Relation, Type, Insert, Update, Delete,
                             Truncate, LogicalMessage>;

// Decodes one pgoutput message (the data of one XLogData).
Result<Message> decode(std::span<const uint8_t> data);

}  // namespace rapidbyte::postgres::pgoutput
