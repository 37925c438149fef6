// Base64 (RFC 4648 §4, standard alphabet, with padding), as SCRAM uses it
// for nonces, salts and proofs. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rapidbyte::crypto {

std::string base64_encode(std::span<const uint8_t> data);
// The same, appended to `out`.
void append_base64(std::span<const uint8_t> data, std::string& out);

// nullopt when `text` is not canonical padded base64 (bad character,
// length not a multiple of 4, misplaced padding).
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace rapidbyte::crypto
