#include "tests/support/socket_transport.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rapidbyte::test {

using postgres::connection_error;
using postgres::fail;
using postgres::Result;

Result<std::unique_ptr<SocketTransport>> SocketTransport::connect(const std::string& host,
                                                                  int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return fail(connection_error("cannot resolve " + host + ": " + gai_strerror(rc)));
  }
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      freeaddrinfo(found);
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return std::make_unique<SocketTransport>(fd);
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  freeaddrinfo(found);
  return fail(connection_error("cannot connect to " + host + ":" + service + ": " + last_error));
}

Result<size_t> SocketTransport::read(std::span<uint8_t> buffer) {
  if (fd_ < 0) return fail(connection_error("socket is closed"));
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return fail(connection_error(std::string("recv: ") + std::strerror(errno)));
  }
}

Result<void> SocketTransport::write(std::span<const uint8_t> data) {
  if (fd_ < 0) return fail(connection_error("socket is closed"));
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(connection_error(std::string("send: ") + std::strerror(errno)));
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return {};
}

void SocketTransport::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace rapidbyte::test
