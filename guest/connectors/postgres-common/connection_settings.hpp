// ConnectionSettings: how a PostgreSQL connector reaches its server — the
// connection fields shared by source-postgres and dest-postgres, parsed from
// the connector config, and the one function that opens a session with
// them through the host (TCP, and TLS done by the host when sslmode asks).
//
// Config fields (the manifests' JSON Schemas say the same):
//   host (required), port (5432), user (required), password (""),
//   database (the user name), sslmode (disable | prefer | require |
//   verify-ca | verify-full; default prefer), ca_file (PEM of trusted CAs,
//   read by the host), connect_timeout_ms (10000), application_name
//   ("rapidbyte").
// The password is kept only to answer the server's authentication request;
// it is never logged or put in an error message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "guest/sdk/context.hpp"
#include "guest/sdk/json_config.hpp"
#include "portable/postgres/connection.hpp"

namespace rapidbyte::connectors::postgres_common {

enum class SslModeSetting : uint8_t { kDisable, kPrefer, kRequire, kVerifyCa, kVerifyFull };

struct ConnectionSettings {
  std::string host;
  uint16_t port = 5432;
  std::string user;
  std::string password;
  std::string database;
  SslModeSetting sslmode = SslModeSetting::kPrefer;
  std::optional<std::string> ca_file;
  uint32_t connect_timeout_ms = 10000;
  std::string application_name = "rapidbyte";

  // "user@host:port/database" — for messages; never the password.
  std::string describe() const;
};

// Reads the connection fields; a config error names the offending field.
sdk::Result<ConnectionSettings> parse_connection_settings(const sdk::JsonConfig& config);

// Connects, negotiates TLS as sslmode says (the host does the handshake and
// the certificate checks) and authenticates. Errors keep the server's
// message and category (auth for a wrong password); a refused certificate
// is the host's TLS_VERIFY config error.
// `parameters` are further startup parameters (replication=database for a
// logical replication session, options=-c ...).
sdk::Result<postgres::Connection> connect(
    sdk::Context& ctx, const ConnectionSettings& settings,
    std::vector<std::pair<std::string, std::string>> parameters = {});

}  // namespace rapidbyte::connectors::postgres_common
