// Ctrl-C and SIGTERM as a stop request of the command that runs.
#pragma once

#include <pthread.h>

#include <csignal>
#include <iostream>
#include <stop_token>
#include <thread>

namespace rapidbyte::cli {

// Ctrl-C and SIGTERM request a stop instead of killing the process: the
// signals are blocked in every thread and one thread waits for them.
// REQUIRES: constructed before any other thread is started.
class StopOnSignal {
 public:
  StopOnSignal() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGUSR1);  // our own wake-up at shutdown
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    waiter_ = std::jthread([this] {
      int signal = 0;
      if (sigwait(&signals_, &signal) == 0 && signal != SIGUSR1) {
        std::cerr << "\ninterrupted: stopping (committed data stays committed)\n";
        stop_.request_stop();
      }
    });
  }
  ~StopOnSignal() {
    // Wake the waiter so it can be joined.
    pthread_kill(waiter_.native_handle(), SIGUSR1);
  }
  std::stop_token token() const { return stop_.get_token(); }

 private:
  sigset_t signals_;
  std::stop_source stop_;
  std::jthread waiter_;
};

}  // namespace rapidbyte::cli
