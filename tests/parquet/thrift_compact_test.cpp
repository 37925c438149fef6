// Thrift's compact protocol: exact bytes of each form (field headers with
// short and long id deltas, zigzag varints, lists of up to 14 and of more
// elements, nested structs), and a reader that refuses truncated, oversized
// and too deeply nested input with a clear error.
#include "portable/parquet/thrift_compact.hpp"

#include <gtest/gtest.h>

namespace rapidbyte::parquet::thrift {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

TEST(ThriftCompactTest, WritesTheCompactForms) {
  std::vector<uint8_t> out;
  CompactWriter w(out);
  w.field_i32(1, 2);                // delta 1, i32: 0x15, zigzag(2) = 4
  w.field_i64(3, -1);               // delta 2, i64: 0x26, zigzag(-1) = 1
  w.field_binary(4, "ab");          // delta 1, binary: 0x18, length 2
  w.field_bool(5, true);            // delta 1, true: 0x11
  w.field_i32(40, 300);             // delta 35: long form 0x05, zigzag id 80, zigzag(300) = 600
  w.begin_struct(41);               // delta 1, struct: 0x1C
  w.field_bool(1, false);           // ids restart inside: 0x12
  w.end_struct();                   // 0x00
  w.begin_list(42, Type::kI32, 2);  // 0x19, 2 elements of i32: 0x25
  w.i32_element(-2);                // 3
  w.i32_element(64);                // 128: 0x80 0x01
  w.stop();
  EXPECT_EQ(out, bytes({0x15, 0x04, 0x26, 0x01, 0x18, 0x02, 'a',  'b',  0x11, 0x05, 0x50,
                        0xD8, 0x04, 0x1C, 0x12, 0x00, 0x19, 0x25, 0x03, 0x80, 0x01, 0x00}));
}

TEST(ThriftCompactTest, ReadsWhatItWrites) {
  std::vector<uint8_t> out;
  CompactWriter w(out);
  w.field_i32(1, -123456);
  w.field_double(2, 2.5);
  w.begin_list(3, Type::kBinary, 20);
  for (int i = 0; i < 20; ++i) w.binary_element(std::to_string(i));
  w.field_i64(9, int64_t{1} << 60);
  w.stop();

  CompactReader r(out);
  auto f = r.next_field();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id, 1);
  EXPECT_EQ(f->type, Type::kI32);
  EXPECT_EQ(*r.read_i32(), -123456);
  f = r.next_field();
  EXPECT_EQ(f->id, 2);
  EXPECT_EQ(*r.read_double(), 2.5);
  f = r.next_field();
  EXPECT_EQ(f->type, Type::kList);
  auto list = r.read_list_header();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size, 20u);
  EXPECT_EQ(list->element, Type::kBinary);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(*r.read_binary(), std::to_string(i));
  f = r.next_field();
  EXPECT_EQ(f->id, 9);
  EXPECT_EQ(*r.read_i64(), int64_t{1} << 60);
  EXPECT_TRUE(r.next_field()->is_stop());
  EXPECT_EQ(r.position(), out.size());
}

TEST(ThriftCompactTest, SkipsUnknownFieldsOfEveryType) {
  std::vector<uint8_t> out;
  CompactWriter w(out);
  w.begin_struct(1);
  w.begin_struct(1);
  w.field_binary(2, "nested");
  w.begin_list(3, Type::kStruct, 1);
  w.begin_struct_element();
  w.field_double(1, 1.0);
  w.end_struct();
  w.end_struct();
  w.field_bool(2, true);
  w.end_struct();
  w.field_i32(2, 7);
  w.stop();

  CompactReader r(out);
  auto f = r.next_field();
  ASSERT_TRUE(r.skip(f->type));
  f = r.next_field();
  EXPECT_EQ(f->id, 2);  // the id the outer struct left off at
  EXPECT_EQ(*r.read_i32(), 7);
  EXPECT_TRUE(r.next_field()->is_stop());
}

TEST(ThriftCompactTest, RefusesMalformedInput) {
  // A binary claiming 100 bytes where 1 is left.
  {
    auto in = bytes({0x18, 0x64, 'x'});
    CompactReader r(in);
    ASSERT_TRUE(r.next_field());
    auto v = r.read_binary();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().message,
              "Thrift: a binary of 100 bytes at offset 2 runs past the end of the data");
  }
  // A list claiming 2^31 elements.
  {
    auto in = bytes({0x19, 0xF5, 0x80, 0x80, 0x80, 0x80, 0x08});
    CompactReader r(in);
    ASSERT_TRUE(r.next_field());
    auto list = r.read_list_header();
    ASSERT_FALSE(list);
    EXPECT_EQ(list.error().message,
              "Thrift: a list of 2147483648 elements at offset 7 runs past the end of the data");
  }
  // Truncated in the middle of a varint.
  {
    auto in = bytes({0x15, 0x80});
    CompactReader r(in);
    ASSERT_TRUE(r.next_field());
    auto v = r.read_i32();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().message, "Thrift: unexpected end of data");
  }
  // A varint of 11 bytes.
  {
    std::vector<uint8_t> in = {0x16};
    in.insert(in.end(), 11, 0xFF);
    CompactReader r(in);
    ASSERT_TRUE(r.next_field());
    auto v = r.read_i64();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().message, "Thrift: varint longer than 10 bytes at offset 11");
  }
  // An unknown type code.
  {
    auto in = bytes({0x1D});
    CompactReader r(in);
    auto f = r.next_field();
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().message, "Thrift: unknown field type 13 at offset 0");
  }
  // Structs nested 1000 deep, skipped.
  {
    std::vector<uint8_t> in(1000, 0x1C);
    CompactReader r(in);
    auto f = r.next_field();
    ASSERT_TRUE(f);
    auto skipped = r.skip(f->type);
    ASSERT_FALSE(skipped);
    EXPECT_EQ(skipped.error().message, "Thrift: structures nested deeper than 32");
  }
}

}  // namespace
}  // namespace rapidbyte::parquet::thrift
