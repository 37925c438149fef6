// IPC stream round trips: every type with nulls, slices, empty and
// multi-batch streams, metadata, framing and alignment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "tests/arrow/test_batches.hpp"

namespace rapidbyte::arrow {
namespace {

using test_data::all_types_batch;
using test_data::all_types_schema;
using test_data::expect_batches_equal;

uint32_t u32_at(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

TEST(IpcTest, RoundTripEveryTypeWithNulls) {
  RecordBatch batch = all_types_batch(50);
  IpcStreamWriter writer(batch.schema());
  ASSERT_TRUE(writer.write(batch));
  std::vector<uint8_t> bytes = writer.finish();

  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ(*reader->schema(), *all_types_schema());
  EXPECT_EQ(reader->schema()->field(17).metadata.get("ARROW:extension:name"), "arrow.uuid");
  EXPECT_EQ(reader->schema()->metadata().get("origin"), "rapidbyte");
  auto got = reader->next();
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->has_value());
  expect_batches_equal(batch, **got);
  EXPECT_EQ((*got)->column(12).null_count(), 13);  // rows 1, 5, ..., 49
  auto end = reader->next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(end->has_value());
  EXPECT_EQ(reader->position(), bytes.size());
  // Reading past the end keeps returning end-of-stream.
  EXPECT_FALSE(reader->next()->has_value());
}

TEST(IpcTest, ProjectionReturnsOnlyTheChosenColumns) {
  RecordBatch batch = all_types_batch(20);
  auto bytes = *write_ipc_stream(batch.schema(), {batch});
  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader);
  EXPECT_FALSE(reader->project({5, 2}));
  EXPECT_FALSE(reader->project({0, 99}));
  ASSERT_TRUE(reader->project({2, 5, 17}));
  ASSERT_EQ(reader->batch_schema()->num_fields(), 3);
  EXPECT_EQ(reader->batch_schema()->field(2), batch.schema()->field(17));
  EXPECT_EQ(reader->batch_schema()->metadata(), batch.schema()->metadata());
  auto got = reader->next();
  ASSERT_TRUE(got && got->has_value());
  const RecordBatch& projected = **got;
  EXPECT_EQ(projected.num_rows(), 20);
  test_data::expect_arrays_equal(projected.column(0), batch.column(2), "column 2");
  test_data::expect_arrays_equal(projected.column(1), batch.column(5), "column 5");
  test_data::expect_arrays_equal(projected.column(2), batch.column(17), "column 17");
}

// Columns left out of a projection are bounds-checked but not validated: bad
// UTF-8 there does not fail the read, while reading that column does.
TEST(IpcTest, ProjectionSkipsValidatingOtherColumns) {
  Int32Builder ids(int32());
  StringBuilder names;
  ids.append(1);
  names.append(std::string_view("zzzzzzzz"));
  auto schema = make_schema({field("id", int32()), field("name", utf8())});
  RecordBatch batch(schema, {*ids.finish(), *names.finish()}, 1);
  auto bytes = *write_ipc_stream(schema, {batch});
  const std::string text = "zzzzzzzz";
  auto at = std::search(bytes.begin(), bytes.end(), text.begin(), text.end());
  ASSERT_NE(at, bytes.end());
  *at = static_cast<uint8_t>(0xFF);  // not UTF-8

  auto whole = read_ipc_stream(bytes);
  ASSERT_FALSE(whole);
  EXPECT_NE(whole.error().message.find("field 'name'"), std::string::npos) << whole.error().message;

  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader);
  ASSERT_TRUE(reader->project({0}));
  auto got = reader->next();
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->num_columns(), 1);
}

TEST(IpcTest, ArraysAreZeroCopyViewsOfTheInput) {
  RecordBatch batch = all_types_batch(9);
  auto bytes = *write_ipc_stream(batch.schema(), {batch});
  auto contents = read_ipc_stream(bytes);
  ASSERT_TRUE(contents);
  const uint8_t* p = contents->batches[0].column(5).data().values.data();
  EXPECT_GE(p, bytes.data());
  EXPECT_LT(p, bytes.data() + bytes.size());
}

