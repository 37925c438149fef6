// Builders: appends, nulls, growth, reset after finish, make_builder.
#include <gtest/gtest.h>

#include <string>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_array.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/fixed_size_binary_array.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/primitive_builder.hpp"

namespace rapidbyte::arrow {
namespace {

TEST(BuilderTest, Int64WithoutNullsHasNoValidity) {
  Int64Builder b;
  b.append(1);
  b.append(-2);
  b.append(INT64_MAX);
  EXPECT_EQ(b.length(), 3);
  Array a = *b.finish();
  EXPECT_EQ(a.type(), int64());
  EXPECT_EQ(a.length(), 3);
  EXPECT_EQ(a.null_count(), 0);
  EXPECT_TRUE(a.data().validity.empty());
  Int64Array v(a);
  EXPECT_EQ(v.value(0), 1);
  EXPECT_EQ(v.value(1), -2);
  EXPECT_EQ(v.value(2), INT64_MAX);
  EXPECT_EQ(b.length(), 0);  // reset
  EXPECT_TRUE(a.validate());
}

TEST(BuilderTest, LazyValidityBackfillsValidSlots) {
  Int32Builder b;
  for (int i = 0; i < 10; ++i) b.append(i);
  b.append_null();
  b.append(11);
  Array a = *b.finish();
  EXPECT_EQ(a.null_count(), 1);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(a.is_valid(i)) << i;
  EXPECT_TRUE(a.is_null(10));
  EXPECT_TRUE(a.is_valid(11));
  EXPECT_EQ(Int32Array(a).value(11), 11);
  EXPECT_TRUE(a.validate());
}

TEST(BuilderTest, ManyValuesGrowAmortized) {
  Float64Builder b;
  for (int i = 0; i < 100000; ++i) {
    if (i % 7 == 0) {
      b.append_null();
    } else {
      b.append(i * 0.5);
    }
  }
  Array a = *b.finish();
  ASSERT_EQ(a.length(), 100000);
  EXPECT_EQ(a.null_count(), (100000 + 6) / 7);
  Float64Array v(a);
  EXPECT_DOUBLE_EQ(v.value(99999), 99999 * 0.5);
  EXPECT_TRUE(v.is_null(99995));
  EXPECT_TRUE(a.validate());
}

TEST(BuilderTest, AppendValuesAndReserve) {
  Int16Builder b;
  b.reserve(5);
  const int16_t vals[] = {1, 2, 3};
  b.append_null();
  b.append_values(vals);
  Array a = *b.finish();
  EXPECT_EQ(a.length(), 4);
  EXPECT_EQ(a.null_count(), 1);
  EXPECT_EQ(Int16Array(a).value(3), 3);
  EXPECT_TRUE(a.is_valid(3));
}

TEST(BuilderTest, AllNumericTypes) {
  UInt8Builder u8;
  u8.append(255);
  EXPECT_EQ(UInt8Array(*u8.finish()).value(0), 255);
  UInt64Builder u64;
  u64.append(UINT64_MAX);
  EXPECT_EQ(UInt64Array(*u64.finish()).value(0), UINT64_MAX);
  Int8Builder i8;
  i8.append(-128);
  EXPECT_EQ(Int8Array(*i8.finish()).value(0), -128);
  Float32Builder f32;
  f32.append(1.5f);
  Array f = *f32.finish();
  EXPECT_EQ(f.type(), float32());
  EXPECT_EQ(Float32Array(f).value(0), 1.5f);
}

TEST(BuilderTest, Bool) {
  BooleanBuilder b;
  b.append(true);
  b.append(false);
  b.append_null();
  for (int i = 0; i < 20; ++i) b.append(i % 3 == 0);
  Array a = *b.finish();
  EXPECT_EQ(a.length(), 23);
  EXPECT_EQ(a.null_count(), 1);
  BooleanArray v(a);
  EXPECT_TRUE(v.value(0));
  EXPECT_FALSE(v.value(1));
  EXPECT_TRUE(v.is_null(2));
  EXPECT_TRUE(v.value(3));
  EXPECT_FALSE(v.value(4));
  EXPECT_TRUE(v.value(6));
  EXPECT_TRUE(a.validate());
}

TEST(BuilderTest, StringAndBinary) {
  StringBuilder s;
  s.append("hello");
  s.append_null();
  s.append("");
  s.append("\xE2\x82\xAC uro");
  Array a = *s.finish();
  EXPECT_EQ(a.type(), utf8());
  StringArray v(a);
  EXPECT_EQ(v.value(0), "hello");
  EXPECT_TRUE(v.is_null(1));
  EXPECT_EQ(v.value(1), "");
  EXPECT_EQ(v.value(2), "");
  EXPECT_FALSE(v.is_null(2));
  EXPECT_EQ(v.value(3), "\xE2\x82\xAC uro");
  EXPECT_EQ(v.value_offset(4), 12);
  EXPECT_TRUE(a.validate());

  BinaryBuilder b;
  const uint8_t raw[] = {0, 1, 0xFF};
  b.append(std::span<const uint8_t>(raw));
  Array ab = *b.finish();
  EXPECT_EQ(ab.type(), binary());
  auto bytes = BinaryArray(ab).value_bytes(0);
  ASSERT_EQ(bytes.size(), 3u);
  EXPECT_EQ(bytes[2], 0xFF);

  // Reuse after finish starts a fresh array.
  s.append("again");
  Array again = *s.finish();
  EXPECT_EQ(again.length(), 1);
  EXPECT_EQ(StringArray(again).value(0), "again");
}

TEST(BuilderTest, TimestampAndDate) {
  TimestampBuilder ts(TimeUnit::kMicro, "UTC");
  ts.append(1700000000000000);
  ts.append_null();
  Array a = *ts.finish();
  EXPECT_EQ(a.type(), timestamp(TimeUnit::kMicro, "UTC"));
  EXPECT_EQ(TimestampArray(a).value(0), 1700000000000000);
  Date32Builder d;
  d.append(19000);
  Array da = *d.finish();
  EXPECT_EQ(da.type(), date32());
  EXPECT_EQ(Date32Array(da).value(0), 19000);
}

TEST(BuilderTest, FixedSizeBinaryAndDecimal) {
  FixedSizeBinaryBuilder b(fixed_size_binary(4));
  b.append(std::string_view("abcd"));
  b.append_null();
  Array a = *b.finish();
  FixedSizeBinaryArray v(a);
  EXPECT_EQ(v.value_view(0), "abcd");
  EXPECT_TRUE(v.is_null(1));
  EXPECT_TRUE(a.validate());

  b.append(std::string_view("abc"));
  auto bad = b.finish();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "fixed_size_binary[4] builder got a value of 3 bytes");

