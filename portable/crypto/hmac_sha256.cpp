#include "portable/crypto/hmac_sha256.hpp"

#include <algorithm>

namespace rapidbyte::crypto {

HmacSha256::HmacSha256(std::span<const uint8_t> key) {
  std::array<uint8_t, Sha256::kBlockSize> block{};
  if (key.size() > Sha256::kBlockSize) {
    const Sha256Digest hashed = sha256(key);
    std::copy(hashed.begin(), hashed.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<uint8_t, Sha256::kBlockSize> inner_pad;
  std::array<uint8_t, Sha256::kBlockSize> outer_pad;
  for (size_t i = 0; i < block.size(); ++i) {
    inner_pad[i] = block[i] ^ 0x36;
    outer_pad[i] = block[i] ^ 0x5c;
  }
  inner_start_.update(inner_pad);
  outer_start_.update(outer_pad);
  inner_ = inner_start_;
}

Sha256Digest HmacSha256::finish() {
  const Sha256Digest inner_digest = inner_.finish();
  Sha256 outer = outer_start_;
  outer.update(inner_digest);
  inner_ = inner_start_;
  return outer.finish();
}

Sha256Digest hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  HmacSha256 mac(key);
  mac.update(data);
  return mac.finish();
}

Sha256Digest hmac_sha256(std::span<const uint8_t> key, std::string_view data) {
  HmacSha256 mac(key);
  mac.update(data);
  return mac.finish();
}

}  // namespace rapidbyte::crypto
