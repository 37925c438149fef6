// FaultProxy: a TCP proxy on a free loopback port in front of one upstream
// (127.0.0.1:port), for tests that need the network or the server to fail
// at a chosen point of a run rather than after a sleep.
//
// Bytes pass through unchanged until an armed fault fires. A fault fires on
// the first connection that has relayed at least `after_bytes` (both
// directions together) when its next chunk arrives, at most one fault a
// connection:
//   kReset    the client's side is reset (RST) and the upstream closed;
//   kStall    nothing is relayed any more, both sockets stay open (a peer
//             that stopped answering);
//   kHalfOpen the upstream is closed, the client's side stays open and
//             silent (a peer that vanished without a FIN);
//   kCorrupt  the next chunk the upstream sends to the client has its bits
//             flipped (garbage on the wire; a TLS handshake that fails).
// A canned answer armed with answer() replaces the next request the client
// starts on such a connection (the request is read to its end and dropped,
// the answer sent, the connection closed): a server that refuses a request,
// such as an S3 throttling with 503 SlowDown. A request starts where the
// client speaks first or again after the server spoke (HTTP/1.1 without
// pipelining).
// A hook armed with on_bytes() runs on the relaying thread at that point
// instead, with the chunk held back until it returns (terminate the
// server's backend, restart or pause the server at a known point).
// trickle() limits every connection's throughput from then on.
//
// Host-side test code only. Thread-safe; the destructor stops every relay.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/loopback_listener.hpp"

namespace rapidbyte::test {

class FaultProxy {
 public:
  enum class Fault { kReset, kStall, kHalfOpen, kCorrupt };

  explicit FaultProxy(int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return listener_.port(); }

  // Arms `fault` for the first `connections` connections past `after_bytes`.
  void arm(Fault fault, uint64_t after_bytes, int connections = 1);
  // Arms `response` for the first `connections` connections past
  // `after_bytes`: each answers the next request that starts there.
  void answer(std::string response, uint64_t after_bytes, int connections = 1);
  // Arms `hook` for the first connection past `after_bytes`; it runs once.
  void on_bytes(uint64_t after_bytes, std::function<void()> hook);
  // At most `bytes_per_second` per connection and direction (0: unlimited).
  void trickle(uint64_t bytes_per_second) { trickle_rate_ = bytes_per_second; }

  // How many armed faults and hooks have fired.
  int fired() const { return fired_; }
  // How many connections the proxy has accepted.
  int connections() const { return connections_; }

 private:
  struct Armed {
    std::optional<Fault> fault;  // or a hook, or an answer
    std::function<void()> hook;
    std::string answer;
    uint64_t after_bytes = 0;
  };
  void accept_loop();
  void relay(int client, int upstream);
  // The armed fault, hook or answer that `relayed` bytes trigger, taken out
  // of the list (it fires once); answers only where a request starts.
  std::optional<Armed> take_due(uint64_t relayed, bool request_starts);
  void throttle(uint64_t relayed, std::chrono::steady_clock::time_point since) const;

  int upstream_port_;
  LoopbackListener listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> trickle_rate_{0};
  std::atomic<int> fired_{0};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<Armed> armed_;         // guarded by mutex_
  std::vector<std::thread> relays_;  // guarded by mutex_
  std::thread acceptor_;
};

}  // namespace rapidbyte::test
