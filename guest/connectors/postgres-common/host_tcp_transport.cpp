#include "guest/connectors/postgres-common/host_tcp_transport.hpp"

#include <algorithm>
#include <cstring>

namespace rapidbyte::connectors::postgres_common {

namespace {
// The host returns at most 4 MiB per tcp-read.
constexpr size_t kMaxRead = 4u << 20;
}  // namespace

postgres::PgError HostTcpTransport::remember(const protocol::ConnectorError& error) {
  *last_error_ = error;
  postgres::PgError pg = postgres::connection_error(error.message);
  pg.category = error.category;
  return pg;
}

postgres::Result<size_t> HostTcpTransport::read(std::span<uint8_t> buffer) {
  if (!stream_.is_open()) return postgres::fail(postgres::connection_error("connection closed"));
  auto bytes = stream_.read(static_cast<uint32_t>(std::min(buffer.size(), kMaxRead)));
  if (!bytes) return postgres::fail(remember(bytes.error()));
  // The host never returns more than asked for; copy defensively anyway.
  const size_t n = std::min(bytes->size(), buffer.size());
  if (n != 0) std::memcpy(buffer.data(), bytes->data(), n);
  return n;
}

postgres::Result<void> HostTcpTransport::write(std::span<const uint8_t> data) {
  if (!stream_.is_open()) return postgres::fail(postgres::connection_error("connection closed"));
  if (auto written = stream_.write(data); !written) {
    return postgres::fail(remember(written.error()));
  }
  return {};
}

postgres::Result<void> HostTcpTransport::start_tls(const protocol::TlsOptions& options) {
  if (auto upgraded = stream_.start_tls(options); !upgraded) {
    return postgres::fail(remember(upgraded.error()));
  }
  return {};
}

}  // namespace rapidbyte::connectors::postgres_common
