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
  for (size_t i = 0; i < block.size(); ++i) {
    inner_pad_[i] = block[i] ^ 0x36;
    outer_pad_[i] = block[i] ^ 0x5c;
  }
  inner_.update(inner_pad_);
}

Sha256Digest HmacSha256::finish() {
  const Sha256Digest inner_digest = inner_.finish();
  Sha256 outer;
  outer.update(outer_pad_);
  outer.update(inner_digest);
  inner_.update(inner_pad_);
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
