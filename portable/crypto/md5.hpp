// Md5: the MD5 hash (RFC 1321), one-shot. Only for PostgreSQL's legacy
// `md5` password authentication, which the server still offers; never use
// it for anything that needs collision resistance. Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rapidbyte::crypto {

using Md5Digest = std::array<uint8_t, 16>;

Md5Digest md5(std::span<const uint8_t> data);
Md5Digest md5(std::string_view data);

// Lower-case hex of an MD5 digest (32 characters), as PostgreSQL spells it.
std::string md5_hex(std::string_view data);

}  // namespace rapidbyte::crypto
