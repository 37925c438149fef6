// Types, fields, schemas and their metadata.
#include <gtest/gtest.h>

#include "portable/arrow/schema.hpp"

namespace rapidbyte::arrow {
namespace {

TEST(DataTypeTest, ToString) {
  EXPECT_EQ(null().to_string(), "null");
  EXPECT_EQ(boolean().to_string(), "bool");
  EXPECT_EQ(int8().to_string(), "int8");
  EXPECT_EQ(int16().to_string(), "int16");
  EXPECT_EQ(int32().to_string(), "int32");
  EXPECT_EQ(int64().to_string(), "int64");
  EXPECT_EQ(uint8().to_string(), "uint8");
  EXPECT_EQ(uint16().to_string(), "uint16");
  EXPECT_EQ(uint32().to_string(), "uint32");
  EXPECT_EQ(uint64().to_string(), "uint64");
  EXPECT_EQ(float32().to_string(), "float32");
  EXPECT_EQ(float64().to_string(), "float64");
  EXPECT_EQ(utf8().to_string(), "utf8");
  EXPECT_EQ(binary().to_string(), "binary");
  EXPECT_EQ(date32().to_string(), "date32");
  EXPECT_EQ(timestamp(TimeUnit::kMicro).to_string(), "timestamp[us]");
  EXPECT_EQ(timestamp(TimeUnit::kMicro, "UTC").to_string(), "timestamp[us, tz=UTC]");
  EXPECT_EQ(timestamp(TimeUnit::kSecond).to_string(), "timestamp[s]");
  EXPECT_EQ(timestamp(TimeUnit::kMilli).to_string(), "timestamp[ms]");
  EXPECT_EQ(timestamp(TimeUnit::kNano, "+07:30").to_string(), "timestamp[ns, tz=+07:30]");
  EXPECT_EQ(fixed_size_binary(16).to_string(), "fixed_size_binary[16]");
  EXPECT_EQ(decimal128(38, 9).to_string(), "decimal128(38, 9)");
}

TEST(DataTypeTest, LayoutAndWidth) {
  EXPECT_EQ(null().layout(), Layout::kNull);
  EXPECT_EQ(boolean().layout(), Layout::kBitmap);
  EXPECT_EQ(utf8().layout(), Layout::kVarBinary);
  EXPECT_EQ(binary().layout(), Layout::kVarBinary);
  EXPECT_EQ(int64().layout(), Layout::kFixedWidth);
  EXPECT_EQ(int8().byte_width(), 1);
  EXPECT_EQ(uint16().byte_width(), 2);
  EXPECT_EQ(date32().byte_width(), 4);
  EXPECT_EQ(float32().byte_width(), 4);
  EXPECT_EQ(timestamp(TimeUnit::kNano).byte_width(), 8);
  EXPECT_EQ(decimal128(10, 2).byte_width(), 16);
  EXPECT_EQ(fixed_size_binary(7).byte_width(), 7);
  EXPECT_EQ(utf8().byte_width(), 0);
}

TEST(DataTypeTest, Equality) {
  EXPECT_EQ(int64(), int64());
  EXPECT_NE(int64(), uint64());
  EXPECT_NE(timestamp(TimeUnit::kMicro), timestamp(TimeUnit::kMicro, "UTC"));
  EXPECT_NE(timestamp(TimeUnit::kMicro), timestamp(TimeUnit::kMilli));
  EXPECT_EQ(timestamp(TimeUnit::kMicro, "UTC"), timestamp(TimeUnit::kMicro, "UTC"));
  EXPECT_NE(fixed_size_binary(16), fixed_size_binary(8));
  EXPECT_NE(decimal128(10, 2), decimal128(10, 3));
  EXPECT_EQ(DataType(), null());
}

TEST(KeyValueMetadataTest, GetSetKeepsOrder) {
  KeyValueMetadata m{{"b", "1"}, {"a", "2"}};
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.get("a"), "2");
  EXPECT_EQ(m.get("missing"), std::nullopt);
  m.set("a", "3");
  m.set("c", "4");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m.entries()[0].first, "b");
  EXPECT_EQ(m.entries()[1].second, "3");
  EXPECT_EQ(m.entries()[2].first, "c");
}

TEST(SchemaTest, FieldsAndMetadata) {
  auto schema = make_schema(
      {field("id", int64(), false),
       field("uuid", fixed_size_binary(16), true, {{"ARROW:extension:name", "arrow.uuid"}}),
       field("name", utf8())},
      {{"source", "postgres"}});
  EXPECT_EQ(schema->num_fields(), 3);
  EXPECT_EQ(schema->field(0).name, "id");
  EXPECT_FALSE(schema->field(0).nullable);
  EXPECT_TRUE(schema->field(2).nullable);
  EXPECT_EQ(schema->field(1).metadata.get("ARROW:extension:name"), "arrow.uuid");
  EXPECT_EQ(schema->metadata().get("source"), "postgres");
  EXPECT_EQ(schema->field_index("name"), 2);
  EXPECT_EQ(schema->field_index("nope"), -1);
  EXPECT_EQ(schema->to_string(), "id: int64 not null\nuuid: fixed_size_binary[16]\nname: utf8");

  Schema same({field("id", int64(), false),
               field("uuid", fixed_size_binary(16), true, {{"ARROW:extension:name", "arrow.uuid"}}),
               field("name", utf8())},
              {{"source", "postgres"}});
  EXPECT_EQ(*schema, same);
  Schema other({field("id", int64())});
  EXPECT_NE(*schema, other);
}

}  // namespace
}  // namespace rapidbyte::arrow
