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
};

}  // namespace rapidbyte::runtime::abi
