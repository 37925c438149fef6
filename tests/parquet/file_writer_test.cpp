// The file writer's layout, read back with this library's own footer and
// page-header decoding: the magic at both ends, the footer where its length
// says, and a chunk whose dictionary outgrows its bound (a dictionary page,
// dictionary-encoded pages, then PLAIN pages). Values are checked by
// pyarrow and DuckDB (pyarrow_interop.py).
#include "portable/parquet/file_writer.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/list_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/parquet/memory_file.hpp"

namespace rapidbyte::parquet {
namespace {

FileMetaData footer_of(const std::vector<uint8_t>& file) {
  EXPECT_GE(file.size(), 12u);
  EXPECT_EQ(std::memcmp(file.data(), "PAR1", 4), 0);
  EXPECT_EQ(std::memcmp(file.data() + file.size() - 4, "PAR1", 4), 0);
  uint32_t length = 0;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  auto footer = decode_file_metadata(std::span(file).subspan(file.size() - 8 - length, length));
  EXPECT_TRUE(footer) << footer.error().message;
  return footer ? *footer : FileMetaData{};
}

TEST(ParquetFileWriterTest, AChunkThatOutgrowsItsDictionaryGoesOnInPlainPages) {
  auto schema = std::make_shared<const arrow::Schema>(
      std::vector<arrow::Field>{arrow::field("id", arrow::int64(), false)});
  MemoryOutput out;
  WriterOptions options;
  options.page_bytes = 400;        // 50 values a page
  options.dictionary_bytes = 800;  // 100 distinct values
  auto writer = FileWriter::open(schema, out, options);
  ASSERT_TRUE(writer) << writer.error().message;
  arrow::Int64Builder ids;
  for (int64_t i = 0; i < 1000; ++i) ids.append(i * 7);
  auto batch = arrow::RecordBatch::make(schema, {*ids.finish()});
  ASSERT_TRUE(batch);
  ASSERT_TRUE((*writer)->write(*batch));
  ASSERT_TRUE((*writer)->close());

  const FileMetaData footer = footer_of(out.data);
  EXPECT_EQ(footer.num_rows, 1000);
  ASSERT_EQ(footer.row_groups.size(), 1u);
  const ColumnMetaData& column = footer.row_groups[0].columns[0].meta_data;
  ASSERT_TRUE(column.dictionary_page_offset);
  EXPECT_EQ(*column.dictionary_page_offset, 4);

  std::vector<std::pair<PageType, Encoding>> pages;
  int64_t values = 0;
  int32_t dictionary_entries = 0;
  size_t at = static_cast<size_t>(*column.dictionary_page_offset);
  const size_t end = at + static_cast<size_t>(column.total_compressed_size);
  while (at < end) {
    auto page = decode_page_header(std::span(out.data).subspan(at));
    ASSERT_TRUE(page) << page.error().message;
    if (page->header.dictionary_page) {
      pages.emplace_back(page->header.type, page->header.dictionary_page->encoding);
      dictionary_entries = page->header.dictionary_page->num_values;
    } else {
      ASSERT_TRUE(page->header.data_page);
      pages.emplace_back(page->header.type, page->header.data_page->encoding);
      values += page->header.data_page->num_values;
    }
    at += page->size + static_cast<size_t>(page->header.compressed_page_size);
  }
  EXPECT_EQ(at, end);
  EXPECT_EQ(values, 1000);
  // The dictionary stops growing at the value that takes it past 800 bytes.
  EXPECT_EQ(dictionary_entries, 101);
  // Two full pages of indices, the page the 101st value ended at once, then
  // PLAIN pages of 50 values.
  ASSERT_EQ(pages.size(), 1u + 3u + 18u);
  EXPECT_EQ(pages[0], std::pair(PageType::kDictionaryPage, Encoding::kPlain));
  for (size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(pages[i], std::pair(PageType::kDataPage, Encoding::kRleDictionary)) << i;
  }
  for (size_t i = 4; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i], std::pair(PageType::kDataPage, Encoding::kPlain)) << i;
  }
}