  FixedSizeBinaryBuilder dec(decimal128(10, 2));
  uint8_t v16[16] = {0x39, 0x30};  // 12345 -> 123.45
  dec.append(std::span<const uint8_t>(v16));
  Array d = *dec.finish();
  EXPECT_EQ(d.type(), decimal128(10, 2));
  EXPECT_EQ(Decimal128Array(d).value(0)[1], 0x30);
}

TEST(BuilderTest, MakeBuilderForEveryType) {
  const DataType types[] = {null(),
                            boolean(),
                            int8(),
                            int16(),
                            int32(),
                            int64(),
                            uint8(),
                            uint16(),
                            uint32(),
                            uint64(),
                            float32(),
                            float64(),
                            utf8(),
                            binary(),
                            date32(),
                            timestamp(TimeUnit::kNano, "UTC"),
                            fixed_size_binary(3),
                            decimal128(5, 1)};
  for (const DataType& t : types) {
    auto b = make_builder(t);
    ASSERT_NE(b, nullptr) << t.to_string();
    EXPECT_EQ(b->type(), t);
    b->append_nulls(3);
    auto a = b->finish();
    ASSERT_TRUE(a) << t.to_string();
    EXPECT_EQ(a->type(), t);
    EXPECT_EQ(a->length(), 3);
    EXPECT_EQ(a->null_count(), 3);
    EXPECT_TRUE(a->validate()) << t.to_string();
  }
  auto b = make_builder(int64());
  static_cast<Int64Builder&>(*b).append(42);
  EXPECT_EQ(Int64Array(*b->finish()).value(0), 42);
}

}  // namespace
}  // namespace rapidbyte::arrow
