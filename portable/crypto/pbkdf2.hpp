// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA-256 as the PRF: SCRAM-SHA-256's
// Hi() function. Pure function; the output is written into caller memory.
#pragma once

#include <cstdint>
#include <span>

namespace rapidbyte::crypto {

// Derives out.size() bytes from `password` and `salt` with `iterations`
// rounds. REQUIRES: iterations >= 1.
void pbkdf2_hmac_sha256(std::span<const uint8_t> password, std::span<const uint8_t> salt,
                        uint32_t iterations, std::span<uint8_t> out);

}  // namespace rapidbyte::crypto
