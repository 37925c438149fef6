// The RLE / bit-packing hybrid: the format specification's example bytes,
// round trips of every bit width and of mixed runs, and refusals of cut-off
// or malformed runs.
#include "portable/parquet/rle_hybrid.hpp"

#include <gtest/gtest.h>

#include <random>

namespace rapidbyte::parquet {
namespace {

TEST(RleHybridTest, TheSpecificationsBitPackingExample) {
  // Values 0..7 at 3 bits: one group, bytes 10001000 11000110 11111010.
  const std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  std::vector<uint8_t> out;
  rle_hybrid_encode(values, 3, out);
  EXPECT_EQ(out, (std::vector<uint8_t>{0x03, 0x88, 0xC6, 0xFA}));
  std::vector<uint32_t> back;
  ASSERT_TRUE(rle_hybrid_decode(out, 3, values.size(), back));
  EXPECT_EQ(back, values);
}

TEST(RleHybridTest, ARepeatIsOneRun) {
  const std::vector<uint32_t> values(10, 5);
  std::vector<uint8_t> out;
  rle_hybrid_encode(values, 3, out);
  EXPECT_EQ(out, (std::vector<uint8_t>{0x14, 0x05}));
  std::vector<uint8_t> wide;
  rle_hybrid_encode(std::vector<uint32_t>(300, 0x010203), 20, wide);
  EXPECT_EQ(wide, (std::vector<uint8_t>{0xD8, 0x04, 0x03, 0x02, 0x01}));
}

TEST(RleHybridTest, EveryWidthAndMixedRunsComeBack) {
  std::mt19937 random(7);
  for (int width = 0; width <= 32; ++width) {
    const uint64_t limit = width == 0 ? 1 : (uint64_t{1} << width);
    std::vector<uint32_t> values;
    // Short literals, long repeats, a repeat starting mid-group, a ragged end.
    for (int part = 0; part < 20; ++part) {
      const uint32_t v = static_cast<uint32_t>(random() % limit);
      const size_t n = part % 3 == 0 ? 3 + random() % 30 : 1 + random() % 5;
      for (size_t i = 0; i < n; ++i) {
        values.push_back(part % 3 == 0 ? v : static_cast<uint32_t>(random() % limit));
      }
    }
    std::vector<uint8_t> out;
    rle_hybrid_encode(values, width, out);
    std::vector<uint32_t> back;
    auto decoded = rle_hybrid_decode(out, width, values.size(), back);
    ASSERT_TRUE(decoded) << "width " << width << ": " << decoded.error().message;
    EXPECT_EQ(back, values) << "width " << width;
  }
}

TEST(RleHybridTest, MalformedRunsAreRefused) {
  std::vector<uint32_t> out;
  auto early = rle_hybrid_decode(std::vector<uint8_t>{0x14, 0x05}, 3, 11, out);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().message, "RLE: data ends before its 11 values");
  auto cut = rle_hybrid_decode(std::vector<uint8_t>{0x03, 0x88}, 3, 8, out);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().message, "RLE: a bit-packed run is cut off");
  auto wide = rle_hybrid_decode(std::vector<uint8_t>{0x14, 0x09}, 3, 10, out);
  ASSERT_FALSE(wide);
  EXPECT_EQ(wide.error().message, "RLE: a repeated value wider than 3 bits");
  auto empty = rle_hybrid_decode(std::vector<uint8_t>{0x00, 0x01}, 3, 1, out);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "RLE: a repeat run of no values");
  // A repeat of 2^62 values is read only as far as the page's count.
  auto huge = rle_hybrid_decode(
      std::vector<uint8_t>{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01}, 1, 4,
      out);
  ASSERT_TRUE(huge) << huge.error().message;
  EXPECT_EQ(out, (std::vector<uint32_t>{1, 1, 1, 1}));
}

}  // namespace
}  // namespace rapidbyte::parquet
