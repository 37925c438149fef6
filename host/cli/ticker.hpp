// Calls a function on its own thread every `interval` until destroyed; the
// progress reporters' clock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace rapidbyte::cli {

class Ticker {
 public:
  Ticker(std::chrono::milliseconds interval, std::function<void()> tick)
      : thread_([interval, tick = std::move(tick)](const std::stop_token& stop) {
          std::mutex mu;
          std::condition_variable_any wake;
          std::unique_lock lock(mu);
          while (!wake.wait_for(lock, stop, interval, [] { return false; }) &&
                 !stop.stop_requested()) {
            tick();
          }
        }) {}
  // Stops the thread (a tick under way finishes first).
  ~Ticker() = default;
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  std::jthread thread_;
};

}  // namespace rapidbyte::cli
