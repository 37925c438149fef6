#include "portable/postgres/backend_messages.hpp"

#include <string>

#include "portable/base/try.hpp"
#include "portable/postgres/byte_reader.hpp"

namespace rapidbyte::postgres {
namespace {

Result<void> expect_end(const ByteReader& r, const char* what) {
  if (!r.at_end()) return fail(protocol_error(std::string("trailing bytes in ") + what));
  return {};
}

}  // namespace

Result<PgError> parse_error_fields(std::span<const uint8_t> body) {
  ByteReader r(body);
  PgError e;
  e.source = PgErrorSource::kServer;
  std::string localized_severity;
  for (;;) {
    RB_ASSIGN_OR_RETURN(uint8_t code, r.u8());
    if (code == 0) break;
    RB_ASSIGN_OR_RETURN(std::string_view value, r.cstring());
    switch (code) {
      case 'S':
        localized_severity = value;
        break;
      case 'V':
        e.severity = value;
        break;
      case 'C':
        e.sqlstate = value;
        break;
      case 'M':
        e.message = value;
        break;
      case 'D':
        e.detail = value;
        break;
      case 'H':
        e.hint = value;
        break;
      case 'P': {
        int32_t pos = 0;
        for (char c : value) {
          if (c < '0' || c > '9' || pos > 100'000'000) {
            pos = 0;
            break;
          }
          pos = pos * 10 + (c - '0');
        }
        e.position = pos;
        break;
      }
      case 'W':
        e.where = value;
        break;
      case 's':
        e.schema = value;
        break;
      case 't':
        e.table = value;
        break;
      case 'c':
        e.column = value;
        break;
      case 'n':
        e.constraint = value;
        break;
      default:
        break;  // fields added by later servers are ignored, as the protocol asks
    }
  }
  RB_TRY(expect_end(r, "ErrorResponse"));
  if (e.severity.empty()) e.severity = localized_severity;
  e.category = category_for_sqlstate(e.sqlstate);
  return e;
}

Result<Authentication> parse_authentication(std::span<const uint8_t> body) {
  ByteReader r(body);
  Authentication a;
  RB_ASSIGN_OR_RETURN(a.code, r.i32());
  switch (static_cast<AuthRequest>(a.code)) {
    case AuthRequest::kMd5Password: {
      RB_ASSIGN_OR_RETURN(a.data, r.bytes(4));
      break;
    }
    case AuthRequest::kSasl:
      for (;;) {
        RB_ASSIGN_OR_RETURN(std::string_view mech, r.cstring());
        if (mech.empty()) break;
        a.mechanisms.push_back(mech);
      }
      break;
    case AuthRequest::kSaslContinue:
    case AuthRequest::kSaslFinal:
      a.data = r.rest();
      break;
    default:
      break;
  }
  RB_TRY(expect_end(r, "Authentication"));
  return a;
}

Result<ParameterStatus> parse_parameter_status(std::span<const uint8_t> body) {
  ByteReader r(body);
  ParameterStatus p;
  RB_ASSIGN_OR_RETURN(p.name, r.cstring());
  RB_ASSIGN_OR_RETURN(p.value, r.cstring());
  RB_TRY(expect_end(r, "ParameterStatus"));
  return p;
}

Result<BackendKey> parse_backend_key_data(std::span<const uint8_t> body) {
  ByteReader r(body);
  BackendKey k;
  RB_ASSIGN_OR_RETURN(k.process_id, r.i32());
  RB_ASSIGN_OR_RETURN(k.secret_key, r.i32());
  RB_TRY(expect_end(r, "BackendKeyData"));
  return k;
}

Result<TransactionStatus> parse_ready_for_query(std::span<const uint8_t> body) {
  ByteReader r(body);
  RB_ASSIGN_OR_RETURN(uint8_t s, r.u8());
  RB_TRY(expect_end(r, "ReadyForQuery"));
  if (s != 'I' && s != 'T' && s != 'E') {
    return fail(protocol_error("unknown transaction status in ReadyForQuery"));
  }
  return static_cast<TransactionStatus>(s);
}

Result<std::vector<FieldDescription>> parse_row_description(std::span<const uint8_t> body) {
  ByteReader r(body);
  RB_ASSIGN_OR_RETURN(int16_t count, r.i16());
  if (count < 0) return fail(protocol_error("negative field count in RowDescription"));
  std::vector<FieldDescription> fields;
  // Each field takes at least 19 bytes: bound the reservation by the body.
  fields.reserve(std::min<size_t>(static_cast<size_t>(count), body.size() / 19));
  for (int16_t i = 0; i < count; ++i) {
    FieldDescription f;
    RB_ASSIGN_OR_RETURN(std::string_view name, r.cstring());
    f.name = name;
    RB_ASSIGN_OR_RETURN(f.table_oid, r.u32());
    RB_ASSIGN_OR_RETURN(f.column_number, r.i16());
    RB_ASSIGN_OR_RETURN(f.type_oid, r.u32());
    RB_ASSIGN_OR_RETURN(f.type_size, r.i16());
    RB_ASSIGN_OR_RETURN(f.type_modifier, r.i32());
    RB_ASSIGN_OR_RETURN(f.format, r.i16());
    if (f.format != 0 && f.format != 1) return fail(protocol_error("unknown field format code"));
    fields.push_back(std::move(f));
  }
  RB_TRY(expect_end(r, "RowDescription"));
  return fields;
}

Result<std::vector<uint32_t>> parse_parameter_description(std::span<const uint8_t> body) {
  ByteReader r(body);
  RB_ASSIGN_OR_RETURN(int16_t count, r.i16());
  if (count < 0 || static_cast<size_t>(count) * 4 != r.remaining()) {
    return fail(protocol_error("bad ParameterDescription"));
  }
  std::vector<uint32_t> oids(static_cast<size_t>(count));
  for (uint32_t& oid : oids) {
    RB_ASSIGN_OR_RETURN(oid, r.u32());
  }
  return oids;
}

Result<void> parse_data_row(std::span<const uint8_t> body, std::vector<ColumnValue>& out) {
  out.clear();
  ByteReader r(body);
  RB_ASSIGN_OR_RETURN(int16_t count, r.i16());
  if (count < 0) return fail(protocol_error("negative column count in DataRow"));
  for (int16_t i = 0; i < count; ++i) {
    RB_ASSIGN_OR_RETURN(int32_t len, r.i32());
    ColumnValue v;
    if (len >= 0) {
      v.is_null = false;
      RB_ASSIGN_OR_RETURN(v.bytes, r.bytes(static_cast<size_t>(len)));
    } else if (len != -1) {
      return fail(protocol_error("negative value length in DataRow"));
    }
    out.push_back(v);
  }
  return expect_end(r, "DataRow");
}

Result<std::string_view> parse_command_complete(std::span<const uint8_t> body) {
  ByteReader r(body);
  RB_ASSIGN_OR_RETURN(std::string_view tag, r.cstring());
  RB_TRY(expect_end(r, "CommandComplete"));
  return tag;
}

Result<CopyResponse> parse_copy_response(std::span<const uint8_t> body) {
  ByteReader r(body);
  CopyResponse c;
  RB_ASSIGN_OR_RETURN(uint8_t overall, r.u8());
  c.overall_format = static_cast<int8_t>(overall);
  RB_ASSIGN_OR_RETURN(int16_t count, r.i16());
  if (count < 0 || static_cast<size_t>(count) * 2 != r.remaining()) {
    return fail(protocol_error("bad column format list in copy response"));
  }
  c.column_formats.resize(static_cast<size_t>(count));
  for (int16_t& f : c.column_formats) {
    RB_ASSIGN_OR_RETURN(f, r.i16());
  }
  return c;
}

uint64_t rows_in_command_tag(std::string_view tag) {
  const size_t space = tag.rfind(' ');
  if (space == std::string_view::npos) return 0;
  uint64_t n = 0;
  for (char c : tag.substr(space + 1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

}  // namespace rapidbyte::postgres