// A v2 page counts its rows apart from its values (a list's elements) and
// its nulls, and keeps its levels outside the compressed values.
TEST(ParquetFileWriterTest, DataPagesOfVersionTwo) {
  auto schema = std::make_shared<const arrow::Schema>(std::vector<arrow::Field>{
      arrow::field("l", arrow::list(arrow::field("item", arrow::int64())))});
  MemoryOutput out;
  WriterOptions options;
  options.data_page_v2 = true;
  options.codec = Codec::kZstd;
  auto writer = FileWriter::open(schema, out, options);
  ASSERT_TRUE(writer) << writer.error().message;
  arrow::ListBuilder lists(schema->field(0).type);
  lists.append();  // [1, null, 3]
  auto& items = lists.value_builder_as<arrow::Int64Builder>();
  items.append(1);
  items.append_null();
  items.append(3);
  lists.append_null();  // null
  lists.append();       // []
  auto batch = arrow::RecordBatch::make(schema, {*lists.finish()});
  ASSERT_TRUE(batch);
  ASSERT_TRUE((*writer)->write(*batch));
  ASSERT_TRUE((*writer)->close());

  const FileMetaData footer = footer_of(out.data);
  const ColumnMetaData& column = footer.row_groups.at(0).columns.at(0).meta_data;
  auto page = decode_page_header(std::span(out.data).subspan(column.data_page_offset));
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_TRUE(page->header.data_page_v2);
  const DataPageHeaderV2& v2 = *page->header.data_page_v2;
  EXPECT_EQ(page->header.type, PageType::kDataPageV2);
  EXPECT_EQ(v2.num_rows, 3);
  EXPECT_EQ(v2.num_values, 5);  // three elements, the null list, the empty one
  EXPECT_EQ(v2.num_nulls, 3);
  EXPECT_EQ(v2.encoding, Encoding::kRleDictionary);
  EXPECT_TRUE(v2.is_compressed);
  EXPECT_GT(v2.definition_levels_byte_length, 0);
  EXPECT_GT(v2.repetition_levels_byte_length, 0);
  EXPECT_EQ(column.statistics->null_count, 3);
  EXPECT_EQ(column.num_values, 5);
}

TEST(ParquetFileWriterTest, ATypeParquetCannotHoldIsRefusedNamingTheField) {
  auto schema = std::make_shared<const arrow::Schema>(std::vector<arrow::Field>{
      arrow::field("id", arrow::int64()), arrow::field("nothing", arrow::null())});
  MemoryOutput out;
  auto writer = FileWriter::open(schema, out);
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().message,
            "Parquet: field 'nothing' of type null cannot be stored in Parquet");
  EXPECT_TRUE(out.data.empty());
  auto nested = std::make_shared<const arrow::Schema>(std::vector<arrow::Field>{arrow::field(
      "grid",
      arrow::list(arrow::field("row", arrow::list(arrow::field("item", arrow::int32())))))});
  auto refused = FileWriter::open(nested, out);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "Parquet: field 'grid': lists of lists are not written");
}

TEST(ParquetFileWriterTest, ABatchOfAnotherShapeIsRefused) {
  auto schema = std::make_shared<const arrow::Schema>(
      std::vector<arrow::Field>{arrow::field("id", arrow::int64())});
  MemoryOutput out;
  auto writer = FileWriter::open(schema, out);
  ASSERT_TRUE(writer);
  auto other = std::make_shared<const arrow::Schema>(
      std::vector<arrow::Field>{arrow::field("id", arrow::utf8())});
  arrow::StringBuilder names;
  names.append("x");
  auto batch = arrow::RecordBatch::make(other, {*names.finish()});
  ASSERT_TRUE(batch);
  auto refused = (*writer)->write(*batch);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "Parquet: column 'id' is utf8 in a batch, int64 in the file");
  EXPECT_EQ((*writer)->rows_written(), 0);
}

TEST(ParquetFileWriterTest, AnEmptyFileHasTheSchemaAndNoRowGroups) {
  auto schema = std::make_shared<const arrow::Schema>(
      std::vector<arrow::Field>{arrow::field("id", arrow::int64())});
  MemoryOutput out;
  auto writer = FileWriter::open(schema, out);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->close());
  const FileMetaData footer = footer_of(out.data);
  EXPECT_EQ(footer.num_rows, 0);
  EXPECT_TRUE(footer.row_groups.empty());
  ASSERT_EQ(footer.schema.size(), 2u);
  EXPECT_EQ(footer.schema[1].name, "id");
}

}  // namespace
}  // namespace rapidbyte::parquet
