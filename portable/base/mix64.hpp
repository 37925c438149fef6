// splitmix64's finalizer: a bijective 64-bit mix with full avalanche, for
// hashes and checksums built from 64-bit words.
#pragma once

#include <cstdint>

namespace rapidbyte {

constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace rapidbyte
