// Snappy: blocks the reference implementation wrote (through pyarrow)
// decode exactly, our blocks round-trip for every kind of input, and a
// malformed block is refused without writing outside the output.
#include "portable/parquet/snappy.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace rapidbyte::parquet::snappy {
namespace {

std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::vector<uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

std::vector<uint8_t> decoded(const std::vector<uint8_t>& block) {
  auto length = uncompressed_length(block);
  EXPECT_TRUE(length);
  std::vector<uint8_t> out(length ? *length : 0);
  auto result = decompress(block, out);
  EXPECT_TRUE(result) << result.error().message;
  return out;
}

TEST(SnappyTest, DecodesTheReferenceImplementationsBlocks) {
  // pa.compress(data, codec="snappy") of pyarrow 26.
  EXPECT_EQ(decoded(from_hex("00")), std::vector<uint8_t>{});
  EXPECT_EQ(decoded(from_hex("010061")), bytes_of("a"));
  std::string runs = "abcabcabcabcabcabcabcabcabcabc";
  for (int i = 0; i < 30; ++i) runs += "xyz";
  for (int i = 0; i < 70; ++i) runs += static_cast<char>(i);
  EXPECT_EQ(decoded(from_hex("be01086162636a03000878797afe03005a0300f045000102030405060708090a0b0"
                             "c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d"
                             "2e2f303132333435363738393a3b3c3d3e3f404142434445")),
            bytes_of(runs));
  EXPECT_EQ(decoded(from_hex("59b054686520717569636b2062726f776e20666f78206a756d7073206f7665722"
                             "0746865206c617a7920646f672e20ae2d00")),
            bytes_of("The quick brown fox jumps over the lazy dog. The quick brown fox jumps "
                     "over the lazy dog."));
}

TEST(SnappyTest, EveryKindOfInputRoundTrips) {
  std::mt19937 random(11);
  std::vector<std::vector<uint8_t>> inputs = {{}, {1}, std::vector<uint8_t>(200000, 7)};
  std::vector<uint8_t> noise(150000);
  for (auto& b : noise) b = static_cast<uint8_t>(random());
  inputs.push_back(noise);
  std::vector<uint8_t> text;
  while (text.size() < 300000) {
    const std::string word = "word" + std::to_string(random() % 500) + " ";
    text.insert(text.end(), word.begin(), word.end());
  }
  inputs.push_back(text);
  for (const auto& input : inputs) {
    std::vector<uint8_t> block;
    compress(input, block);
    EXPECT_EQ(decoded(block), input) << input.size() << " bytes";
  }
  std::vector<uint8_t> block;
  compress(text, block);
  EXPECT_LT(block.size(), text.size() / 2);
}

TEST(SnappyTest, MalformedBlocksAreRefused) {
  std::vector<uint8_t> out(3);
  // A copy reaching before the start of the output.
  auto before = decompress(from_hex("030a0400"), out);
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().message, "Snappy: a copy reaches before the output at input offset 4");
  // A literal longer than the input holds.
  auto cut = decompress(from_hex("030861"), out);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().message, "Snappy: a literal runs past the input at input offset 2");
  // Fewer bytes than declared.
  auto short_block = decompress(from_hex("030061"), out);
  ASSERT_FALSE(short_block);
  EXPECT_EQ(short_block.error().message, "Snappy: the block holds 1 bytes, not the 3 it declares");
  // More bytes than declared.
  auto long_block = decompress(from_hex("030c61626364"), out);
  ASSERT_FALSE(long_block);
  EXPECT_EQ(long_block.error().message, "Snappy: a literal runs past the output at input offset 2");
  auto length = uncompressed_length(from_hex("ffffffffff"));
  ASSERT_FALSE(length);
  EXPECT_EQ(length.error().message, "Snappy: the block's length is malformed");
}

}  // namespace
}  // namespace rapidbyte::parquet::snappy
