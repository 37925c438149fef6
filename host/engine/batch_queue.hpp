// A bounded, blocking queue between two stages of a stream. It carries Arrow
// IPC batches and, in-band between them, the source's checkpoints, so a
// checkpoint reaches the destination after exactly the batches it covers.
// A full queue blocks the producer (backpressure); the producer closes it
// when done; cancel() wakes everyone and ends the flow at once.
//
// Thread-safe: one producer thread and one consumer thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

class BatchQueue {
 public:
  using Batch = std::vector<uint8_t>;
  using Item = std::variant<Batch, protocol::CheckpointInfo>;

  explicit BatchQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;

  // Waits for room, then enqueues. False when the queue was cancelled.
  bool push(Item item) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return cancelled_ || items_.size() < capacity_; });
    if (cancelled_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // The next item; nullopt once closed and drained, or cancelled.
  std::optional<Item> pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return cancelled_ || closed_ || !items_.empty(); });
    if (cancelled_ || items_.empty()) return std::nullopt;
    Item item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // Waits until `deadline` for something to pop: true once an item is
  // queued or the flow ended (closed and drained, or cancelled); false when
  // the deadline passed first.
  bool wait_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    return not_empty_.wait_until(lock, deadline,
                                 [&] { return cancelled_ || closed_ || !items_.empty(); });
  }

  // Pops the front item when it is a checkpoint; nullopt otherwise (a batch
  // is first, or nothing is queued).
  std::optional<protocol::CheckpointInfo> pop_checkpoint() {
    std::lock_guard lock(mu_);
    if (items_.empty() || !std::holds_alternative<protocol::CheckpointInfo>(items_.front()))
      return std::nullopt;
    auto checkpoint = std::get<protocol::CheckpointInfo>(std::move(items_.front()));
    items_.pop_front();
    not_full_.notify_one();
    return checkpoint;
  }

  // The producer is done: the consumer drains what is queued, then sees the end.
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

  // Abandons the flow: producers and consumers return at once.
  void cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    items_.clear();
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  bool cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_;
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Item> items_;
  bool closed_ = false;
  bool cancelled_ = false;
};

}  // namespace rapidbyte::engine
