#include "portable/postgres/pg_error.hpp"

#include <utility>

namespace rapidbyte::postgres {

using protocol::ErrorCategory;

ErrorCategory category_for_sqlstate(std::string_view s) {
  if (s.size() != 5) return ErrorCategory::kInternal;
  const std::string_view cls = s.substr(0, 2);
  if (cls == "28") return ErrorCategory::kAuth;
  if (s == "42501") return ErrorCategory::kPermission;
  // 55P03: a lock not granted in lock_timeout (or NOWAIT); its holder
  // lets go in time.
  if (cls == "08" || s == "40001" || s == "40P01" || s == "55P03" || s == "57P01" || s == "57P02" ||
      s == "57P03" || s == "53300") {
    return ErrorCategory::kTransientDb;
  }
  if (cls == "22" || cls == "23") return ErrorCategory::kData;
  if (cls == "42" || cls == "3F") return ErrorCategory::kSchema;
  if (cls == "XX") return ErrorCategory::kInternal;
  return ErrorCategory::kConfig;
}

std::string PgError::to_string() const {
  std::string out;
  if (!severity.empty()) out += severity + " ";
  if (!sqlstate.empty()) out += sqlstate + ": ";
  out += message;
  if (!detail.empty()) out += " (detail: " + detail + ")";
  if (!hint.empty()) out += " (hint: " + hint + ")";
  return out;
}

protocol::ConnectorError PgError::to_connector_error() const {
  protocol::ConnectorError e;
  e.category = category;
  e.code = sqlstate.empty() ? "PG_CLIENT" : "PG_" + sqlstate;
  e.message = message;
  // A dropped connection (reset, refused, timed out in the host's socket
  // calls) is as transient as a server that went away mid-query.
  const bool transient =
      category == ErrorCategory::kTransientDb || category == ErrorCategory::kTransientNetwork;
  e.retryable = transient;
  e.safe_to_retry = transient;
  e.backoff_class = transient ? protocol::BackoffClass::kNormal : protocol::BackoffClass::kSlow;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) e.details.push_back({key, value});
  };
  add("severity", severity);
  add("detail", detail);
  add("hint", hint);
  if (position > 0) add("position", std::to_string(position));
  add("where", where);
  add("schema", schema);
  add("table", table);
  add("column", column);
  add("constraint", constraint);
  return e;
}

PgError connection_error(std::string message) {
  PgError e;
  e.source = PgErrorSource::kConnection;
  e.category = ErrorCategory::kTransientDb;
  e.sqlstate = "08006";  // connection_failure
  e.message = std::move(message);
  return e;
}

PgError protocol_error(std::string message) {
  PgError e;
  e.source = PgErrorSource::kProtocol;
  e.category = ErrorCategory::kInternal;
  e.message = "protocol violation: " + std::move(message);
  return e;
}

PgError client_error(ErrorCategory category, std::string message) {
  PgError e;
  e.source = PgErrorSource::kClient;
  e.category = category;
  e.message = std::move(message);
  return e;
}

PgError data_error(std::string message) {
  PgError e;
  e.source = PgErrorSource::kData;
  e.category = ErrorCategory::kData;
  e.message = std::move(message);
  return e;
}

PgError in_column(PgError error, std::string_view column) {
  error.column = std::string(column);
  error.message = "column \"" + error.column + "\": " + error.message;
  return error;
}

}  // namespace rapidbyte::postgres
