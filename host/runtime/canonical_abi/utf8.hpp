// UTF-8 validation for strings that cross from a guest to the host.
#pragma once

#include <cstdint>
#include <span>

namespace rapidbyte::runtime::abi {

// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool is_valid_utf8(std::span<const uint8_t> bytes);

}  // namespace rapidbyte::runtime::abi
