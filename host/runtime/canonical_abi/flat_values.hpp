// Flat (core WebAssembly) values of the component model's canonical ABI.
//
// A function's parameters and results are "flattened" into a sequence of core
// values (i32, i64, f32, f64). The host passes them to wasmtime as raw 64-bit
// slots (wasmtime_val_raw_t, little-endian), which lets variant payloads be
// coerced the way the ABI requires simply by taking the low bits of a slot:
// an i32 or f32 case read out of a joined i64 slot, or an f32 out of an i32
// slot, is the low 32 bits.
#pragma once

#include <wasmtime.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace rapidbyte::runtime::abi {

enum class CoreType : uint8_t { kI32, kI64, kF32, kF64 };

using FlatTypes = std::vector<CoreType>;

// The join of two core types when they share a slot in a variant payload.
inline CoreType join(CoreType a, CoreType b) {
  if (a == b) return a;
  if ((a == CoreType::kI32 && b == CoreType::kF32) ||
      (a == CoreType::kF32 && b == CoreType::kI32)) {
    return CoreType::kI32;
  }
  return CoreType::kI64;
}

// Sequential reader over flat values. Reading past the end yields zero; the
// caller sized the span from the function type, so that only happens for
// ABI bugs, which the round-trip tests catch.
class FlatReader {
 public:
  explicit FlatReader(std::span<const wasmtime_val_raw_t> values) : values_(values) {}

  uint32_t u32() { return static_cast<uint32_t>(u64()); }
  uint64_t u64() {
    if (next_ >= values_.size()) return 0;
    uint64_t bits;
    std::memcpy(&bits, &values_[next_++], sizeof bits);
    return bits;
  }
  float f32() {
    uint32_t bits = u32();
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  double f64() {
    uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  void skip(size_t n) { next_ += n; }
  size_t position() const { return next_; }

 private:
  std::span<const wasmtime_val_raw_t> values_;
  size_t next_ = 0;
};

// Sequential writer of flat values. Every slot is written as a zero-extended
// 64-bit pattern, which is valid for whatever core type the slot has.
class FlatWriter {
 public:
  explicit FlatWriter(std::span<wasmtime_val_raw_t> values) : values_(values) {}

  void u32(uint32_t v) { u64(v); }
  void u64(uint64_t bits) {
    if (next_ >= values_.size()) return;
    wasmtime_val_raw_t raw{};
    std::memcpy(&raw, &bits, sizeof bits);
    values_[next_++] = raw;
  }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    u32(bits);
  }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    u64(bits);
  }
  // Pads unused slots of a variant payload with zeros.
  void pad(size_t n) {
    for (size_t i = 0; i < n; ++i) u64(0);
  }
  size_t position() const { return next_; }

 private:
  std::span<wasmtime_val_raw_t> values_;
  size_t next_ = 0;
};

}  // namespace rapidbyte::runtime::abi
