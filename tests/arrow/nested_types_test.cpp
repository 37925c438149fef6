// The types beyond the flat primitives: time64, duration, month_day_nano
// intervals, large_utf8/large_binary, list<T> (nested too) and the uuid/json
// extension fields — building, viewing, validating and the IPC round trip.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_schema.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "tests/arrow/test_batches.hpp"

namespace rapidbyte::arrow {
namespace {

Array round_trip(const Array& column, const std::string& name = "c") {
  auto schema = make_schema({field(name, column.type())});
  auto written = write_ipc_stream(schema, {*RecordBatch::make(schema, {column})});
  EXPECT_TRUE(written) << written.error().message;
  auto bytes = std::make_shared<const std::vector<uint8_t>>(std::move(*written));
  auto contents = read_ipc_stream(*bytes, bytes);  // the arrays keep `bytes` alive
  EXPECT_TRUE(contents) << contents.error().message;
  return contents->batches.at(0).column(0);
}

TEST(NestedTypesTest, TypeNamesAndEquality) {
  EXPECT_EQ(time64(TimeUnit::kMicro).to_string(), "time64[us]");
  EXPECT_EQ(duration(TimeUnit::kSecond).to_string(), "duration[s]");
  EXPECT_EQ(month_day_nano_interval().to_string(), "month_day_nano_interval");
  EXPECT_EQ(large_utf8().to_string(), "large_utf8");
  EXPECT_EQ(large_binary().to_string(), "large_binary");
  EXPECT_EQ(list(int32()).to_string(), "list<item: int32>");
  EXPECT_EQ(list(field("x", list(utf8()), false)).to_string(),
            "list<x: list<item: utf8> not null>");
  EXPECT_EQ(list(int32()), list(int32()));
  EXPECT_NE(list(int32()), list(int64()));
  EXPECT_NE(list(int32()), list(field("item", int32(), false)));
  EXPECT_NE(time64(TimeUnit::kMicro), time64(TimeUnit::kNano));
  EXPECT_NE(duration(TimeUnit::kMicro), time64(TimeUnit::kMicro));
  EXPECT_EQ(month_day_nano_interval().byte_width(), 16);
  EXPECT_EQ(large_utf8().layout(), Layout::kLargeVarBinary);
  EXPECT_EQ(list(int8()).layout(), Layout::kList);
}

TEST(NestedTypesTest, TemporalBuildersAndViews) {
  Time64Builder t(TimeUnit::kNano);
  t.append(86399999999999);
  t.append_null();
  DurationBuilder d(TimeUnit::kMilli);
  d.append(-5);
  MonthDayNanoBuilder iv;
  iv.append({14, -3, 1500});
  auto times = *t.finish();
  auto durations = *d.finish();
  auto intervals = *iv.finish();
  EXPECT_EQ(times.type(), time64(TimeUnit::kNano));
  EXPECT_EQ(Time64Array(times).value(0), 86399999999999);
  EXPECT_TRUE(times.is_null(1));
  EXPECT_EQ(DurationArray(durations).value(0), -5);
  EXPECT_EQ(MonthDayNanoArray(intervals).value(0), (MonthDayNano{14, -3, 1500}));
  EXPECT_FALSE(MonthDayNanoArray::make(times));
  EXPECT_EQ(MonthDayNanoArray(round_trip(intervals)).value(0), (MonthDayNano{14, -3, 1500}));
  EXPECT_EQ(round_trip(durations).type(), duration(TimeUnit::kMilli));
}

TEST(NestedTypesTest, LargeBinaryBuilderAndView) {
  LargeStringBuilder b;
  b.append("h\xC3\xA9");
  b.append_null();
  b.append("");
  auto a = *b.finish();
  EXPECT_EQ(a.type(), large_utf8());
  LargeStringArray v(a);
  EXPECT_EQ(v.value(0), "h\xC3\xA9");
  EXPECT_EQ(v.value_offset(3), 3);
  EXPECT_TRUE(v.is_null(1));
  EXPECT_FALSE(BinaryArray::make(a));
  EXPECT_FALSE(LargeBinaryArray::make(*StringBuilder().finish()));
  LargeStringArray back(round_trip(a.slice(1, 2)));
  EXPECT_EQ(back.length(), 2);
  EXPECT_TRUE(back.is_null(0));
  EXPECT_EQ(back.value(1), "");
}

TEST(NestedTypesTest, ListBuilderViewAndSlice) {
  ListBuilder b(list(int32()));
  for (int i = 0; i < 5; ++i) {
    if (i == 2) {
      b.append_null();
      continue;
    }
    b.append();
    for (int k = 0; k < i; ++k) b.value_builder_as<Int32Builder>().append(i * 10 + k);
  }
  auto a = *b.finish();
  ASSERT_TRUE(a.validate());
  ListArray lists(a);
  EXPECT_EQ(lists.length(), 5);
  EXPECT_EQ(lists.null_count(), 1);
  EXPECT_EQ(lists.value_length(0), 0);
  EXPECT_EQ(lists.value_length(3), 3);
  EXPECT_EQ(lists.elements().length(), 8);
  EXPECT_EQ(Int32Array(lists.value(4)).value(3), 43);

  // A slice is written with its offsets re-based and only its elements.
  Array back = round_trip(a.slice(3, 2));
  ListArray sliced(back);
  EXPECT_EQ(sliced.elements().length(), 7);
  EXPECT_EQ(sliced.value_offset(0), 0);
  EXPECT_EQ(Int32Array(sliced.value(0)).value(2), 32);
  EXPECT_EQ(Int32Array(sliced.value(1)).value(0), 40);
}

TEST(NestedTypesTest, ListOfListsRoundTrip) {
  ListBuilder b(list(list(utf8())));
  b.append();
  auto& inner = b.value_builder_as<ListBuilder>();
  inner.append();
  inner.value_builder_as<BinaryBuilder>().append("a");
  inner.value_builder_as<BinaryBuilder>().append_null();
  inner.append_null();
  b.append();
  auto a = *b.finish();
  Array back = round_trip(a);
  test_data::expect_arrays_equal(a, back, "lls");
  Array first = ListArray(back).value(0);
  EXPECT_EQ(first.length(), 2);
  EXPECT_TRUE(first.is_null(1));
  EXPECT_EQ(StringArray(ListArray(first).value(0)).value(0), "a");
  EXPECT_EQ(ListArray(back).value_length(1), 0);
}

TEST(NestedTypesTest, ListValidation) {
  ListBuilder b(list(int64()));
  b.append();
  b.value_builder_as<Int64Builder>().append(1);
  ArrayData d = b.finish()->data();
  ArrayData bad = d;
  const int32_t past[2] = {0, 2};  // two elements, the child has one
  bad.values = Buffer::copy_of({reinterpret_cast<const uint8_t*>(past), 8});
  auto r = Array(bad).validate();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "list<item: int64> array: offset 2 at slot 0 is past the end of the 1-element child "
            "array");
  bad = d;
  bad.children.clear();
  EXPECT_EQ(Array(bad).validate().error().message,
            "list<item: int64> array: has 0 child arrays, needs 1");
  bad = d;
  bad.children[0].length = 5;  // child longer than its buffer
  EXPECT_EQ(Array(bad).validate().error().message,
            "list<item: int64> array: elements: int64 array: values buffer of 8 bytes is too "
            "small for 5 slots of 8 bytes");
}

DataType nested_lists(int depth) {
  DataType t = int8();
  for (int i = 0; i < depth; ++i) t = list(t);
  return t;
}

TEST(NestedTypesTest, NestingDepthIsLimitedOnRead) {
  auto ok =
      write_ipc_stream(make_schema({field("x", nested_lists(ipc::kMaxNestingDepth - 1))}), {});
  EXPECT_TRUE(read_ipc_stream(*ok));
  auto deep = write_ipc_stream(make_schema({field("x", nested_lists(ipc::kMaxNestingDepth))}), {});
  auto r = read_ipc_stream(*deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "field 'item': types nested deeper than 20 levels");
}

TEST(NestedTypesTest, ExtensionFields) {
  Field u = uuid_field("id", false);
  EXPECT_EQ(u.type, fixed_size_binary(16));
  EXPECT_FALSE(u.nullable);
  EXPECT_EQ(u.metadata.get("ARROW:extension:name"), "arrow.uuid");
  EXPECT_EQ(u.metadata.get("ARROW:extension:metadata"), "");
  EXPECT_TRUE(is_uuid(u));
  EXPECT_FALSE(is_json(u));
  Field j = json_field("doc");
  EXPECT_EQ(j.type, utf8());
  EXPECT_TRUE(is_json(j));
  EXPECT_EQ(extension_name(j), "arrow.json");
  EXPECT_EQ(extension_name(field("plain", utf8())), std::nullopt);
  // The name alone is not enough: the storage type must fit.
  EXPECT_FALSE(is_uuid(extension_field("u", fixed_size_binary(8), kUuidExtensionName)));
  EXPECT_TRUE(is_json(extension_field("j", large_utf8(), kJsonExtensionName)));

  auto schema = make_schema({u, j});
  auto bytes = *write_ipc_stream(schema, {});
  auto back = read_ipc_stream(bytes);
  ASSERT_TRUE(back);
  EXPECT_TRUE(is_uuid(back->schema->field(0)));
  EXPECT_TRUE(is_json(back->schema->field(1)));
}

}  // namespace
}  // namespace rapidbyte::arrow
