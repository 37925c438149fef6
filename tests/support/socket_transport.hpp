// SocketTransport: the PostgreSQL client's Transport over a plain POSIX TCP
// socket — what native tests use where a guest uses the host's TcpStream.
// Owns the file descriptor (closed by close() or the destructor).
// Host-side test code only; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "portable/postgres/transport.hpp"

namespace rapidbyte::test {

class SocketTransport : public postgres::Transport {
 public:
  // Connects to host:port (numeric IPv4 or a name).
  static postgres::Result<std::unique_ptr<SocketTransport>> connect(const std::string& host,
                                                                    int port);

  explicit SocketTransport(int fd) : fd_(fd) {}
  ~SocketTransport() override { close(); }
  SocketTransport(const SocketTransport&) = delete;
  SocketTransport& operator=(const SocketTransport&) = delete;

  postgres::Result<size_t> read(std::span<uint8_t> buffer) override;
  postgres::Result<void> write(std::span<const uint8_t> data) override;
  void close() override;

 private:
  int fd_ = -1;
};

}  // namespace rapidbyte::test
