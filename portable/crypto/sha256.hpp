// Sha256: the SHA-256 hash (FIPS 180-4), incremental.
//
// Portable code for the wasm32 guests, which have no OpenSSL: used by
// SCRAM-SHA-256 authentication. Not constant-time with respect to message
// length (lengths are public in SCRAM). A plain value; thread-compatible.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace rapidbyte::crypto {

using Sha256Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  static constexpr size_t kBlockSize = 64;
  static constexpr size_t kDigestSize = 32;

  Sha256() { reset(); }

  void reset();
  void update(std::span<const uint8_t> data);
  void update(std::string_view data) {
    update(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  }
  // Returns the digest of everything updated since the last reset, and
  // resets.
  Sha256Digest finish();

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, kBlockSize> buffer_;
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// One-shot SHA-256.
Sha256Digest sha256(std::span<const uint8_t> data);
Sha256Digest sha256(std::string_view data);

}  // namespace rapidbyte::crypto
