// Parquet metadata: a footer and page headers of every kind this library
// writes come back from decoding exactly, fields it does not model are
// skipped, and a footer missing its required parts is refused.
#include "portable/parquet/metadata.hpp"

#include <gtest/gtest.h>

#include "portable/parquet/thrift_compact.hpp"

namespace rapidbyte::parquet {
namespace {

FileMetaData sample_footer() {
  FileMetaData m;
  m.num_rows = 3;
  m.created_by = "rapidbyte";
  m.type_defined_orders = 3;
  m.key_value_metadata = {{"ARROW:schema", "abc"}, {"empty", std::nullopt}};
  SchemaElement root;
  root.name = "schema";
  root.num_children = 3;
  SchemaElement amount;
  amount.name = "amount";
  amount.type = PhysicalType::kFixedLenByteArray;
  amount.type_length = 6;
  amount.repetition = Repetition::kOptional;
  amount.converted_type = ConvertedType::kDecimal;
  amount.scale = 2;
  amount.precision = 12;
  amount.logical_type =
      LogicalType{.kind = LogicalType::Kind::kDecimal, .scale = 2, .precision = 12};
  SchemaElement at;
  at.name = "at";
  at.type = PhysicalType::kInt64;
  at.repetition = Repetition::kRequired;
  at.logical_type = LogicalType{
      .kind = LogicalType::Kind::kTimestamp, .adjusted_to_utc = true, .unit = TimeUnit::kNanos};
  SchemaElement small;
  small.name = "small";
  small.type = PhysicalType::kInt32;
  small.repetition = Repetition::kOptional;
  small.logical_type =
      LogicalType{.kind = LogicalType::Kind::kInteger, .bit_width = 16, .is_signed = true};
  m.schema = {root, amount, at, small};
  RowGroup g;
  g.num_rows = 3;
  g.total_byte_size = 100;
  g.file_offset = 4;
  for (int i = 0; i < 3; ++i) {
    ColumnChunk c;
    c.file_offset = 4 + 30 * i;
    c.meta_data.type = m.schema[1 + i].type.value();
    c.meta_data.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
    c.meta_data.path_in_schema = {m.schema[1 + i].name};
    c.meta_data.codec = Codec::kZstd;
    c.meta_data.num_values = 3;
    c.meta_data.total_uncompressed_size = 40;
    c.meta_data.total_compressed_size = 30;
    c.meta_data.data_page_offset = 4 + 30 * i;
    if (i == 0) c.meta_data.dictionary_page_offset = 4;
    c.meta_data.statistics = Statistics{1, std::string("\x00\x01", 2), std::string("\xFF", 1)};
    g.columns.push_back(c);
  }
  m.row_groups = {g};
  return m;
}

void expect_same(const SchemaElement& a, const SchemaElement& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.type_length, b.type_length);
  EXPECT_EQ(a.repetition, b.repetition);
  EXPECT_EQ(a.num_children, b.num_children);
  EXPECT_EQ(a.converted_type, b.converted_type);
  EXPECT_EQ(a.scale, b.scale);
  EXPECT_EQ(a.precision, b.precision);
  ASSERT_EQ(a.logical_type.has_value(), b.logical_type.has_value());
  if (!a.logical_type) return;
  EXPECT_EQ(a.logical_type->kind, b.logical_type->kind);
  EXPECT_EQ(a.logical_type->scale, b.logical_type->scale);
  EXPECT_EQ(a.logical_type->precision, b.logical_type->precision);
  EXPECT_EQ(a.logical_type->adjusted_to_utc, b.logical_type->adjusted_to_utc);
  EXPECT_EQ(a.logical_type->unit, b.logical_type->unit);
  EXPECT_EQ(a.logical_type->bit_width, b.logical_type->bit_width);
  EXPECT_EQ(a.logical_type->is_signed, b.logical_type->is_signed);
}

TEST(ParquetMetadataTest, AFooterComesBackExactly) {
  const FileMetaData m = sample_footer();
  std::vector<uint8_t> bytes;
  encode(m, bytes);
  auto decoded = decode_file_metadata(bytes);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->version, 2);
  EXPECT_EQ(decoded->num_rows, 3);
  EXPECT_EQ(decoded->created_by, "rapidbyte");
  EXPECT_EQ(decoded->type_defined_orders, 3u);
  ASSERT_EQ(decoded->key_value_metadata.size(), 2u);
  EXPECT_EQ(decoded->key_value_metadata[0].key, "ARROW:schema");
  EXPECT_EQ(decoded->key_value_metadata[0].value, "abc");
  EXPECT_EQ(decoded->key_value_metadata[1].value, std::nullopt);
  ASSERT_EQ(decoded->schema.size(), 4u);
  for (size_t i = 0; i < 4; ++i) expect_same(decoded->schema[i], m.schema[i]);
  ASSERT_EQ(decoded->row_groups.size(), 1u);
  const RowGroup& g = decoded->row_groups[0];
  EXPECT_EQ(g.num_rows, 3);
  EXPECT_EQ(g.total_byte_size, 100);
  EXPECT_EQ(g.file_offset, 4);
  ASSERT_EQ(g.columns.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const ColumnMetaData& got = g.columns[i].meta_data;
    const ColumnMetaData& want = m.row_groups[0].columns[i].meta_data;
    EXPECT_EQ(g.columns[i].file_offset, m.row_groups[0].columns[i].file_offset);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.encodings, want.encodings);
    EXPECT_EQ(got.path_in_schema, want.path_in_schema);
    EXPECT_EQ(got.codec, want.codec);
    EXPECT_EQ(got.num_values, want.num_values);
    EXPECT_EQ(got.total_uncompressed_size, want.total_uncompressed_size);
    EXPECT_EQ(got.total_compressed_size, want.total_compressed_size);
    EXPECT_EQ(got.data_page_offset, want.data_page_offset);
    EXPECT_EQ(got.dictionary_page_offset, want.dictionary_page_offset);
    ASSERT_TRUE(got.statistics);
    EXPECT_EQ(got.statistics->null_count, 1);
    EXPECT_EQ(got.statistics->min_value, std::string("\x00\x01", 2));
    EXPECT_EQ(got.statistics->max_value, std::string("\xFF", 1));
  }
}

