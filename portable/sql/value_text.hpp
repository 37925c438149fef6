// Text forms of SQL values, as PostgreSQL writes and reads them: the
// output of casts to text and of ||, and the input side of casts from text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "portable/sql/vector.hpp"

namespace rapidbyte::sql {

// 10^n for 0 <= n <= 38.
__int128 pow10_i128(int n);

// a * b into *out; true when it overflows 128 bits. __builtin_mul_overflow
// on __int128 is compiler-rt's __muloti4, which checks with a 128-bit
// division — a library call per value on wasm32. Two operands that fit in
// 64 bits (nearly every decimal) cannot overflow, so they skip it.
inline bool mul_overflow_i128(__int128 a, __int128 b, __int128* out) {
  if (a == static_cast<int64_t>(a) && b == static_cast<int64_t>(b)) {
    *out = a * b;
    return false;
  }
  return __builtin_mul_overflow(a, b, out);
}

// "-12.340" for (-12340, 3).
std::string format_numeric(__int128 unscaled, int scale);
// PostgreSQL's float8 output: shortest exact digits, exponent form below
// 1e-4 and from 1e15, "NaN", "Infinity", "-Infinity".
std::string format_float8(double v);
// The text of slot i of `v`. REQUIRES: the slot is not NULL.
std::string format_slot(const Vector& v, int64_t i);

// Parsers. Each accepts surrounding spaces and returns nullopt on bad
// syntax; `out_of_range` is set when the syntax was fine but the value
// does not fit.
std::optional<int64_t> parse_integer(std::string_view text, bool& out_of_range);
std::optional<double> parse_float8(std::string_view text);
// To `scale` digits after the point (rounded half away from zero, as
// PostgreSQL does); fails when more than 38 digits would be needed.
std::optional<__int128> parse_numeric(std::string_view text, int scale, bool& out_of_range);
std::optional<bool> parse_bool(std::string_view text);

// Rescales an unscaled decimal from scale `from` to `to`, rounding half
// away from zero. nullopt on overflow of 38 digits.
std::optional<__int128> rescale(__int128 v, int from, int to);

// True when |v| has at most `precision` digits.
bool fits_precision(__int128 v, int precision);

}  // namespace rapidbyte::sql
