// money as locale-free decimal text (CodecOptions::money_scale): binary to
// text at the edges of int64 and for several fraction digit counts, and
// text back to the same binary; malformed text is a data error.
#include <gtest/gtest.h>

#include <limits>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/codec_factories.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres {
namespace {

std::unique_ptr<ValueCodec> money(int32_t scale) {
  CodecOptions options;
  options.money_scale = scale;
  auto codec = make_codec({oid::kMoney, -1}, options);
  EXPECT_TRUE(codec);
  return std::move(*codec);
}

std::string decode(const ValueCodec& codec, int64_t amount) {
  std::vector<uint8_t> bytes;
  wire::append_be(bytes, amount);
  arrow::StringBuilder builder;
  EXPECT_TRUE(codec.decode(bytes, builder));
  auto array = builder.finish();
  EXPECT_TRUE(array);
  return std::string(arrow::StringArray(*array).value(0));
}

Result<std::vector<uint8_t>> encode(const ValueCodec& codec, std::string_view text) {
  arrow::StringBuilder builder;
  builder.append(text);
  auto array = builder.finish();
  EXPECT_TRUE(array);
  std::vector<uint8_t> out;
  RB_TRY(codec.encode(*array, 0, out));
  return out;
}

TEST(MoneyCodec, WithoutAScaleThereIsNoCodec) {
  EXPECT_FALSE(make_codec({oid::kMoney, -1}, {}));
}

TEST(MoneyCodec, DecodesToDecimalTextAndBack) {
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  const struct {
    int32_t scale;
    int64_t amount;
    const char* text;
  } cases[] = {
      {2, 123456, "1234.56"},
      {2, -5, "-0.05"},
      {2, 0, "0.00"},
      {2, min, "-92233720368547758.08"},
      {2, max, "92233720368547758.07"},
      {0, -42, "-42"},
      {3, 7, "0.007"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto codec = money(c.scale);
    EXPECT_EQ(decode(*codec, c.amount), c.text);
    auto bytes = encode(*codec, c.text);
    ASSERT_TRUE(bytes) << bytes.error().message;
    std::vector<uint8_t> expected;
    wire::append_be(expected, c.amount);
    EXPECT_EQ(*bytes, expected);
  }
  // Fewer fraction digits than the scale are padded.
  std::vector<uint8_t> padded;
  wire::append_be(padded, int64_t{1250});
  EXPECT_EQ(encode(*money(2), "12.5").value(), padded);
}

TEST(MoneyCodec, MalformedTextIsADataError) {
  auto codec = money(2);
  for (const char* bad : {"", "-", "1.", ".5", "1.234", "$1.00", "1,000.00", "1e3",
                          "92233720368547758.08", "-92233720368547758.09"}) {
    SCOPED_TRACE(bad);
    auto bytes = encode(*codec, bad);
    ASSERT_FALSE(bytes);
    EXPECT_NE(bytes.error().message.find("money"), std::string::npos) << bytes.error().message;
  }
}

}  // namespace
}  // namespace rapidbyte::postgres
