// Exact conversions of PostgreSQL `numeric` between its binary wire format
// (base-10000 digits, weight, sign, display scale), its text form ("-12.50",
// "NaN", "Infinity", "-Infinity") and Arrow decimal128 (unscaled 128-bit
// integer plus a scale). Never goes through floating point. Pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

// Text of a binary numeric; a data error for a malformed value.
Result<std::string> numeric_binary_to_text(std::span<const uint8_t> bytes);

// Appends the binary form of numeric text ([+-]digits[.digits], NaN,
// Infinity, -Infinity; no exponent) to `out`.
Result<void> numeric_text_to_binary(std::string_view text, std::vector<uint8_t>& out);

// Text of an unscaled decimal128 value with `scale` fraction digits.
std::string decimal128_to_text(__int128 unscaled, int32_t scale);

// The unscaled decimal128 for numeric text with `scale` fraction digits and
// at most `precision` digits; a data error when it does not fit exactly
// (NaN, infinities, too many digits, more fraction digits than `scale`).
Result<__int128> text_to_decimal128(std::string_view text, int32_t precision, int32_t scale);

// The unscaled decimal128 of a binary numeric, as
// text_to_decimal128(numeric_binary_to_text(bytes), ...) gives it, without
// the text in between for values whose magnitude fits 64 bits.
Result<__int128> numeric_binary_to_decimal128(std::span<const uint8_t> bytes, int32_t precision,
                                              int32_t scale);

// Appends the binary numeric of an unscaled decimal128 with `scale` fraction
// digits, byte for byte what numeric_text_to_binary(decimal128_to_text(...))
// appends, without the text for values whose magnitude fits 64 bits.
Result<void> decimal128_to_numeric_binary(__int128 unscaled, int32_t scale,
                                          std::vector<uint8_t>& out);

}  // namespace rapidbyte::postgres
