// Bounds-checked access to a guest's linear memory, plus allocation inside it
// through the guest's exported `cabi_realloc`.
//
// Every offset that comes from a guest is untrusted: each read and write checks
// it against the memory's current size and returns an error instead of
// touching host memory. The base pointer is fetched again on every access
// because any call into the guest (cabi_realloc) may grow and move the memory.
//
// Not thread-safe: it belongs to one store, which belongs to one stage thread.
#pragma once

#include <wasmtime.h>

#include <cstdint>
#include <cstring>
#include <expected>
#include <span>
#include <string>

namespace rapidbyte::runtime::abi {

template <class T>
using AbiResult = std::expected<T, std::string>;

class GuestMemory {
 public:
  // REQUIRES: `memory` and `realloc` belong to the store of `context`.
  GuestMemory(wasmtime_context_t* context, wasmtime_memory_t memory, wasmtime_func_t realloc)
      : context_(context), memory_(memory), realloc_(realloc) {}

  size_t size() const { return wasmtime_memory_data_size(context_, &memory_); }

  // The guest bytes [ptr, ptr+len), or an error if any byte is out of bounds.
  AbiResult<std::span<uint8_t>> bytes(uint32_t ptr, uint64_t len) const {
    const size_t mem_size = size();
    if (uint64_t{ptr} + len > mem_size) {
      return std::unexpected("guest pointer out of bounds: " + std::to_string(ptr) + "+" +
                             std::to_string(len) + " > memory size " + std::to_string(mem_size));
    }
    return std::span<uint8_t>(wasmtime_memory_data(context_, &memory_) + ptr, len);
  }

  // Bounds what one host call copies out of the guest (strings and lists
  // the host takes a copy of), so that a guest cannot make the host
  // allocate without limit; zero: no bound. The count starts with the
  // GuestMemory, which lives for one call.
  void limit_copy_out(uint64_t bytes) { copy_out_limit_ = bytes; }

  // bytes(), for a copy the host is about to take: counted against the
  // limit, and an error past it.
  AbiResult<std::span<uint8_t>> copy_out(uint32_t ptr, uint64_t len) const {
    copied_out_ += len;
    if (copy_out_limit_ > 0 && copied_out_ > copy_out_limit_) {
      return std::unexpected("the call hands the host " + std::to_string(copied_out_) +
                             " bytes, more than the " + std::to_string(copy_out_limit_) +
                             " a guest may in one call (resources.max_batch_bytes + "
                             "max_record_bytes + 1 MiB)");
    }
    return bytes(ptr, len);
  }

  // Reads a little-endian scalar at `ptr`, which must be aligned to `align`.
  template <class T>
  AbiResult<T> read(uint32_t ptr, uint32_t align = sizeof(T)) const {
    if (ptr % align != 0) return std::unexpected("misaligned guest pointer " + std::to_string(ptr));
    auto span = bytes(ptr, sizeof(T));
    if (!span) return std::unexpected(span.error());
    T value;
    std::memcpy(&value, span->data(), sizeof(T));
    return value;
  }

  template <class T>
  AbiResult<void> write(uint32_t ptr, T value, uint32_t align = sizeof(T)) {
    if (ptr % align != 0) return std::unexpected("misaligned guest pointer " + std::to_string(ptr));
    auto span = bytes(ptr, sizeof(T));
    if (!span) return std::unexpected(span.error());
    std::memcpy(span->data(), &value, sizeof(T));
    return {};
  }

  // Allocates `size` bytes aligned to `align` in the guest (cabi_realloc with
  // no old allocation). The guest owns the result.
  AbiResult<uint32_t> allocate(uint32_t align, uint64_t size);

 private:
  wasmtime_context_t* context_;
  wasmtime_memory_t memory_;
  wasmtime_func_t realloc_;
  uint64_t copy_out_limit_ = 0;
  mutable uint64_t copied_out_ = 0;
};

}  // namespace rapidbyte::runtime::abi
