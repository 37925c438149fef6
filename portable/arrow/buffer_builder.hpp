// BufferBuilder: a growable byte buffer that becomes an immutable Buffer.
//
// Builders append into it; growth is geometric, so appends are amortized
// O(1) and never allocate per value. finish() hands the allocation to the
// returned Buffer (no copy) and leaves the builder empty. Memory comes from
// malloc, which is at least 8-byte aligned on every target (what Arrow IPC
// requires). Allocation failure aborts: there are no exceptions to throw.
// Thread-compatible; move-only.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "portable/arrow/buffer.hpp"

namespace rapidbyte::arrow {

class BufferBuilder {
 public:
  BufferBuilder() = default;
  BufferBuilder(const BufferBuilder&) = delete;
  BufferBuilder& operator=(const BufferBuilder&) = delete;
  BufferBuilder(BufferBuilder&& other) noexcept { swap(other); }
  BufferBuilder& operator=(BufferBuilder&& other) noexcept {
    if (this != &other) {
      BufferBuilder(std::move(other)).swap(*this);
    }
    return *this;
  }
  ~BufferBuilder() { std::free(data_); }

  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  uint8_t* mutable_data() { return data_; }
  const uint8_t* data() const { return data_; }

  // Ensures `additional` more bytes can be appended without reallocating.
  void reserve(int64_t additional) {
    if (size_ + additional > capacity_) grow(size_ + additional);
  }

  void append(const void* bytes, int64_t n) {
    reserve(n);
    if (n > 0) std::memcpy(data_ + size_, bytes, static_cast<size_t>(n));
    size_ += n;
  }

  template <class T>
  void append_value(T value) {
    reserve(sizeof(T));
    std::memcpy(data_ + size_, &value, sizeof(T));
    size_ += sizeof(T);
  }

  // Appends n zero bytes.
  void append_zeros(int64_t n) {
    reserve(n);
    if (n > 0) std::memset(data_ + size_, 0, static_cast<size_t>(n));
    size_ += n;
  }

  // Sets the size to n, zero-filling any new bytes.
  void resize(int64_t n) {
    if (n > size_) {
      append_zeros(n - size_);
    } else {
      size_ = n;
    }
  }

  // Transfers the bytes to a Buffer; the builder is empty afterwards.
  Buffer finish() {
    if (data_ == nullptr) return Buffer();
    std::shared_ptr<uint8_t> owner(data_, &std::free);
    Buffer out(std::span<const uint8_t>(data_, static_cast<size_t>(size_)), std::move(owner));
    data_ = nullptr;
    size_ = capacity_ = 0;
    return out;
  }

  void clear() { size_ = 0; }

 private:
  void swap(BufferBuilder& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

  void grow(int64_t needed) {
    int64_t cap = capacity_ < 64 ? 64 : capacity_ * 2;
    if (cap < needed) cap = needed;
    void* p = std::realloc(data_, static_cast<size_t>(cap));
    if (p == nullptr) std::abort();
    data_ = static_cast<uint8_t*>(p);
    capacity_ = cap;
  }

  uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
};

}  // namespace rapidbyte::arrow