TEST(IpcTest, OwnerKeepsInputAlive) {
  RecordBatch batch = all_types_batch(9);
  auto owned = std::make_shared<std::vector<uint8_t>>(*write_ipc_stream(batch.schema(), {batch}));
  auto contents = read_ipc_stream(*owned, owned);
  ASSERT_TRUE(contents);
  std::weak_ptr<std::vector<uint8_t>> weak = owned;
  owned.reset();
  EXPECT_FALSE(weak.expired());  // the arrays hold it
  expect_batches_equal(batch, contents->batches[0]);
}

TEST(IpcTest, SlicedBatchesAreRebased) {
  RecordBatch batch = all_types_batch(77);
  for (int64_t offset : {0, 1, 3, 8, 13}) {
    for (int64_t length : {0, 1, 7, 20}) {
      RecordBatch slice = batch.slice(offset, length);
      auto bytes = write_ipc_stream(slice.schema(), {slice});
      ASSERT_TRUE(bytes);
      auto contents = read_ipc_stream(*bytes);
      ASSERT_TRUE(contents) << contents.error().message;
      ASSERT_EQ(contents->batches.size(), 1u);
      expect_batches_equal(slice, contents->batches[0]);
      EXPECT_EQ(contents->batches[0].column(12).offset(), 0);
    }
  }
}

TEST(IpcTest, EmptyBatchAndEmptyStream) {
  RecordBatch empty = all_types_batch(0);
  auto bytes = *write_ipc_stream(empty.schema(), {empty});
  auto contents = read_ipc_stream(bytes);
  ASSERT_TRUE(contents) << contents.error().message;
  ASSERT_EQ(contents->batches.size(), 1u);
  EXPECT_EQ(contents->batches[0].num_rows(), 0);
  expect_batches_equal(empty, contents->batches[0]);

  auto schema_only = *write_ipc_stream(all_types_schema(), {});
  auto none = read_ipc_stream(schema_only);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->batches.empty());
  EXPECT_EQ(*none->schema, *all_types_schema());

  auto no_fields = make_schema({});
  auto zero = *RecordBatch::make(no_fields, {}, 5);
  auto zero_bytes = *write_ipc_stream(no_fields, {zero});
  auto zb = read_ipc_stream(zero_bytes);
  ASSERT_TRUE(zb);
  EXPECT_EQ(zb->batches[0].num_rows(), 5);
}

TEST(IpcTest, MultiBatchStream) {
  auto schema = all_types_schema();
  std::vector<RecordBatch> batches;
  for (int64_t rows : {10, 0, 1, 300, 64}) batches.push_back(all_types_batch(rows));
  IpcStreamWriter writer(schema);
  for (const auto& b : batches) ASSERT_TRUE(writer.write(b));
  EXPECT_EQ(writer.num_batches(), 5);
  auto bytes = writer.finish();
  auto contents = read_ipc_stream(bytes);
  ASSERT_TRUE(contents) << contents.error().message;
  ASSERT_EQ(contents->batches.size(), batches.size());
  for (size_t i = 0; i < batches.size(); ++i)
    expect_batches_equal(batches[i], contents->batches[i]);
  EXPECT_FALSE(writer.write(batches[0]));  // after finish
}

TEST(IpcTest, UnicodeStrings) {
  StringBuilder b;
  const std::vector<std::string> values = {"",
                                           "ascii",
                                           "caf\xC3\xA9",
                                           "\xE4\xB8\xAD\xE6\x96\x87",
                                           "\xF0\x9F\x8E\x89\xF0\x9F\x8E\x89",
                                           "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",
                                           std::string("nul\0inside", 10)};
  for (const auto& v : values) b.append(v);
  auto schema = make_schema({field("s", utf8())});
  auto batch = *RecordBatch::make(schema, {*b.finish()});
  auto bytes = *write_ipc_stream(schema, {batch});  // must outlive the arrays read from it
  auto contents = read_ipc_stream(bytes);
  ASSERT_TRUE(contents) << contents.error().message;
  StringArray got(contents->batches[0].column(0));
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(got.value(static_cast<int64_t>(i)), values[i]);
}

