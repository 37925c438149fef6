// Arrays as zero-copy views: bit utilities, typed views, slicing, validation.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/boolean_array.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/arrow/utf8.hpp"

namespace rapidbyte::arrow {
namespace {

Buffer bytes_of(std::vector<uint8_t> v) {
  return Buffer::copy_of(v);
}

template <class T>
Buffer values_of(std::vector<T> v) {
  return Buffer::copy_of(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(T)));
}

TEST(BitUtilTest, CountAndCopy) {
  const uint8_t bits[] = {0b10110101, 0xFF, 0x00, 0b00000001, 0xAA, 0xAA,
                          0xAA,       0xAA, 0xAA, 0xAA,       0xAA, 0xAA};
  EXPECT_EQ(bit_util::count_set_bits(bits, 0, 8), 5);
  EXPECT_EQ(bit_util::count_set_bits(bits, 1, 3), 1);  // bits 1..3 = 0,1,0
  EXPECT_EQ(bit_util::count_set_bits(bits, 0, 96), 5 + 8 + 0 + 1 + 32);
  EXPECT_EQ(bit_util::count_set_bits(bits, 3, 90), 46 - 2 - 2);  // minus bits 0, 2, 93, 95
  uint8_t out[3] = {0xFF, 0xFF, 0xFF};
  bit_util::copy_bits(bits, 4, 12, out);  // 1011 then 11111111
  EXPECT_EQ(out[0], 0b11111011);
  EXPECT_EQ(out[1], 0b00001111);
  bit_util::copy_bits(bits, 8, 9, out);
  EXPECT_EQ(out[0], 0xFF);
  EXPECT_EQ(out[1], 0x00);
  EXPECT_EQ(bit_util::bytes_for_bits(0), 0);
  EXPECT_EQ(bit_util::bytes_for_bits(9), 2);
  EXPECT_EQ(bit_util::pad8(9), 16);
  EXPECT_EQ(bit_util::pad8(16), 16);
}

TEST(Utf8Test, Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text that is long enough for the fast path"));
  EXPECT_TRUE(is_valid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_FALSE(is_valid_utf8("\xC3"));                                       // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                                   // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));                               // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));                               // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));                           // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("abcdefgh\x80"));
  // The 32-byte ASCII path: whole blocks end exactly at the end of the view
  // (the byte after it is not part of the text), a multi-byte character or
  // a bad byte right after a block.
  const std::string block(32, 'a');
  const std::string followed = block + block + "\xFF";
  EXPECT_TRUE(is_valid_utf8(std::string_view(followed).substr(0, 32)));
  EXPECT_TRUE(is_valid_utf8(std::string_view(followed).substr(0, 64)));
  EXPECT_FALSE(is_valid_utf8(followed));
  EXPECT_TRUE(is_valid_utf8(block + "h\xC3\xA9llo" + block));
  EXPECT_FALSE(is_valid_utf8(block + "abc\xC0\xAF" + block));
}

TEST(ArrayTest, HandBuiltPrimitiveView) {
  ArrayData d;
  d.type = int32();
  d.length = 4;
  d.null_count = 1;
  d.validity = bytes_of({0b1011});
  d.values = values_of<int32_t>({10, 20, 30, 40});
  Array a(d);
  ASSERT_TRUE(a.validate());
  auto v = Int32Array::make(a);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value(0), 10);
  EXPECT_FALSE(v->is_null(1));
  EXPECT_TRUE(v->is_null(2));
  EXPECT_EQ(v->value(3), 40);
  EXPECT_FALSE(Int64Array::make(a));
  EXPECT_FALSE(Float32Array::make(a));
  EXPECT_FALSE(BinaryArray::make(a));
  EXPECT_FALSE(BooleanArray::make(a));
}

TEST(ArrayTest, SlicePrimitiveSharesMemoryAndRecountsNulls) {
  Int64Builder b;
  for (int i = 0; i < 20; ++i) {
    if (i % 3 == 0) {
      b.append_null();
    } else {
      b.append(i * 100);
    }
  }
  Array a = *b.finish();
  EXPECT_EQ(a.null_count(), 7);
  Array s = a.slice(5, 10);  // rows 5..14: nulls at 6, 9, 12
  EXPECT_EQ(s.length(), 10);
  EXPECT_EQ(s.offset(), 5);
  EXPECT_EQ(s.null_count(), 3);
  EXPECT_EQ(s.data().values.data(), a.data().values.data());
  Int64Array v(s);
  EXPECT_EQ(v.value(0), 500);
  EXPECT_TRUE(v.is_null(1));
  EXPECT_EQ(v.value(2), 700);
  Array ss = s.slice(2, 3);  // rows 7, 8, 9
  EXPECT_EQ(ss.null_count(), 1);
  EXPECT_EQ(Int64Array(ss).value(1), 800);
  EXPECT_TRUE(ss.is_null(2));
  ASSERT_TRUE(ss.validate());
}

TEST(ArrayTest, SliceStringsAndBools) {
  StringBuilder sb;
  sb.append("a");
  sb.append_null();
  sb.append("ccc");
  sb.append("");
  Array s = (*sb.finish()).slice(1, 3);
  StringArray sv(s);
  EXPECT_EQ(s.null_count(), 1);
  EXPECT_TRUE(sv.is_null(0));
  EXPECT_EQ(sv.value(0), "");
  EXPECT_EQ(sv.value(1), "ccc");
  EXPECT_EQ(sv.value(2), "");

  BooleanBuilder bb;
  for (int i = 0; i < 11; ++i) bb.append(i % 2 == 0);
  Array b = (*bb.finish()).slice(3, 5);
  BooleanArray bv(b);
  EXPECT_FALSE(bv.value(0));
  EXPECT_TRUE(bv.value(1));
  EXPECT_EQ(bv.null_count(), 0);
}

// UTF-8 is validated per slot: a character split across two slots is
// invalid even though the bytes are valid UTF-8 as a whole, and the error
// names the first bad slot.
TEST(ArrayTest, Utf8IsValidatedPerSlot) {
  ArrayData d;
  d.type = utf8();
  d.length = 4;
  d.values = values_of<int32_t>({0, 1, 3, 3, 4});
  d.data = bytes_of({'a', 0xC3, 0xA9, 'b'});  // "a", "é", "", "b"
  ASSERT_TRUE(Array(d).validate());
  d.values = values_of<int32_t>({0, 1, 2, 2, 4});  // "a", "\xC3", "", "\xA9b"
  auto r = Array(d).validate();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("invalid UTF-8 in slot 1"), std::string::npos)
      << r.error().message;
  d.values = values_of<int32_t>({0, 2, 2, 2, 2});  // "a\xC3", "", "", ""
  r = Array(d).validate();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("invalid UTF-8 in slot 0"), std::string::npos)
      << r.error().message;
  // A slice is checked over the bytes its slots use.
  d.values = values_of<int32_t>({0, 1, 3, 3, 4});
  EXPECT_TRUE(Array(d).slice(1, 2).validate());
}

