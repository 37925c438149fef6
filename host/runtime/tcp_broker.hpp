// Host-side TCP connections on behalf of one guest (the host-io tcp-* calls).
//
// The guest never sees a socket: it gets a handle, and every connect is
// checked against the hosts its sandbox policy allows. Connections still open
// when the broker dies are closed.
//
// Not thread-safe: one broker per connector instance, used from its stage
// thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "host/runtime/host_services.hpp"

namespace rapidbyte::runtime {

class TcpBroker {
 public:
  // Connections one guest may hold open at once: each costs the host a
  // socket and, with TLS, an OpenSSL session, so a guest that never closes
  // what it opens is stopped here (a PostgreSQL connector holds a few).
  static constexpr size_t kMaxOpenConnections = 64;

  TcpBroker(std::string connector_id, std::vector<std::string> allowed_hosts);
  ~TcpBroker();
  TcpBroker(const TcpBroker&) = delete;
  TcpBroker& operator=(const TcpBroker&) = delete;

  // Fails with a `permission` error when `host` is not allowed, an
  // `internal` one (TCP_TOO_MANY) past kMaxOpenConnections, or a
  // `transient-network` error when the connection cannot be made in time.
  ConnectorResult<protocol::TcpHandle> connect(const std::string& host, uint16_t port,
                                               std::chrono::milliseconds timeout);
  // Up to `max_bytes`; empty when the peer closed the connection.
  ConnectorResult<std::vector<uint8_t>> read(protocol::TcpHandle handle, uint32_t max_bytes);
  ConnectorResult<void> write(protocol::TcpHandle handle, const std::vector<uint8_t>& data);
  void close(protocol::TcpHandle handle);

  // Upgrades the connection to TLS (OpenSSL, TLS 1.2 or newer), verifying the
  // server as `options` say. Fails with a `config` error (code TLS_VERIFY)
  // when the certificate cannot be verified, `transient-network` when the
  // handshake breaks.
  ConnectorResult<void> start_tls(protocol::TcpHandle handle, const protocol::TlsOptions& options);

  bool is_allowed(const std::string& host) const;

  // Reads and writes blocked on the network give up with a CANCELLED error
  // once `stop` is requested.
  void set_stop(std::stop_token stop) { stop_ = std::move(stop); }

  // A read or write that waits longer than `timeout` for the network fails
  // with a transient-network error naming the peer and the limit; zero: no
  // limit. Until a connection has received its first bytes (the peer's
  // answer to a handshake), its connect timeout applies instead, so a peer
  // that accepts and never answers is found out as soon as one that does
  // not accept.
  void set_io_timeout(std::chrono::milliseconds timeout) { io_timeout_ = timeout; }

 private:
  // One open connection: its socket and, after start_tls, its TLS session.
  struct Connection;
  ConnectorResult<Connection*> connection_of(protocol::TcpHandle handle);
  // The error of a wait that did not end with the socket ready.
  protocol::ConnectorError wait_error(const Connection& conn, const char* what) const;

  std::string connector_id_;
  std::vector<std::string> allowed_hosts_;
  std::map<protocol::TcpHandle, std::unique_ptr<Connection>> connections_;
  protocol::TcpHandle next_handle_ = 1;
  std::stop_token stop_;
  std::chrono::milliseconds io_timeout_{0};
};

}  // namespace rapidbyte::runtime
