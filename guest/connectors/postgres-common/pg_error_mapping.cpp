#include "guest/connectors/postgres-common/pg_error_mapping.hpp"

#include <string>

namespace rapidbyte::connectors::postgres_common {

protocol::ConnectorError to_connector_error(const postgres::PgError& error,
                                            std::string_view context) {
  protocol::ConnectorError e = error.to_connector_error();
  std::string message;
  if (!context.empty()) {
    message.append(context);
    message.append(": ");
  }
  message.append(error.message);
  if (!error.detail.empty()) message.append(" (" + error.detail + ")");
  e.message = std::move(message);
  // A data error concerns a record; everything else the whole stream.
  e.scope = e.category == protocol::ErrorCategory::kData ? protocol::ErrorScope::kPerRecord
                                                         : protocol::ErrorScope::kPerStream;
  return e;
}

}  // namespace rapidbyte::connectors::postgres_common
