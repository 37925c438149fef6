#include "portable/postgres/replication/pgoutput_decoder.hpp"

#include <string>

#include "portable/base/try.hpp"
#include "portable/postgres/byte_reader.hpp"

namespace rapidbyte::postgres::pgoutput {
namespace {

PgError malformed(const char* what) {
  return protocol_error(std::string("malformed pgoutput ") + what);
}

Result<void> expect_end(const ByteReader& r, const char* what) {
  if (!r.at_end()) return fail(malformed(what));
  return {};
}

Result<Lsn> lsn(ByteReader& r) {
  RB_ASSIGN_OR_RETURN(int64_t v, r.i64());
  return static_cast<Lsn>(v);
}

// A count read from the wire, checked against the bytes left: each element
// takes at least `min_bytes`, so a huge count cannot make us allocate.
Result<size_t> count(ByteReader& r, int64_t n, size_t min_bytes, const char* what) {
  if (n < 0 || static_cast<uint64_t>(n) * min_bytes > r.remaining()) return fail(malformed(what));
  return static_cast<size_t>(n);
}

Result<Tuple> tuple(ByteReader& r) {
  RB_ASSIGN_OR_RETURN(int16_t n, r.i16());
  RB_ASSIGN_OR_RETURN(size_t columns, count(r, n, 1, "tuple column count"));
  Tuple out;
  out.reserve(columns);
  for (size_t i = 0; i < columns; ++i) {
    RB_ASSIGN_OR_RETURN(uint8_t kind, r.u8());
    TupleValue v;
    switch (kind) {
      case 'n':
        v.kind = ValueKind::kNull;
        break;
      case 'u':
        v.kind = ValueKind::kUnchangedToast;
        break;
      case 't':
      case 'b': {
        v.kind = static_cast<ValueKind>(kind);
        RB_ASSIGN_OR_RETURN(int32_t len, r.i32());
        if (len < 0) return fail(malformed("tuple value length"));
        RB_ASSIGN_OR_RETURN(v.bytes, r.bytes(static_cast<size_t>(len)));
        break;
      }
      default:
        return fail(malformed("tuple value kind"));
    }
    out.push_back(v);
  }
  return out;
}

Result<OldTupleKind> old_kind(uint8_t marker) {
  if (marker == 'K') return OldTupleKind::kKey;
  if (marker == 'O') return OldTupleKind::kFull;
  return fail(malformed("old tuple marker"));
}

Result<void> expect_new_marker(ByteReader& r) {
  RB_ASSIGN_OR_RETURN(uint8_t marker, r.u8());
  if (marker != 'N') return fail(malformed("new tuple marker"));
  return {};
}

Result<Message> decode_relation(ByteReader& r) {
  Relation rel;
  RB_ASSIGN_OR_RETURN(rel.oid, r.u32());
  RB_ASSIGN_OR_RETURN(rel.schema, r.cstring());
  RB_ASSIGN_OR_RETURN(rel.name, r.cstring());
  RB_ASSIGN_OR_RETURN(uint8_t identity, r.u8());
  if (identity != 'd' && identity != 'n' && identity != 'f' && identity != 'i') {
    return fail(malformed("replica identity"));
  }
  rel.replica_identity = static_cast<char>(identity);
  RB_ASSIGN_OR_RETURN(int16_t n, r.i16());
  // flags(1) + name(>=1) + type(4) + typmod(4)
  RB_ASSIGN_OR_RETURN(size_t columns, count(r, n, 10, "relation column count"));
  rel.columns.reserve(columns);
  for (size_t i = 0; i < columns; ++i) {
    RelationColumn c;
    RB_ASSIGN_OR_RETURN(uint8_t flags, r.u8());
    if (flags > 1) return fail(malformed("relation column flags"));
    c.is_key = flags == 1;
    RB_ASSIGN_OR_RETURN(c.name, r.cstring());
    RB_ASSIGN_OR_RETURN(c.type_oid, r.u32());
    RB_ASSIGN_OR_RETURN(c.type_modifier, r.i32());
    rel.columns.push_back(c);
  }
  RB_TRY(expect_end(r, "Relation"));
  return rel;
}

Result<Message> decode_update(ByteReader& r) {
  Update u;
  RB_ASSIGN_OR_RETURN(u.relation_oid, r.u32());
  RB_ASSIGN_OR_RETURN(uint8_t marker, r.u8());
  if (marker != 'N') {
    RB_ASSIGN_OR_RETURN(u.old_kind, old_kind(marker));
    RB_ASSIGN_OR_RETURN(u.old_tuple, tuple(r));
    RB_TRY(expect_new_marker(r));
  }
  RB_ASSIGN_OR_RETURN(u.new_tuple, tuple(r));
  RB_TRY(expect_end(r, "Update"));
  return u;
}

Result<Message> decode_truncate(ByteReader& r) {
  Truncate t;
  RB_ASSIGN_OR_RETURN(int32_t n, r.i32());
  RB_ASSIGN_OR_RETURN(t.options, r.u8());
  if (t.options > (Truncate::kCascade | Truncate::kRestartIdentity)) {
    return fail(malformed("truncate options"));
  }
  RB_ASSIGN_OR_RETURN(size_t relations, count(r, n, 4, "truncate relation count"));
  if (r.remaining() != relations * 4) return fail(malformed("Truncate"));
  t.relation_oids.reserve(relations);
  for (size_t i = 0; i < relations; ++i) {
    RB_ASSIGN_OR_RETURN(uint32_t oid, r.u32());
    t.relation_oids.push_back(oid);
  }
  return t;
}

}  // namespace

Result<Message> decode(std::span<const uint8_t> data) {
  ByteReader r(data);
  RB_ASSIGN_OR_RETURN(uint8_t type, r.u8());
  switch (type) {
    case 'B': {
      Begin b;
      RB_ASSIGN_OR_RETURN(b.final_lsn, lsn(r));
      RB_ASSIGN_OR_RETURN(b.commit_time_us, r.i64());
      RB_ASSIGN_OR_RETURN(b.xid, r.u32());
      RB_TRY(expect_end(r, "Begin"));
      return b;
    }
    case 'C': {
      Commit c;
      RB_ASSIGN_OR_RETURN(c.flags, r.u8());
      RB_ASSIGN_OR_RETURN(c.commit_lsn, lsn(r));
      RB_ASSIGN_OR_RETURN(c.end_lsn, lsn(r));
      RB_ASSIGN_OR_RETURN(c.commit_time_us, r.i64());
      RB_TRY(expect_end(r, "Commit"));
      return c;
    }
    case 'O': {
      Origin o;
      RB_ASSIGN_OR_RETURN(o.commit_lsn, lsn(r));
      RB_ASSIGN_OR_RETURN(o.name, r.cstring());
      RB_TRY(expect_end(r, "Origin"));
      return o;
    }
    case 'R':
      return decode_relation(r);
    case 'Y': {
      Type t;
      RB_ASSIGN_OR_RETURN(t.oid, r.u32());
      RB_ASSIGN_OR_RETURN(t.schema, r.cstring());
      RB_ASSIGN_OR_RETURN(t.name, r.cstring());
      RB_TRY(expect_end(r, "Type"));
      return t;
    }
    case 'I': {
      Insert ins;
      RB_ASSIGN_OR_RETURN(ins.relation_oid, r.u32());
      RB_TRY(expect_new_marker(r));
      RB_ASSIGN_OR_RETURN(ins.new_tuple, tuple(r));
      RB_TRY(expect_end(r, "Insert"));
      return ins;
    }
    case 'U':
      return decode_update(r);
    case 'D': {
      Delete d;
      RB_ASSIGN_OR_RETURN(d.relation_oid, r.u32());
      RB_ASSIGN_OR_RETURN(uint8_t marker, r.u8());
      RB_ASSIGN_OR_RETURN(d.old_kind, old_kind(marker));
      RB_ASSIGN_OR_RETURN(d.old_tuple, tuple(r));
      RB_TRY(expect_end(r, "Delete"));
      return d;
    }
    case 'T':
      return decode_truncate(r);
    case 'M': {
      LogicalMessage m;
      RB_ASSIGN_OR_RETURN(uint8_t flags, r.u8());
      if (flags > 1) return fail(malformed("message flags"));
      m.transactional = flags == 1;
      RB_ASSIGN_OR_RETURN(m.lsn, lsn(r));
      RB_ASSIGN_OR_RETURN(m.prefix, r.cstring());
      RB_ASSIGN_OR_RETURN(int32_t len, r.i32());
      if (len < 0) return fail(malformed("message length"));
      RB_ASSIGN_OR_RETURN(m.content, r.bytes(static_cast<size_t>(len)));
      RB_TRY(expect_end(r, "Message"));
      return m;
    }
    default:
      return fail(protocol_error("unknown pgoutput message '" +
                                 std::string(1, static_cast<char>(type)) + "'"));
  }
}

}  // namespace rapidbyte::postgres::pgoutput
