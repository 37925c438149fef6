// HostTcpTransport: the PostgreSQL client's Transport over the SDK's
// host-mediated TcpStream, for connectors running in the sandbox.
//
// Owns the TcpStream (the host closes the socket when it is destroyed). TLS
// is done by the host: start_tls() upgrades the same stream in place, so the
// object that carried the SSLRequest carries the encrypted session too.
// Host errors (a refused certificate, a broken connection) are kept in the
// shared `last_error` slot so that the caller can report the host's
// structured error rather than the client's flattened copy. Not thread-safe.
#pragma once

#include <memory>
#include <optional>

#include "guest/sdk/error.hpp"
#include "guest/sdk/tcp_stream.hpp"
#include "portable/postgres/transport.hpp"

namespace rapidbyte::connectors::postgres_common {

class HostTcpTransport final : public postgres::Transport {
 public:
  using ErrorSlot = std::shared_ptr<std::optional<protocol::ConnectorError>>;

  HostTcpTransport(sdk::TcpStream stream, ErrorSlot last_error)
      : stream_(std::move(stream)), last_error_(std::move(last_error)) {}

  postgres::Result<size_t> read(std::span<uint8_t> buffer) override;
  postgres::Result<void> write(std::span<const uint8_t> data) override;
  void close() override { stream_.close(); }

  // Upgrades the connection to TLS in the host.
  postgres::Result<void> start_tls(const protocol::TlsOptions& options);

 private:
  postgres::PgError remember(const protocol::ConnectorError& error);

  sdk::TcpStream stream_;
  ErrorSlot last_error_;
};

}  // namespace rapidbyte::connectors::postgres_common
