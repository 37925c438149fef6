#include "portable/crypto/pbkdf2.hpp"

#include <algorithm>

#include "portable/crypto/hmac_sha256.hpp"

namespace rapidbyte::crypto {

void pbkdf2_hmac_sha256(std::span<const uint8_t> password, std::span<const uint8_t> salt,
                        uint32_t iterations, std::span<uint8_t> out) {
  HmacSha256 prf(password);
  size_t written = 0;
  for (uint32_t block = 1; written < out.size(); ++block) {
    const uint8_t index[4] = {static_cast<uint8_t>(block >> 24), static_cast<uint8_t>(block >> 16),
                              static_cast<uint8_t>(block >> 8), static_cast<uint8_t>(block)};
    prf.update(salt);
    prf.update(index);
    Sha256Digest u = prf.finish();
    Sha256Digest t = u;
    for (uint32_t i = 1; i < iterations; ++i) {
      prf.update(u);
      u = prf.finish();
      for (size_t j = 0; j < t.size(); ++j) t[j] ^= u[j];
    }
    const size_t take = std::min(t.size(), out.size() - written);
    std::copy_n(t.begin(), take, out.begin() + static_cast<ptrdiff_t>(written));
    written += take;
  }
}

}  // namespace rapidbyte::crypto