TEST(ParquetMetadataTest, PageHeadersOfEveryKind) {
  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 10;
  dict.compressed_page_size = 8;
  dict.dictionary_page = DictionaryPageHeader{5, Encoding::kPlain};
  PageHeader v1;
  v1.type = PageType::kDataPage;
  v1.uncompressed_page_size = 1000;
  v1.compressed_page_size = 900;
  v1.data_page = DataPageHeader{70000, Encoding::kRleDictionary, Encoding::kRle, Encoding::kRle};
  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 2000;
  v2.compressed_page_size = 1500;
  v2.data_page_v2 = DataPageHeaderV2{100, 3, 100, Encoding::kPlain, 12, 0, false};

  std::vector<uint8_t> bytes;
  for (const PageHeader* h : {&dict, &v1, &v2}) encode(*h, bytes);
  bytes.push_back(0xAB);  // the page data that would follow

  std::span<const uint8_t> rest = bytes;
  auto d = decode_page_header(rest);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->header.type, PageType::kDictionaryPage);
  ASSERT_TRUE(d->header.dictionary_page);
  EXPECT_EQ(d->header.dictionary_page->num_values, 5);
  rest = rest.subspan(d->size);
  d = decode_page_header(rest);
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_TRUE(d->header.data_page);
  EXPECT_EQ(d->header.uncompressed_page_size, 1000);
  EXPECT_EQ(d->header.compressed_page_size, 900);
  EXPECT_EQ(d->header.data_page->num_values, 70000);
  EXPECT_EQ(d->header.data_page->encoding, Encoding::kRleDictionary);
  rest = rest.subspan(d->size);
  d = decode_page_header(rest);
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_TRUE(d->header.data_page_v2);
  EXPECT_EQ(d->header.data_page_v2->num_nulls, 3);
  EXPECT_EQ(d->header.data_page_v2->definition_levels_byte_length, 12);
  EXPECT_FALSE(d->header.data_page_v2->is_compressed);
  rest = rest.subspan(d->size);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0], 0xAB);
}

TEST(ParquetMetadataTest, UnknownFieldsAreSkipped) {
  // A footer with a field a newer writer adds (20, holding a struct) and a
  // logical type this library does not know (member 16).
  std::vector<uint8_t> bytes;
  thrift::CompactWriter w(bytes);
  w.field_i32(1, 1);
  w.begin_list(2, thrift::Type::kStruct, 1);
  w.begin_struct_element();
  w.field_binary(4, "root");
  w.begin_struct(10);
  w.begin_struct(16);
  w.end_struct();
  w.end_struct();
  w.end_struct();
  w.field_i64(3, 0);
  w.begin_list(4, thrift::Type::kStruct, 0);
  w.begin_struct(20);
  w.field_binary(1, "future");
  w.end_struct();
  w.stop();
  auto decoded = decode_file_metadata(bytes);
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->schema.size(), 1u);
  EXPECT_EQ(decoded->schema[0].name, "root");
  EXPECT_FALSE(decoded->schema[0].logical_type);
}

TEST(ParquetMetadataTest, AFooterWithoutItsRequiredPartsIsRefused) {
  std::vector<uint8_t> bytes;
  thrift::CompactWriter w(bytes);
  w.field_i32(1, 1);
  w.stop();
  auto decoded = decode_file_metadata(bytes);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().message,
            "Parquet metadata: the footer lacks its schema, row count or row groups");
  auto truncated = decode_file_metadata(std::span<const uint8_t>(bytes).first(1));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().message, "Thrift: unexpected end of data");
}

}  // namespace
}  // namespace rapidbyte::parquet
