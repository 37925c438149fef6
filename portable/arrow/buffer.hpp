// Buffer: an immutable, contiguous run of bytes plus a reference that keeps
// the memory alive.
//
// A Buffer never owns bytes by itself: `owner` is whatever object holds the
// memory (a builder's allocation, a caller's vector). When owner is null the
// Buffer borrows memory the caller promises to keep alive — this is how the
// IPC reader hands out zero-copy views into its input. Copying a Buffer copies
// the view and shares the owner. Thread-safety: immutable, safe to share.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

namespace rapidbyte::arrow {

class Buffer {
 public:
  Buffer() = default;
  Buffer(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner)
      : data_(bytes.data()), size_(static_cast<int64_t>(bytes.size())), owner_(std::move(owner)) {}

  // Borrows `bytes`; the caller keeps them alive as long as any copy lives.
  static Buffer borrow(std::span<const uint8_t> bytes) { return Buffer(bytes, nullptr); }

  // A buffer owning a fresh copy of `bytes`.
  static Buffer copy_of(std::span<const uint8_t> bytes) {
    auto storage = std::shared_ptr<uint8_t[]>(new uint8_t[bytes.empty() ? 1 : bytes.size()]);
    if (!bytes.empty()) std::memcpy(storage.get(), bytes.data(), bytes.size());
    const std::span<const uint8_t> view(storage.get(), bytes.size());
    return Buffer(view, std::move(storage));
  }

  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const {
    return std::span<const uint8_t>(data_, static_cast<size_t>(size_));
  }
  const std::shared_ptr<const void>& owner() const { return owner_; }

  // REQUIRES: 0 <= offset, offset + length <= size().
  Buffer slice(int64_t offset, int64_t length) const {
    Buffer out = *this;
    out.data_ = data_ + offset;
    out.size_ = length;
    return out;
  }

 private:
  const uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  std::shared_ptr<const void> owner_;
};

}  // namespace rapidbyte::arrow
