#include "portable/parquet/value_dictionary.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rapidbyte::parquet {
namespace {

std::span<const uint8_t> bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// Indices are given in first-appearance order and stay the same while the
// table grows; the encoded page is the distinct values in that order.
TEST(ValueDictionaryTest, IndicesFollowFirstAppearanceAcrossGrowth) {
  ValueDictionary dictionary;
  std::vector<std::string> values;
  for (int i = 0; i < 5000; ++i) values.push_back("value-" + std::to_string(i * 7919 % 5000));
  values.push_back("");  // the empty value is a value too
  std::string expected_page;
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(dictionary.index_of(bytes(values[i])), i);
    expected_page += values[i];
  }
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(dictionary.index_of(bytes(values[i])), i) << values[i];
  }
  EXPECT_EQ(dictionary.size(), values.size());
  EXPECT_EQ(std::string(dictionary.encoded().begin(), dictionary.encoded().end()), expected_page);

  dictionary.clear();
  EXPECT_EQ(dictionary.size(), 0u);
  EXPECT_EQ(dictionary.index_of(bytes("value-1")), 0u);
}

// Values that share a prefix, differ in length or only in their last byte
// are told apart.
TEST(ValueDictionaryTest, NearValuesAreDistinct) {
  ValueDictionary dictionary;
  const std::vector<std::string> values = {"abcdefgh", "abcdefghi",          "abcdefgj",
                                           "abcdefg",  std::string(8, '\0'), std::string(9, '\0')};
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(dictionary.index_of(bytes(values[i])), i);
  EXPECT_EQ(dictionary.size(), values.size());
}

}  // namespace
}  // namespace rapidbyte::parquet
