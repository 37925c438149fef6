#include "tests/support/fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string>

namespace rapidbyte::test {
namespace {

constexpr int kPollMs = 50;

// Closes a file descriptor when it goes out of scope.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { reset(); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

int connect_upstream(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in address = loopback(port);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
    return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

bool write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Makes the next close() send a RST instead of a FIN.
void reset_on_close(int fd) {
  const linger abort_on_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
}

// Reads the rest of the HTTP request whose first bytes are `head` (its
// headers, then a Content-Length body), so that an answer in its place
// reaches a client that is done sending. False when the client closed or the
// proxy stopped first.
bool read_request_to_end(int fd, std::string head, const std::atomic<bool>& stopping) {
  std::array<char, 16384> buffer{};
  const auto receive = [&]() -> bool {
    while (!stopping) {
      pollfd ready{fd, POLLIN, 0};
      if (::poll(&ready, 1, kPollMs) <= 0) continue;
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) return false;
      head.append(buffer.data(), static_cast<size_t>(n));
      return true;
    }
    return false;
  };
  size_t headers_end;
  while ((headers_end = head.find("\r\n\r\n")) == std::string::npos) {
    if (!receive()) return false;
  }
  std::string headers = head.substr(0, headers_end);
  std::ranges::transform(headers, headers.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t body = 0;
  if (const size_t at = headers.find("\r\ncontent-length:"); at != std::string::npos) {
    body = std::stoul(headers.substr(at + 17));
  }
  while (head.size() < headers_end + 4 + body) {
    if (!receive()) return false;
  }
  return true;
}

}  // namespace

FaultProxy::FaultProxy(int upstream_port) : upstream_port_(upstream_port), listener_(64) {
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  acceptor_.join();
  std::vector<std::thread> relays;
  {
    std::lock_guard lock(mutex_);
    relays.swap(relays_);
  }
  for (auto& relay : relays) relay.join();
}

void FaultProxy::arm(Fault fault, uint64_t after_bytes, int connections) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < connections; ++i) armed_.push_back({fault, {}, {}, after_bytes});
}

void FaultProxy::answer(std::string response, uint64_t after_bytes, int connections) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < connections; ++i) armed_.push_back({std::nullopt, {}, response, after_bytes});
}

void FaultProxy::on_bytes(uint64_t after_bytes, std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  armed_.push_back({std::nullopt, std::move(hook), {}, after_bytes});
}

std::optional<FaultProxy::Armed> FaultProxy::take_due(uint64_t relayed, bool request_starts) {
  std::lock_guard lock(mutex_);
  for (auto it = armed_.begin(); it != armed_.end(); ++it) {
    if (relayed < it->after_bytes) continue;
    if (!it->answer.empty() && !request_starts) continue;
    Armed due = std::move(*it);
    armed_.erase(it);
    return due;
  }
  return std::nullopt;
}

void FaultProxy::accept_loop() {
  while (!stopping_) {
    pollfd ready{listener_.fd(), POLLIN, 0};
    if (::poll(&ready, 1, kPollMs) <= 0) continue;
    const int client = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int upstream = connect_upstream(upstream_port_);
    if (upstream < 0) {
      ::close(client);
      continue;
    }
    ++connections_;
    std::lock_guard lock(mutex_);
    relays_.emplace_back([this, client, upstream] { relay(client, upstream); });
  }
}

void FaultProxy::throttle(uint64_t relayed, std::chrono::steady_clock::time_point since) const {
  const uint64_t rate = trickle_rate_;
  if (rate == 0) return;
  const auto due = since + std::chrono::microseconds(relayed * 1'000'000 / rate);
  std::this_thread::sleep_until(due);
}

// Relays both directions until either side closes, a fault ends the
// connection, or the proxy stops. A stalled or half-open connection keeps
// what is left of it open (and silent) until the proxy stops.
void FaultProxy::relay(int client_fd, int upstream_fd) {
  Socket client(client_fd);
  Socket upstream(upstream_fd);
  const auto since = std::chrono::steady_clock::now();
  uint64_t relayed = 0;
  bool silent = false;
  bool faulted = false;  // at most one fault a connection
  bool corrupt_from_upstream = false;
  bool upstream_spoke_last = true;  // the client's first bytes start a request
  std::array<uint8_t, 16384> buffer{};
  while (!stopping_) {
    if (silent) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
      continue;
    }
    std::array<pollfd, 2> fds{pollfd{client.get(), POLLIN, 0}, pollfd{upstream.get(), POLLIN, 0}};
    if (::poll(fds.data(), fds.size(), kPollMs) <= 0) continue;
    for (size_t side = 0; side < fds.size() && !silent; ++side) {
      if ((fds[side].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const bool from_upstream = side == 1;
      const uint64_t rate = trickle_rate_;
      const size_t limit =
          rate == 0 ? buffer.size() : std::clamp<size_t>(rate / 20, 1, buffer.size());
      const ssize_t n = ::recv(fds[side].fd, buffer.data(), limit, 0);
      if (n <= 0) return;  // a side closed: close the other
      const bool request_starts = !from_upstream && upstream_spoke_last;
      upstream_spoke_last = from_upstream;
      if (auto due = faulted ? std::nullopt : take_due(relayed, request_starts)) {
        faulted = true;
        ++fired_;
        if (due->hook) {
          due->hook();
        } else if (!due->answer.empty()) {
          const std::string head(reinterpret_cast<const char*>(buffer.data()),
                                 static_cast<size_t>(n));
          if (read_request_to_end(client.get(), head, stopping_)) {
            write_all(client.get(), reinterpret_cast<const uint8_t*>(due->answer.data()),
                      due->answer.size());
          }
          return;
        } else if (*due->fault == Fault::kReset) {
          reset_on_close(client.get());
          return;
        } else if (*due->fault == Fault::kStall) {
          silent = true;
          continue;
        } else if (*due->fault == Fault::kHalfOpen) {
          upstream.reset();
          silent = true;
          continue;
        } else {
          corrupt_from_upstream = true;
        }
      }
      if (from_upstream && corrupt_from_upstream) {
        for (ssize_t i = 0; i < n; ++i) buffer[static_cast<size_t>(i)] ^= 0xFF;
        corrupt_from_upstream = false;
      }
      const int to = from_upstream ? client.get() : upstream.get();
      if (!write_all(to, buffer.data(), static_cast<size_t>(n))) return;
      relayed += static_cast<uint64_t>(n);
      throttle(relayed, since);
    }
  }
}

}  // namespace rapidbyte::test
