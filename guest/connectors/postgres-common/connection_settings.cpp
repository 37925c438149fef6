#include "guest/connectors/postgres-common/connection_settings.hpp"

#include <memory>

#include "guest/connectors/postgres-common/host_tcp_transport.hpp"
#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::postgres_common {

std::string ConnectionSettings::describe() const {
  return user + "@" + host + ":" + std::to_string(port) + "/" + database;
}

sdk::Result<ConnectionSettings> parse_connection_settings(const sdk::JsonConfig& config) {
  ConnectionSettings s;
  auto host = config.require_string("host");
  if (!host) return std::unexpected(host.error());
  if (host->empty()) return sdk::config_error("config field 'host' is empty", "CONFIG_INVALID");
  s.host = *host;
  auto port = config.get_u64("port", 5432);
  if (!port) return std::unexpected(port.error());
  if (*port == 0 || *port > 65535) {
    return sdk::config_error("config field 'port' must be between 1 and 65535");
  }
  s.port = static_cast<uint16_t>(*port);
  auto user = config.require_string("user");
  if (!user) return std::unexpected(user.error());
  s.user = *user;
  auto password = config.get_string("password", "");
  if (!password) return std::unexpected(password.error());
  s.password = *password;
  auto database = config.get_string("database", s.user);
  if (!database) return std::unexpected(database.error());
  s.database = database->empty() ? s.user : *database;
  auto sslmode = config.get_string("sslmode", "prefer");
  if (!sslmode) return std::unexpected(sslmode.error());
  if (*sslmode == "disable") {
    s.sslmode = SslModeSetting::kDisable;
  } else if (*sslmode == "prefer") {
    s.sslmode = SslModeSetting::kPrefer;
  } else if (*sslmode == "require") {
    s.sslmode = SslModeSetting::kRequire;
  } else if (*sslmode == "verify-ca") {
    s.sslmode = SslModeSetting::kVerifyCa;
  } else if (*sslmode == "verify-full") {
    s.sslmode = SslModeSetting::kVerifyFull;
  } else {
    return sdk::config_error(
        "config field 'sslmode' must be one of disable, prefer, require, "
        "verify-ca, verify-full; got '" +
        *sslmode + "'");
  }
  auto ca_file = config.get_string("ca_file", "");
  if (!ca_file) return std::unexpected(ca_file.error());
  if (!ca_file->empty()) s.ca_file = *ca_file;
  RB_ASSIGN_OR_RETURN(auto timeout, config.get_u64("connect_timeout_ms", 10000));
  s.connect_timeout_ms = static_cast<uint32_t>(std::min<uint64_t>(timeout, 0xffffffffu));
  RB_ASSIGN_OR_RETURN(auto app, config.get_string("application_name", "rapidbyte"));
  s.application_name = app;
  return s;
}

sdk::Result<postgres::Connection> connect(
    sdk::Context& ctx, const ConnectionSettings& settings,
    std::vector<std::pair<std::string, std::string>> parameters) {
  RB_ASSIGN_OR_RETURN(auto stream,
                      ctx.tcp_connect(settings.host, settings.port, settings.connect_timeout_ms));
  auto last_error = std::make_shared<std::optional<protocol::ConnectorError>>();

  postgres::ConnectOptions options;
  options.user = settings.user;
  options.database = settings.database;
  options.password = settings.password;
  options.application_name = settings.application_name;
  options.parameters = std::move(parameters);
  switch (settings.sslmode) {
    case SslModeSetting::kDisable:
      options.ssl_mode = postgres::SslMode::kDisable;
      break;
    case SslModeSetting::kPrefer:
      options.ssl_mode = postgres::SslMode::kPrefer;
      break;
    default:
      options.ssl_mode = postgres::SslMode::kRequire;
      break;
  }
  if (settings.sslmode != SslModeSetting::kDisable) {
    protocol::TlsOptions tls;
    tls.server_name = settings.host;
    tls.verify = settings.sslmode == SslModeSetting::kVerifyFull ? protocol::TlsVerify::kVerifyFull
                 : settings.sslmode == SslModeSetting::kVerifyCa ? protocol::TlsVerify::kVerifyCa
                                                                 : protocol::TlsVerify::kNone;
    tls.ca_file = settings.ca_file;
    options.tls_upgrade = [tls](std::unique_ptr<postgres::Transport> plain)
        -> postgres::Result<std::unique_ptr<postgres::Transport>> {
      // The transport handed back is the one connect() was given.
      auto* host_transport = static_cast<HostTcpTransport*>(plain.get());
      RB_TRY(host_transport->start_tls(tls));
      return plain;
    };
  }

  // A COPY whose consumer fails (a bad value, a failed emit) is cancelled
  // over a second, short connection instead of being read to its end.
  options.cancel_transport = [role = ctx.role(), host = settings.host, port = settings.port,
                              timeout_ms = settings.connect_timeout_ms]()
      -> postgres::Result<std::unique_ptr<postgres::Transport>> {
    sdk::Context cancel_context(role);
    auto cancel_stream = cancel_context.tcp_connect(host, port, timeout_ms);
    if (!cancel_stream) {
      return postgres::fail(postgres::connection_error(cancel_stream.error().message));
    }
    return std::make_unique<HostTcpTransport>(
        std::move(*cancel_stream), std::make_shared<std::optional<protocol::ConnectorError>>());
  };

  auto connection = postgres::Connection::connect(
      std::make_unique<HostTcpTransport>(std::move(stream), last_error), options);
  if (!connection) {
    // The host's own error (TLS_VERIFY, NETWORK) says more than the client's copy.
    if (last_error->has_value()) return std::unexpected(**last_error);
    return fail_with(connection.error(), "cannot connect to PostgreSQL as " + settings.describe());
  }
  return std::move(*connection);
}

}  // namespace rapidbyte::connectors::postgres_common
