// The direct numeric <-> decimal128 conversions against the text route they
// shortcut: same bytes, same values, same errors, over edge values and a
// deterministic sweep of magnitudes and scales.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "portable/postgres/codec/numeric_text.hpp"

namespace rapidbyte::postgres {
namespace {

std::vector<uint8_t> via_text(__int128 unscaled, int32_t scale) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(numeric_text_to_binary(decimal128_to_text(unscaled, scale), out));
  return out;
}

std::vector<uint8_t> direct(__int128 unscaled, int32_t scale) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(decimal128_to_numeric_binary(unscaled, scale, out));
  return out;
}

// Both directions for one value: the binary form equals the text route's,
// and reading it back gives the value.
void check(__int128 unscaled, int32_t precision, int32_t scale) {
  SCOPED_TRACE(decimal128_to_text(unscaled, scale) + " scale " + std::to_string(scale));
  const std::vector<uint8_t> binary = direct(unscaled, scale);
  ASSERT_EQ(binary, via_text(unscaled, scale));
  auto back = numeric_binary_to_decimal128(binary, precision, scale);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(*back == unscaled);
}

TEST(NumericConversion, EdgeValuesMatchTheTextRoute) {
  const __int128 max64 = static_cast<__int128>(std::numeric_limits<uint64_t>::max());
  for (int32_t scale : {0, 1, 2, 3, 4, 5, 8, 12, 15, 16, 17, 20, 38}) {
    for (__int128 v :
         {__int128{0}, __int128{1}, __int128{-1}, __int128{9999}, __int128{10000}, __int128{-10001},
          __int128{123456789}, max64, -max64, max64 + 1, -(max64 + 1)}) {
      check(v, 38, scale);
    }
  }
  // Largest decimal128(38, s) magnitudes go through the text route.
  __int128 nines = 0;
  for (int i = 0; i < 38; ++i) nines = nines * 10 + 9;
  check(nines, 38, 2);
  check(-nines, 38, 37);
}

TEST(NumericConversion, SweepMatchesTheTextRoute) {
  std::mt19937_64 random(42);
  for (int i = 0; i < 20000; ++i) {
    const int32_t scale = static_cast<int32_t>(random() % 19);
    const int digits = 1 + static_cast<int>(random() % 19);
    __int128 v = static_cast<__int128>(random() % 10000000000000000000ull);
    v %= static_cast<__int128>(std::pow(10.0L, digits));
    if (random() % 2) v = -v;
    check(v, 38, scale);
  }
}

TEST(NumericConversion, ReadingChecksPrecisionAndScaleLikeTheTextRoute) {
  std::vector<uint8_t> binary;
  ASSERT_TRUE(numeric_text_to_binary("123.456", binary));
  // Too many fraction digits for scale 2, too many digits for (4, 2).
  for (auto [precision, scale] : {std::pair{10, 2}, std::pair{4, 3}, std::pair{5, 3}}) {
    auto direct_result = numeric_binary_to_decimal128(binary, precision, scale);
    auto text_result = text_to_decimal128("123.456", precision, scale);
    ASSERT_EQ(static_cast<bool>(direct_result), static_cast<bool>(text_result));
    if (!direct_result) {
      EXPECT_EQ(direct_result.error().message, text_result.error().message);
    }
  }
  auto fits = numeric_binary_to_decimal128(binary, 6, 3);
  ASSERT_TRUE(fits);
  EXPECT_TRUE(*fits == 123456);
  binary.clear();
  ASSERT_TRUE(numeric_text_to_binary("NaN", binary));
  auto nan = numeric_binary_to_decimal128(binary, 10, 2);
  ASSERT_FALSE(nan);
  EXPECT_EQ(nan.error().message, "numeric NaN does not fit decimal128(10, 2): not a finite number");
}

}  // namespace
}  // namespace rapidbyte::postgres
