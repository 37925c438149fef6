// TcpStream: a TCP connection opened and owned by the host on the guest's
// behalf (host-io `tcp-connect`), closed when the stream is destroyed.
//
// The guest never sees a socket: the host checks the destination against the
// connector's manifest permissions, and every read and write is a host call.
// Move-only; not thread-safe (a module is single-threaded). Obtain one with
// Context::tcp_connect.
#pragma once

#include <cstdint>
#include <span>

#include "guest/sdk/error.hpp"
#include "guest/sdk/host_bytes.hpp"

namespace rapidbyte::sdk {

class TcpStream {
 public:
  TcpStream() = default;
  // Wraps a handle returned by `tcp-connect`; the stream closes it.
  explicit TcpStream(protocol::TcpHandle handle) : handle_(handle), open_(true) {}

  TcpStream(TcpStream&& other) noexcept;
  TcpStream& operator=(TcpStream&& other) noexcept;
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;
  ~TcpStream() { close(); }

  bool is_open() const { return open_; }
  protocol::TcpHandle handle() const { return handle_; }

  // Reads up to `max_bytes`. An empty result means the peer closed the
  // connection. REQUIRES: is_open().
  Result<HostBytes> read(uint32_t max_bytes);

  // Writes all of `data` (the host loops until done). REQUIRES: is_open().
  Result<void> write(std::span<const uint8_t> data);

  // Closes the connection; a no-op when already closed.
  void close();

  // Switches the connection to TLS; the host does the handshake, verifies the
  // server as `options` say and encrypts every later read and write. Call it
  // where the protocol expects the handshake (for PostgreSQL: after the
  // server accepted SSLRequest). REQUIRES: is_open().
  Result<void> start_tls(const protocol::TlsOptions& options);

 private:
  protocol::TcpHandle handle_ = 0;
  bool open_ = false;
};

}  // namespace rapidbyte::sdk
