// LoopbackListener: a TCP socket listening on a free port of 127.0.0.1,
// closed when destroyed. Connections wait in its backlog until accepted.
//
// Host-side test code only. Failures throw std::runtime_error.
#pragma once

#include <cstdint>

namespace rapidbyte::test {

class LoopbackListener {
 public:
  explicit LoopbackListener(int backlog = 8);
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return port_; }

  // Makes a thread blocked in accept() on fd() return (with an error).
  void shut_down() const;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace rapidbyte::test
