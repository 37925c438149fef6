// memcpy, memmove, memset and memcmp for every guest module, replacing
// wasi-libc's.
//
// Debian's wasi-libc is built without the bulk-memory feature, so its
// memcpy copies word by word in wasm: a profile of PostgreSQL -> PostgreSQL
// spent 18% of its time there. These versions hand larger blocks to the
// `memory.copy` / `memory.fill` instructions (the toolchain enables
// -mbulk-memory), which wasmtime runs as native memmove/memset; small blocks
// stay in a plain loop, where the call into the runtime would cost more than
// the copy.
//
// memcmp compares 8 bytes at a time: wasi-libc's compares byte by byte, and
// a Parquet dictionary compares every repeated value it meets (a profile of
// PostgreSQL -> Parquet spent 15% of its time there).
//
// This file is compiled with -fno-builtin so the compiler does not turn the
// loops back into calls to the functions being defined.
#include <cstddef>
#include <cstdint>

namespace {

// Below this many bytes the loop beats a runtime call (wasi-libc's own
// bulk-memory build uses the same threshold).
constexpr size_t kBulkThreshold = 32;

}  // namespace

extern "C" {

void* memcpy(void* __restrict dest, const void* __restrict src, size_t n) {
  if (n >= kBulkThreshold) return __builtin_memcpy(dest, src, n);
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
  return dest;
}

void* memmove(void* dest, const void* src, size_t n) {
  if (n >= kBulkThreshold) return __builtin_memmove(dest, src, n);
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  } else {
    for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];
  }
  return dest;
}

void* memset(void* dest, int value, size_t n) {
  if (n >= kBulkThreshold) return __builtin_memset(dest, value, n);
  auto* d = static_cast<unsigned char*>(dest);
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(value);
  return dest;
}

int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t u;
    uint64_t v;
    __builtin_memcpy(&u, x + i, 8);
    __builtin_memcpy(&v, y + i, 8);
    if (u != v) break;
  }
  for (; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

}  // extern "C"