TEST(ArrayTest, NullArray) {
  Array n = Array::make_null(5);
  EXPECT_EQ(n.null_count(), 5);
  EXPECT_TRUE(n.is_null(4));
  EXPECT_EQ(n.slice(1, 2).null_count(), 2);
  EXPECT_TRUE(n.validate());
}

TEST(ArrayTest, ValidateRejectsInconsistentData) {
  ArrayData d;
  d.type = int64();
  d.length = 3;
  d.values = values_of<int64_t>({1, 2});
  auto r = Array(d).validate();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("too small"), std::string::npos) << r.error().message;

  d.values = values_of<int64_t>({1, 2, 3});
  d.null_count = 1;
  r = Array(d).validate();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no validity bitmap"), std::string::npos);

  d.validity = bytes_of({0b111});
  r = Array(d).validate();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not match"), std::string::npos);

  ArrayData s;
  s.type = utf8();
  s.length = 2;
  s.values = values_of<int32_t>({0, 3, 2});
  s.data = bytes_of({'a', 'b', 'c'});
  r = Array(s).validate();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("offsets decrease"), std::string::npos);

  s.values = values_of<int32_t>({0, 1, 4});
  r = Array(s).validate();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("past the end"), std::string::npos);

  s.values = values_of<int32_t>({0, 1, 3});
  s.data = bytes_of({'a', 0xC3, 0x28});
  r = Array(s).validate();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("invalid UTF-8 in slot 1"), std::string::npos);
  s.type = binary();
  EXPECT_TRUE(Array(s).validate());
}

TEST(RecordBatchTest, MakeChecksColumns) {
  auto schema = make_schema({field("a", int64(), false), field("b", utf8())});
  Int64Builder a;
  a.append(1);
  a.append(2);
  StringBuilder b;
  b.append("x");
  b.append_null();
  Array ca = *a.finish();
  Array cb = *b.finish();
  auto batch = RecordBatch::make(schema, {ca, cb});
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->num_rows(), 2);
  EXPECT_EQ(batch->num_columns(), 2);
  RecordBatch sliced = batch->slice(1, 1);
  EXPECT_EQ(sliced.num_rows(), 1);
  EXPECT_TRUE(sliced.column(1).is_null(0));

  EXPECT_FALSE(RecordBatch::make(schema, {ca}));                  // column count
  EXPECT_FALSE(RecordBatch::make(schema, {cb, ca}));              // types
  EXPECT_FALSE(RecordBatch::make(schema, {ca, cb.slice(0, 1)}));  // lengths
  Int64Builder with_null;
  with_null.append_null();
  with_null.append(1);
  auto r = RecordBatch::make(schema, {*with_null.finish(), cb});  // not nullable
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "column 'a' is not nullable but has 1 nulls");
  auto empty = RecordBatch::make(make_schema({}), {}, 0);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->num_rows(), 0);
}

}  // namespace
}  // namespace rapidbyte::arrow
