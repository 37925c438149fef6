// The file reader: what the writer writes comes back equal, batch for batch,
// in every codec and page version; a file that is not Parquet, cut short, or
// whose metadata points outside it is refused with an error saying so.
// Files of other writers: pyarrow_files_read.py.
#include "portable/parquet/file_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/list_builder.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/parquet/file_writer.hpp"
#include "portable/parquet/memory_file.hpp"
#include "portable/parquet/page_codec.hpp"

namespace rapidbyte::parquet {
namespace {

// Written by a writer, then read by a reader.
class Memory final : public MemoryOutput, public InputFile {
 public:
  Result<uint64_t> size() override { return data.size(); }
  Result<void> read_at(uint64_t offset, std::span<uint8_t> out) override {
    return MemoryInput(data).read_at(offset, out);
  }
};

arrow::RecordBatch sample_batch() {
  auto schema = std::make_shared<const arrow::Schema>(std::vector<arrow::Field>{
      arrow::field("id", arrow::int64(), false), arrow::field("name", arrow::utf8()),
      arrow::field("tags", arrow::list(arrow::field("item", arrow::utf8())))});
  arrow::Int64Builder ids;
  arrow::StringBuilder names;
  arrow::ListBuilder tags(schema->field(2).type);
  for (int64_t i = 0; i < 3000; ++i) {
    ids.append(i);
    if (i % 10 == 0) {
      names.append_null();
    } else {
      names.append("n" + std::to_string(i % 97));
    }
    if (i % 7 == 0) {
      tags.append_null();
    } else {
      tags.append();
      for (int64_t k = 0; k < i % 3; ++k) {
        tags.value_builder_as<arrow::StringBuilder>().append("t" + std::to_string(k));
      }
    }
  }
  return *arrow::RecordBatch::make(schema, {*ids.finish(), *names.finish(), *tags.finish()});
}

TEST(ParquetFileReaderTest, WhatTheWriterWritesComesBackEqual) {
  const arrow::RecordBatch batch = sample_batch();
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    for (bool v2 : {false, true}) {
      Memory file;
      WriterOptions options;
      options.codec = codec;
      options.data_page_v2 = v2;
      options.page_bytes = 1000;
      options.row_group_bytes = 20000;
      auto writer = FileWriter::open(batch.schema(), file, options);
      ASSERT_TRUE(writer);
      // A row group fills over several batches.
      for (int64_t start = 0; start < batch.num_rows(); start += 500) {
        ASSERT_TRUE((*writer)->write(batch.slice(start, 500)));
      }
      ASSERT_TRUE((*writer)->close());

      auto reader = FileReader::open(file);
      ASSERT_TRUE(reader) << reader.error().message;
      EXPECT_EQ(*(*reader)->schema(), *batch.schema());
      ASSERT_GT((*reader)->num_row_groups(), 1);
      int64_t row = 0;
      for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
        auto group = (*reader)->read_row_group(g);
        ASSERT_TRUE(group) << group.error().message;
        for (int c = 0; c < batch.num_columns(); ++c) EXPECT_TRUE(group->column(c).validate());
        std::string got, want;
        arrow::append_json_lines(*group, got);
        arrow::append_json_lines(batch.slice(row, group->num_rows()), want);
        EXPECT_EQ(got, want) << "codec " << codec_name(codec) << (v2 ? " v2" : " v1");
        row += group->num_rows();
      }
      EXPECT_EQ(row, batch.num_rows());
    }
  }
}

TEST(ParquetFileReaderTest, WhatIsNotAWholeParquetFileIsRefused) {
  Memory text;
  const std::string csv = "id,name\n1,a\n2,b\n";
  text.data.assign(csv.begin(), csv.end());
  auto not_parquet = FileReader::open(text);
  ASSERT_FALSE(not_parquet);
  EXPECT_EQ(not_parquet.error().message, "not a Parquet file: no PAR1 magic at its start and end");

  Memory file;
  auto writer = FileWriter::open(sample_batch().schema(), file);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->write(sample_batch()));
  ASSERT_TRUE((*writer)->close());

  // Cut short, as by a crash before the footer was written.
  Memory cut;
  cut.data.assign(file.data.begin(), file.data.begin() + file.data.size() / 2);
  auto half = FileReader::open(cut);
  ASSERT_FALSE(half);
  EXPECT_EQ(half.error().message, "not a Parquet file: no PAR1 magic at its start and end");

  // A footer length larger than the file.
  Memory lying = file;
  const uint32_t huge = 0x7FFFFFFF;
  std::memcpy(lying.data.data() + lying.data.size() - 8, &huge, 4);
  auto footer = FileReader::open(lying);
  ASSERT_FALSE(footer);
  EXPECT_EQ(footer.error().message,
            "Parquet: the footer's length (2147483647 bytes) does not fit the file");

  // A column chunk whose pages lie past the file's end.
  auto reader = FileReader::open(file);
  ASSERT_TRUE(reader);
  FileMetaData moved = (*reader)->metadata();
  moved.row_groups[0].columns[1].meta_data.data_page_offset = 1 << 30;
  moved.row_groups[0].columns[1].meta_data.dictionary_page_offset.reset();
  Memory outside;
  outside.data = file.data;
  std::vector<uint8_t> new_footer;
  encode(moved, new_footer);
  uint32_t old_length;
  std::memcpy(&old_length, file.data.data() + file.data.size() - 8, 4);
  outside.data.resize(file.data.size() - 8 - old_length);
  outside.data.insert(outside.data.end(), new_footer.begin(), new_footer.end());
  const auto length = static_cast<uint32_t>(new_footer.size());
  const auto* l = reinterpret_cast<const uint8_t*>(&length);
  outside.data.insert(outside.data.end(), l, l + 4);
  outside.data.insert(outside.data.end(), {'P', 'A', 'R', '1'});
  auto opened = FileReader::open(outside);
  ASSERT_TRUE(opened) << opened.error().message;
  auto group = (*opened)->read_row_group(0);
  ASSERT_FALSE(group);
  EXPECT_EQ(group.error().message, "Parquet: column 'name' of row group 0 lies outside the file");
}

}  // namespace
}  // namespace rapidbyte::parquet
