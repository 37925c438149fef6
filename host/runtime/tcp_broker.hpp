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
#include <string>
#include <vector>

#include "host/runtime/host_services.hpp"

namespace rapidbyte::runtime {

class TcpBroker {
 public:
  TcpBroker(std::string connector_id, std::vector<std::string> allowed_hosts);
  ~TcpBroker();
  TcpBroker(const TcpBroker&) = delete;
  TcpBroker& operator=(const TcpBroker&) = delete;

  // Fails with a `permission` error when `host` is not allowed, or a
  // `transient-network` error when the connection cannot be made in time.
  ConnectorResult<protocol::TcpHandle> connect(const std::string& host, uint16_t port,
                                               std::chrono::milliseconds timeout);
  // Up to `max_bytes`; empty when the peer closed the connection.
  ConnectorResult<std::vector<uint8_t>> read(protocol::TcpHandle handle, uint32_t max_bytes);
  ConnectorResult<void> write(protocol::TcpHandle handle, const std::vector<uint8_t>& data);
  void close(protocol::TcpHandle handle);

  bool is_allowed(const std::string& host) const;

 private:
  ConnectorResult<int> socket_of(protocol::TcpHandle handle) const;

  std::string connector_id_;
  std::vector<std::string> allowed_hosts_;
  std::map<protocol::TcpHandle, int> sockets_;
  protocol::TcpHandle next_handle_ = 1;
};

}  // namespace rapidbyte::runtime
