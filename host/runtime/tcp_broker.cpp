#include "host/runtime/tcp_broker.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "host/runtime/connector_errors.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::runtime {

namespace p = rapidbyte::protocol;

namespace {

struct FreeSslCtx {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct FreeSsl {
  void operator()(SSL* s) const { SSL_free(s); }
};

// How often a wait looks at the stop token: a guest blocked in a read (a
// replication stream waiting for changes) must notice a cancelled run.
constexpr int kStopCheckMs = 200;

// How a wait for the network ended.
enum class Wait : uint8_t { kReady, kStopped, kTimedOut };

// Waits until `fd` is ready for `events`; the socket is non-blocking so that
// plain and TLS transfers share one waiting loop. Ends early when `stop` is
// requested or `limit` (zero: none) passes.
Wait wait_for(int fd, short events, const std::stop_token& stop, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  pollfd pfd{fd, events, 0};
  for (;;) {
    if (stop.stop_requested()) return Wait::kStopped;
    if (limit.count() > 0 && std::chrono::steady_clock::now() >= deadline) return Wait::kTimedOut;
    const int rc = ::poll(&pfd, 1, kStopCheckMs);
    if (rc > 0) return Wait::kReady;
    if (rc < 0 && errno != EINTR) return Wait::kReady;  // the next I/O call reports it
  }
}

// Dead peers (a host that vanished, a half-open connection) are noticed by
// the kernel after about a minute and a half of silence, whatever the
// timeouts: idle 60 s, then 3 probes 10 s apart.
void keep_alive(int fd) {
  int on = 1, idle = 60, interval = 10, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "unknown TLS error" : out;
}

bool is_ip_address(const std::string& host) {
  in6_addr addr;
  return ::inet_pton(AF_INET, host.c_str(), &addr) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

}  // namespace

struct TcpBroker::Connection {
  int fd = -1;
  std::string peer;                           // "host:port", for messages
  std::chrono::milliseconds connect_timeout;  // applies until the first bytes arrive
  bool answered = false;                      // received bytes
  Wait last_wait = Wait::kReady;
  std::unique_ptr<SSL_CTX, FreeSslCtx> tls_context;
  std::unique_ptr<SSL, FreeSsl> tls;

  std::chrono::milliseconds limit(std::chrono::milliseconds io_timeout) const {
    return answered || connect_timeout.count() == 0 ? io_timeout : connect_timeout;
  }

  ~Connection() {
    if (tls) SSL_shutdown(tls.get());
    if (fd >= 0) ::close(fd);
  }

