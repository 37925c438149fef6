// GuestTcpTransport: a minimal postgres::Transport over the SDK's TcpStream
// for the PostgreSQL test and benchmark guests (the connectors have their
// own in guest/connectors/postgres-common). TLS is upgraded in place by the
// host; the host's structured error of the last failed call is kept so a
// guest can return it unchanged (e.g. TLS_VERIFY). Owns the stream.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include "guest/sdk/sdk.hpp"
#include "portable/postgres/connection.hpp"

namespace rapidbyte::test_guests {

class GuestTcpTransport final : public postgres::Transport {
 public:
  using ErrorSlot = std::shared_ptr<std::optional<protocol::ConnectorError>>;

  GuestTcpTransport(sdk::TcpStream stream, ErrorSlot last_error)
      : stream_(std::move(stream)), last_error_(std::move(last_error)) {}

  postgres::Result<size_t> read(std::span<uint8_t> buffer) override {
    auto bytes = stream_.read(static_cast<uint32_t>(std::min<size_t>(buffer.size(), 4u << 20)));
    if (!bytes) return postgres::fail(remember(bytes.error()));
    const size_t n = std::min(bytes->size(), buffer.size());
    if (n != 0) std::memcpy(buffer.data(), bytes->data(), n);
    return n;
  }
  postgres::Result<void> write(std::span<const uint8_t> data) override {
    if (auto w = stream_.write(data); !w) return postgres::fail(remember(w.error()));
    return {};
  }
  void close() override { stream_.close(); }

  postgres::Result<void> start_tls(const protocol::TlsOptions& options) {
    if (auto t = stream_.start_tls(options); !t) return postgres::fail(remember(t.error()));
    return {};
  }

  // The TlsUpgrade callback for ConnectOptions: upgrades this very stream.
  static postgres::TlsUpgrade upgrade_with(protocol::TlsOptions options) {
    return [options](std::unique_ptr<postgres::Transport> plain)
               -> postgres::Result<std::unique_ptr<postgres::Transport>> {
      auto* self = static_cast<GuestTcpTransport*>(plain.get());
      if (auto t = self->start_tls(options); !t) return postgres::fail(std::move(t).error());
      return plain;
    };
  }

 private:
  postgres::PgError remember(const protocol::ConnectorError& error) {
    *last_error_ = error;
    postgres::PgError pg = postgres::connection_error(error.message);
    pg.category = error.category;
    return pg;
  }

  sdk::TcpStream stream_;
  ErrorSlot last_error_;
};

}  // namespace rapidbyte::test_guests