TEST(IpcTest, FramingAndAlignment) {
  RecordBatch batch = all_types_batch(13);
  auto bytes = *write_ipc_stream(batch.schema(), {batch});
  ASSERT_EQ(bytes.size() % 8, 0u);
  // Walk the messages: each starts with the continuation word and an
  // 8-aligned metadata length, and the whole stream ends with 0xFFFFFFFF 0.
  size_t at = 0;
  int messages = 0;
  while (true) {
    ASSERT_EQ(u32_at(bytes, at), 0xFFFFFFFFu);
    const uint32_t len = u32_at(bytes, at + 4);
    if (len == 0) break;
    EXPECT_EQ(len % 8, 0u);
    ++messages;
    at += 8 + len;
    if (messages == 2) break;
  }
  EXPECT_EQ(messages, 2);
  EXPECT_EQ(u32_at(bytes, bytes.size() - 8), 0xFFFFFFFFu);
  EXPECT_EQ(u32_at(bytes, bytes.size() - 4), 0u);
  // Every buffer of the decoded batch starts 8-aligned relative to the stream.
  auto contents = read_ipc_stream(bytes);
  ASSERT_TRUE(contents);
  for (const Array& c : contents->batches[0].columns()) {
    for (const Buffer* b : {&c.data().validity, &c.data().values, &c.data().data}) {
      if (b->data() == nullptr) continue;
      EXPECT_EQ((b->data() - bytes.data()) % 8, 0) << c.type().to_string();
    }
  }
}

TEST(IpcTest, WriterAppendsToCallerBuffer) {
  RecordBatch batch = all_types_batch(3);
  std::vector<uint8_t> reuse;
  reuse.reserve(1 << 16);
  const uint8_t* storage = reuse.data();
  IpcStreamWriter writer(batch.schema(), std::move(reuse));
  ASSERT_TRUE(writer.write(batch));
  auto bytes = writer.finish();
  EXPECT_EQ(bytes.data(), storage);  // no reallocation, no copy
  EXPECT_TRUE(read_ipc_stream(bytes));
}

TEST(IpcTest, RejectsBatchOfOtherSchema) {
  IpcStreamWriter writer(make_schema({field("x", int32())}));
  Int64Builder b;
  b.append(1);
  auto batch = *RecordBatch::make(make_schema({field("x", int64())}), {*b.finish()});
  auto r = writer.write(batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "IPC stream writer: batch schema differs from the stream schema");
}

TEST(IpcTest, MisalignedInputIsRead) {
  RecordBatch batch = all_types_batch(21);
  auto bytes = *write_ipc_stream(batch.schema(), {batch});
  std::vector<uint8_t> shifted(bytes.size() + 3);
  std::memcpy(shifted.data() + 3, bytes.data(), bytes.size());
  auto contents = read_ipc_stream(std::span<const uint8_t>(shifted).subspan(3));
  ASSERT_TRUE(contents) << contents.error().message;
  expect_batches_equal(batch, contents->batches[0]);
}

TEST(IpcTest, LegacyFramingAndMissingEndMarker) {
  RecordBatch batch = all_types_batch(5);
  auto bytes = *write_ipc_stream(batch.schema(), {batch});
  // Drop the end marker: accepted, as Arrow readers do.
  std::vector<uint8_t> no_eos(bytes.begin(), bytes.end() - 8);
  auto a = read_ipc_stream(no_eos);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->batches.size(), 1u);
  // Pre-0.15 framing: no continuation word, 4-byte length, 4-byte zero end.
  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader);
  const size_t schema_end = reader->position();
  ASSERT_TRUE(reader->next());
  const size_t batch_end = reader->position();
  std::vector<uint8_t> legacy;
  legacy.insert(legacy.end(), bytes.begin() + 4, bytes.begin() + schema_end);
  legacy.insert(legacy.end(), bytes.begin() + schema_end + 4, bytes.begin() + batch_end);
  legacy.insert(legacy.end(), 4, 0);
  auto b = read_ipc_stream(legacy);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->batches.size(), 1u);
  expect_batches_equal(batch, b->batches[0]);
}

}  // namespace
}  // namespace rapidbyte::arrow
