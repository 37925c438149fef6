#include "host/runtime/tcp_broker.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/runtime/connector_errors.hpp"

namespace rapidbyte::runtime {

TcpBroker::TcpBroker(std::string connector_id, std::vector<std::string> allowed_hosts)
    : connector_id_(std::move(connector_id)), allowed_hosts_(std::move(allowed_hosts)) {}

TcpBroker::~TcpBroker() {
  for (auto& [handle, fd] : sockets_) ::close(fd);
}

bool TcpBroker::is_allowed(const std::string& host) const {
  return std::ranges::any_of(allowed_hosts_, [&](const std::string& allowed) {
    return allowed == "*" || allowed == host;
  });
}

ConnectorResult<protocol::TcpHandle> TcpBroker::connect(const std::string& host, uint16_t port,
                                                        std::chrono::milliseconds timeout) {
  if (!is_allowed(host)) {
    return std::unexpected(make_error(protocol::ErrorCategory::kPermission, "NETWORK_DENIED",
                                      "connector '" + connector_id_ +
                                          "' may not connect to host '" + host +
                                          "': not in its allowed network hosts"));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return std::unexpected(
        transient_network_error("cannot resolve host '" + host + "': " + gai_strerror(rc)));
  }
  std::string last_error = "no address";
  int connected = -1;
  for (addrinfo* ai = found; ai && connected < 0; ai = ai->ai_next) {
    int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, timeout.count() > 0 ? static_cast<int>(timeout.count()) : -1);
      if (rc == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
        errno = err;
      } else {
        errno = rc == 0 ? ETIMEDOUT : errno;
        rc = -1;
      }
    }
    if (rc == 0) {
      int flags = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &flags, sizeof flags);
      // Reads and writes stay non-blocking and wait in poll(), so EINTR and
      // partial transfers are handled in one place.
      connected = fd;
      break;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (connected < 0) {
    return std::unexpected(
        transient_network_error("cannot connect to " + host + ":" + service + ": " + last_error));
  }
  const protocol::TcpHandle handle = next_handle_++;
  sockets_[handle] = connected;
  return handle;
}

ConnectorResult<int> TcpBroker::socket_of(protocol::TcpHandle handle) const {
  auto it = sockets_.find(handle);
  if (it == sockets_.end()) {
    return std::unexpected(make_error(protocol::ErrorCategory::kInternal, "TCP_BAD_HANDLE",
                                      "unknown tcp handle " + std::to_string(handle)));
  }
  return it->second;
}

ConnectorResult<std::vector<uint8_t>> TcpBroker::read(protocol::TcpHandle handle,
                                                      uint32_t max_bytes) {
  auto fd = socket_of(handle);
  if (!fd) return std::unexpected(fd.error());
  std::vector<uint8_t> buffer(std::min<uint32_t>(max_bytes, 4u << 20));
  while (true) {
    ssize_t n = ::recv(*fd, buffer.data(), buffer.size(), 0);
    if (n >= 0) {
      buffer.resize(static_cast<size_t>(n));
      return buffer;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{*fd, POLLIN, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    return std::unexpected(
        transient_network_error(std::string("tcp read failed: ") + std::strerror(errno)));
  }
}

ConnectorResult<void> TcpBroker::write(protocol::TcpHandle handle,
                                       const std::vector<uint8_t>& data) {
  auto fd = socket_of(handle);
  if (!fd) return std::unexpected(fd.error());
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(*fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{*fd, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    return std::unexpected(
        transient_network_error(std::string("tcp write failed: ") + std::strerror(errno)));
  }
  return {};
}

void TcpBroker::close(protocol::TcpHandle handle) {
  auto it = sockets_.find(handle);
  if (it == sockets_.end()) return;
  ::close(it->second);
  sockets_.erase(it);
}

}  // namespace rapidbyte::runtime