  // Runs one TLS operation to completion, waiting on the socket as OpenSSL
  // asks. Returns the operation's result, or <= 0 with `error` set.
  template <class Op>
  int tls_call(Op op, int* error, const std::stop_token& stop, std::chrono::milliseconds limit) {
    for (;;) {
      ERR_clear_error();
      const int rc = op();
      if (rc > 0) return rc;
      *error = SSL_get_error(tls.get(), rc);
      if (*error == SSL_ERROR_WANT_READ) {
        last_wait = wait_for(fd, POLLIN, stop, limit);
      } else if (*error == SSL_ERROR_WANT_WRITE) {
        last_wait = wait_for(fd, POLLOUT, stop, limit);
      } else {
        return rc;
      }
      if (last_wait != Wait::kReady) return -1;
    }
  }
};

TcpBroker::TcpBroker(std::string connector_id, std::vector<std::string> allowed_hosts)
    : connector_id_(std::move(connector_id)), allowed_hosts_(std::move(allowed_hosts)) {}

TcpBroker::~TcpBroker() = default;

bool TcpBroker::is_allowed(const std::string& host) const {
  return std::ranges::any_of(allowed_hosts_, [&](const std::string& allowed) {
    return allowed == "*" || allowed == host;
  });
}

ConnectorResult<p::TcpHandle> TcpBroker::connect(const std::string& host, uint16_t port,
                                                 std::chrono::milliseconds timeout) {
  if (!is_allowed(host)) {
    return std::unexpected(make_error(p::ErrorCategory::kPermission, "NETWORK_DENIED",
                                      "connector '" + connector_id_ +
                                          "' may not connect to host '" + host +
                                          "': not in its allowed network hosts"));
  }
  if (connections_.size() >= kMaxOpenConnections) {
    return std::unexpected(make_error(p::ErrorCategory::kInternal, "TCP_TOO_MANY",
                                      "connector '" + connector_id_ + "' may hold at most " +
                                          std::to_string(kMaxOpenConnections) +
                                          " connections open at once; close one first"));
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
      pollfd pfd{fd, POLLOUT, 0};
      rc = ::poll(&pfd, 1, timeout.count() > 0 ? static_cast<int>(timeout.count()) : -1);
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
      int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      keep_alive(fd);
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
  const p::TcpHandle handle = next_handle_++;
  auto connection = std::make_unique<Connection>();
  connection->fd = connected;
  connection->peer = host + ":" + service;
  connection->connect_timeout = timeout;
  connections_[handle] = std::move(connection);
  return handle;
}

ConnectorResult<TcpBroker::Connection*> TcpBroker::connection_of(p::TcpHandle handle) {
  auto it = connections_.find(handle);
  if (it == connections_.end()) {
    return std::unexpected(make_error(p::ErrorCategory::kInternal, "TCP_BAD_HANDLE",
                                      "unknown tcp handle " + std::to_string(handle)));
  }
  return it->second.get();
}

p::ConnectorError TcpBroker::wait_error(const Connection& conn, const char* what) const {
  if (conn.last_wait == Wait::kStopped) return cancelled_error();
  const auto limit = conn.limit(io_timeout_);
  return transient_network_error(
      std::string("tcp ") + what + " " + conn.peer + " timed out: no progress for " +
      std::to_string(limit.count()) + " ms (" +
      (conn.answered ? "resources.network_timeout_seconds"
                     : "the connect timeout: the peer accepted but never answered") +
      ")");
}

ConnectorResult<std::vector<uint8_t>> TcpBroker::read(p::TcpHandle handle, uint32_t max_bytes) {
  RB_ASSIGN_OR_RETURN(auto c, connection_of(handle));
  Connection& conn = *c;
  std::vector<uint8_t> buffer(std::min<uint32_t>(max_bytes, 4u << 20));
  if (conn.tls) {
    int error = 0;
    const int n = conn.tls_call(
        [&] { return SSL_read(conn.tls.get(), buffer.data(), static_cast<int>(buffer.size())); },
        &error, stop_, conn.limit(io_timeout_));
    if (n > 0) {
      conn.answered = true;
      buffer.resize(static_cast<size_t>(n));
      return buffer;
    }
    if (error == SSL_ERROR_ZERO_RETURN) return std::vector<uint8_t>{};
    if (conn.last_wait != Wait::kReady) return std::unexpected(wait_error(conn, "read from"));
    return std::unexpected(transient_network_error("tls read failed: " + openssl_errors()));
  }
  for (;;) {
    const ssize_t n = ::recv(conn.fd, buffer.data(), buffer.size(), 0);
    if (n >= 0) {
      conn.answered |= n > 0;
      buffer.resize(static_cast<size_t>(n));
      return buffer;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      conn.last_wait = wait_for(conn.fd, POLLIN, stop_, conn.limit(io_timeout_));
      if (conn.last_wait != Wait::kReady) return std::unexpected(wait_error(conn, "read from"));
      continue;
    }
    return std::unexpected(
        transient_network_error(std::string("tcp read failed: ") + std::strerror(errno)));
  }
}

ConnectorResult<void> TcpBroker::write(p::TcpHandle handle, const std::vector<uint8_t>& data) {
  RB_ASSIGN_OR_RETURN(auto c, connection_of(handle));
  Connection& conn = *c;
  size_t sent = 0;
  while (sent < data.size()) {
    if (conn.tls) {
      int error = 0;
      const int n = conn.tls_call(
          [&] {
            return SSL_write(conn.tls.get(), data.data() + sent,
                             static_cast<int>(data.size() - sent));
          },
          &error, stop_, conn.limit(io_timeout_));
      if (n <= 0 && conn.last_wait != Wait::kReady)
        return std::unexpected(wait_error(conn, "write to"));
      if (n <= 0)
        return std::unexpected(transient_network_error("tls write failed: " + openssl_errors()));
      sent += static_cast<size_t>(n);
      continue;
    }
    const ssize_t n = ::send(conn.fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      conn.last_wait = wait_for(conn.fd, POLLOUT, stop_, conn.limit(io_timeout_));
      if (conn.last_wait != Wait::kReady) return std::unexpected(wait_error(conn, "write to"));
      continue;
    }
    return std::unexpected(
        transient_network_error(std::string("tcp write failed: ") + std::strerror(errno)));
  }
  return {};
}

void TcpBroker::close(p::TcpHandle handle) {
  connections_.erase(handle);
}

ConnectorResult<void> TcpBroker::start_tls(p::TcpHandle handle, const p::TlsOptions& options) {
  RB_ASSIGN_OR_RETURN(auto c, connection_of(handle));
  Connection& conn = *c;
  if (conn.tls) {
    return std::unexpected(
        make_error(p::ErrorCategory::kInternal, "TLS_ACTIVE", "the connection already uses TLS"));
  }
  // The guest names the CA file, so only a regular file is read: on a FIFO
  // or a terminal (/dev/stdin, /dev/tty) OpenSSL would wait for a writer,
  // blocking the stage thread where no cancellation reaches it. (A missing
  // file is left to OpenSSL, which says so.)
  if (options.ca_file && options.verify != p::TlsVerify::kNone) {
    std::error_code ec;
    const auto status = std::filesystem::status(*options.ca_file, ec);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
      return std::unexpected(
          make_error(p::ErrorCategory::kConfig, "TLS_SETUP",
                     "cannot load CA file '" + *options.ca_file + "': not a regular file"));
    }
  }
  auto tls_error = [&](const std::string& what) {
    return std::unexpected(
        make_error(p::ErrorCategory::kConfig, "TLS_SETUP", what + ": " + openssl_errors()));
  };
  std::unique_ptr<SSL_CTX, FreeSslCtx> context(SSL_CTX_new(TLS_client_method()));
  if (!context) return tls_error("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  if (options.verify != p::TlsVerify::kNone) {
    SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
    const bool loaded = options.ca_file ? SSL_CTX_load_verify_locations(
                                              context.get(), options.ca_file->c_str(), nullptr)
                                        : SSL_CTX_set_default_verify_paths(context.get());
    if (!loaded) {
      return tls_error(options.ca_file ? "cannot load CA file '" + *options.ca_file + "'"
                                       : std::string("cannot load the system's trusted CAs"));
    }
  }
  std::unique_ptr<SSL, FreeSsl> tls(SSL_new(context.get()));
  if (!tls || SSL_set_fd(tls.get(), conn.fd) != 1) return tls_error("cannot start TLS");
  const bool ip = is_ip_address(options.server_name);
  if (!ip && !options.server_name.empty())
    SSL_set_tlsext_host_name(tls.get(), options.server_name.c_str());
  if (options.verify == p::TlsVerify::kVerifyFull) {
    X509_VERIFY_PARAM* param = SSL_get0_param(tls.get());
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, options.server_name.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, options.server_name.c_str(), 0);
    if (ok != 1)
      return tls_error("cannot check the certificate against '" + options.server_name + "'");
  }
  conn.tls = std::move(tls);
  conn.tls_context = std::move(context);
  int error = 0;
  // The handshake is bounded by the connect timeout: a peer that stalls it
  // never answered.
  const std::chrono::milliseconds handshake =
      conn.connect_timeout.count() > 0 ? conn.connect_timeout : io_timeout_;
  if (conn.tls_call([&] { return SSL_connect(conn.tls.get()); }, &error, stop_, handshake) != 1) {
    if (conn.last_wait == Wait::kStopped) {
      conn.tls.reset();
      return std::unexpected(cancelled_error());
    }
    if (conn.last_wait == Wait::kTimedOut) {
      conn.tls.reset();
      return std::unexpected(transient_network_error("TLS handshake with " + conn.peer +
                                                     " timed out after " +
                                                     std::to_string(handshake.count()) + " ms"));
    }
    const long verify = SSL_get_verify_result(conn.tls.get());
    const std::string details = openssl_errors();
    conn.tls.reset();
    if (verify != X509_V_OK) {
      return std::unexpected(
          make_error(p::ErrorCategory::kConfig, "TLS_VERIFY",
                     "server certificate for '" + options.server_name +
                         "' could not be verified: " + X509_verify_cert_error_string(verify)));
    }
    return std::unexpected(
        transient_network_error("TLS handshake with " + conn.peer + " failed: " + details));
  }
  return {};
}

}  // namespace rapidbyte::runtime
