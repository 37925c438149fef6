// HmacSha256: HMAC (RFC 2104) over SHA-256, incremental; used by SCRAM and
// by PBKDF2. The key is copied into the object (as its padded inner and
// outer blocks). A plain value; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "portable/crypto/sha256.hpp"

namespace rapidbyte::crypto {

class HmacSha256 {
 public:
  explicit HmacSha256(std::span<const uint8_t> key);

  void update(std::span<const uint8_t> data) { inner_.update(data); }
  void update(std::string_view data) { inner_.update(data); }
  // Returns the MAC of everything updated since construction or the last
  // finish(), and restarts with the same key.
  Sha256Digest finish();

 private:
  // The hash states right after the key's inner and outer pad blocks: each
  // MAC starts from copies of them instead of hashing the pads again, which
  // halves the cost of a MAC over a short message.
  Sha256 inner_start_;
  Sha256 outer_start_;
  Sha256 inner_;
};

// One-shot HMAC-SHA-256.
Sha256Digest hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data);
Sha256Digest hmac_sha256(std::span<const uint8_t> key, std::string_view data);

}  // namespace rapidbyte::crypto
