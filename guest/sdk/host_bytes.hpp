// HostBytes: a byte list the host wrote into this module's memory (a batch
// from `batch-next`, data from `tcp-read`), owned without copying.
//
// The canonical ABI has the host allocate returned lists with this module's
// `cabi_realloc` (malloc-backed), after which the bytes belong to the guest.
// HostBytes adopts that allocation as-is and frees it when destroyed, so a
// batch is never copied inside the guest. Move-only. An empty list owns no
// allocation (the ABI hands out a dangling, aligned pointer for zero bytes).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <span>
#include <utility>

namespace rapidbyte::sdk {

class HostBytes {
 public:
  HostBytes() = default;

  // Adopts `size` bytes at `data` allocated by cabi_realloc. REQUIRES: `data`
  // came from cabi_realloc (or size == 0) and nothing else frees it.
  static HostBytes adopt(uint8_t* data, size_t size) { return HostBytes(data, size); }

  HostBytes(HostBytes&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  HostBytes& operator=(HostBytes&& other) noexcept {
    if (this != &other) {
      reset();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  HostBytes(const HostBytes&) = delete;
  HostBytes& operator=(const HostBytes&) = delete;
  ~HostBytes() { reset(); }

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_, size_}; }
  operator std::span<const uint8_t>() const { return span(); }

  // Mutable access, for code that transforms a batch in place.
  std::span<uint8_t> mutable_span() { return {data_, size_}; }

 private:
  HostBytes(uint8_t* data, size_t size) : data_(size == 0 ? nullptr : data), size_(size) {}

  void reset() {
    if (size_ != 0) std::free(data_);
    data_ = nullptr;
    size_ = 0;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace rapidbyte::sdk
