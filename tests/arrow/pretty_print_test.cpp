// Pretty printing: the terminal table (alignment, truncation, NULL, footer)
// and JSON lines (ISO-8601 timestamps, base64 binary, exact decimals), with
// exact expected text.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "portable/arrow/pretty_print.hpp"
#include "portable/arrow/value_formatter.hpp"
#include "tests/arrow/test_batches.hpp"

namespace rapidbyte::arrow {
namespace {

RecordBatch people() {
  Int64Builder id;
  StringBuilder name;
  TimestampBuilder at(TimeUnit::kMicro, "UTC");
  id.append(1);
  name.append("alice");
  at.append(1704164645000001);  // 2024-01-02T03:04:05.000001Z
  id.append(22);
  name.append_null();
  at.append_null();
  id.append(-3);
  name.append("h\xC3\xA9llo w\xC3\xB6rld, a long name\nwith a newline");
  at.append(-1);
  auto schema = make_schema({field("id", int64()), field("name", utf8()),
                             field("at", timestamp(TimeUnit::kMicro, "UTC"))});
  return *RecordBatch::make(schema, {*id.finish(), *name.finish(), *at.finish()});
}

TEST(PrettyPrintTest, TableAlignsTruncatesAndShowsNull) {
  TableOptions options;
  options.max_cell_width = 16;
  EXPECT_EQ(format_table(people(), options),
            "+----+------------------+------------------+\n"
            "| id | name             | at               |\n"
            "+----+------------------+------------------+\n"
            "|  1 | alice            | 2024-01-02T03:0… |\n"
            "| 22 | NULL             | NULL             |\n"
            "| -3 | h\xC3\xA9llo w\xC3\xB6rld, a \xE2\x80\xA6 | 1969-12-31T23:5… |\n"
            "+----+------------------+------------------+\n"
            "(3 rows)\n");
}

TEST(PrettyPrintTest, TableRowLimitAndTypes) {
  TableOptions options;
  options.max_rows = 1;
  options.show_types = true;
  EXPECT_EQ(format_table(people(), options),
            "+-------+-------+-----------------------------+\n"
            "| id    | name  | at                          |\n"
            "| int64 | utf8  | timestamp[us, tz=UTC]       |\n"
            "+-------+-------+-----------------------------+\n"
            "|     1 | alice | 2024-01-02T03:04:05.000001Z |\n"
            "+-------+-------+-----------------------------+\n"
            "(showing 1 of 3 rows)\n");
}

TEST(PrettyPrintTest, EmptyBatch) {
  EXPECT_EQ(format_table(people().slice(0, 0)),
            "+----+------+----+\n"
            "| id | name | at |\n"
            "+----+------+----+\n"
            "+----+------+----+\n"
            "(0 rows)\n");
}

TEST(PrettyPrintTest, JsonLines) {
  std::string out;
  append_json_lines(people(), out);
  EXPECT_EQ(out,
            "{\"id\":1,\"name\":\"alice\",\"at\":\"2024-01-02T03:04:05.000001Z\"}\n"
            "{\"id\":22,\"name\":null,\"at\":null}\n"
            "{\"id\":-3,\"name\":\"h\xC3\xA9llo w\xC3\xB6rld, a long name\\nwith a newline\","
            "\"at\":\"1969-12-31T23:59:59.999999Z\"}\n");
}

// Formats slot 0 of a one-value column as text and as JSON.
std::pair<std::string, std::string> formats(const Field& f, const Array& a) {
  ValueFormatter formatter(f, a);
  std::pair<std::string, std::string> out;
  formatter.append_text(0, out.first);
  formatter.append_json(0, out.second);
  return out;
}

template <class Builder, class T>
std::pair<std::string, std::string> formats_of(DataType type, T value) {
  auto builder = make_builder(type);
  static_cast<Builder&>(*builder).append(value);
  return formats(field("x", type), *builder->finish());
}

using Pair = std::pair<std::string, std::string>;

TEST(PrettyPrintTest, EveryTypeFormats) {
  EXPECT_EQ((formats_of<BooleanBuilder>(boolean(), true)), Pair("true", "true"));
  EXPECT_EQ((formats_of<UInt64Builder>(uint64(), UINT64_MAX)),
            Pair("18446744073709551615", "18446744073709551615"));
  EXPECT_EQ((formats_of<Float64Builder>(float64(), 0.1)), Pair("0.1", "0.1"));
  EXPECT_EQ((formats_of<Float64Builder>(float64(), -std::numeric_limits<double>::infinity())),
            Pair("-Infinity", "\"-Infinity\""));
  EXPECT_EQ((formats_of<Float32Builder>(float32(), std::numeric_limits<float>::quiet_NaN())),
            Pair("NaN", "\"NaN\""));
  EXPECT_EQ((formats_of<StringBuilder>(utf8(), std::string_view("q\"\\\t\x01"))),
            Pair("q\"\\\\t\\x01", "\"q\\\"\\\\\\t\\u0001\""));
  EXPECT_EQ((formats_of<BinaryBuilder>(binary(), std::string_view("\x00\xFF\x10", 3))),
            Pair("0x00ff10", "\"AP8Q\""));
  EXPECT_EQ((formats_of<LargeBinaryBuilder>(large_binary(), std::string_view("ab"))),
            Pair("0x6162", "\"YWI=\""));
  EXPECT_EQ((formats_of<Int32Builder>(date32(), 19782)), Pair("2024-02-29", "\"2024-02-29\""));
  EXPECT_EQ((formats_of<Int32Builder>(date32(), -719529)), Pair("-0001-12-31", "\"-0001-12-31\""));
  EXPECT_EQ((formats_of<Int32Builder>(date32(), INT32_MAX)), Pair("infinity", "\"infinity\""));
  EXPECT_EQ((formats_of<Int64Builder>(timestamp(TimeUnit::kSecond), 0)),
            Pair("1970-01-01T00:00:00", "\"1970-01-01T00:00:00\""));
  EXPECT_EQ((formats_of<Int64Builder>(timestamp(TimeUnit::kNano), -1)),
            Pair("1969-12-31T23:59:59.999999999", "\"1969-12-31T23:59:59.999999999\""));
  EXPECT_EQ((formats_of<Int64Builder>(timestamp(TimeUnit::kMilli, "UTC"), 253402300800000)),
            Pair("+10000-01-01T00:00:00.000Z", "\"+10000-01-01T00:00:00.000Z\""));
  EXPECT_EQ((formats_of<Int64Builder>(timestamp(TimeUnit::kMicro), INT64_MIN)),
            Pair("-infinity", "\"-infinity\""));
  EXPECT_EQ((formats_of<Int64Builder>(time64(TimeUnit::kMicro), 49500000001)),
            Pair("13:45:00.000001", "\"13:45:00.000001\""));
  EXPECT_EQ((formats_of<Int64Builder>(duration(TimeUnit::kMilli), -1500)),
            Pair("-1500ms", "\"-1500ms\""));
  EXPECT_EQ((formats_of<MonthDayNanoBuilder>(month_day_nano_interval(),
                                             MonthDayNano{14, -3, -1500000000})),
            Pair("P14M-3DT-1.5S", "\"P14M-3DT-1.5S\""));
}

std::pair<std::string, std::string> decimal(const char* le_hex_low8, int32_t scale, bool negative) {
  uint8_t bytes[16];
  std::memset(bytes, negative ? 0xFF : 0, 16);
  const uint64_t low = std::strtoull(le_hex_low8, nullptr, 16);
  std::memcpy(bytes, &low, 8);
  FixedSizeBinaryBuilder b(decimal128(38, scale));
  b.append(std::span<const uint8_t>(bytes));
  return formats(field("d", decimal128(38, scale)), *b.finish());
}

TEST(PrettyPrintTest, DecimalsAreExact) {
  EXPECT_EQ(decimal("12D687", 3, false), Pair("1234.567", "\"1234.567\""));  // 1234567
  EXPECT_EQ(decimal("FFFFFFFFFFFFFFFB", 2, true), Pair("-0.05", "\"-0.05\""));
  EXPECT_EQ(decimal("0", 4, false), Pair("0.0000", "\"0.0000\""));
  EXPECT_EQ(decimal("7B", 0, false), Pair("123", "\"123\""));
  // The largest 38-digit value.
  uint8_t max38[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0x3F, 0x22, 0x8A, 0x09,
                       0x7A, 0xC4, 0x86, 0x5A, 0xA8, 0x4C, 0x3B, 0x4B};
  FixedSizeBinaryBuilder b(decimal128(38, 10));
  b.append(std::span<const uint8_t>(max38));
  EXPECT_EQ(formats(field("d", decimal128(38, 10)), *b.finish()).first,
            "9999999999999999999999999999.9999999999");
}

TEST(PrettyPrintTest, UuidListsAndJson) {
  FixedSizeBinaryBuilder u(fixed_size_binary(16));
  const uint8_t id[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                          0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
  u.append(std::span<const uint8_t>(id));
  EXPECT_EQ(
      formats(uuid_field("u"), *u.finish()),
      Pair("123e4567-e89b-12d3-a456-426614174000", "\"123e4567-e89b-12d3-a456-426614174000\""));

  ListBuilder l(list(list(utf8())));
  l.append();
  auto& inner = l.value_builder_as<ListBuilder>();
  inner.append();
  inner.value_builder_as<BinaryBuilder>().append("a");
  inner.value_builder_as<BinaryBuilder>().append_null();
  inner.append_null();
  inner.append();
  auto lists = *l.finish();
  EXPECT_EQ(formats(field("l", lists.type()), lists),
            Pair("[[a, NULL], NULL, []]", "[[\"a\",null],null,[]]"));

  // A sliced list prints its own elements.
  ListBuilder ints(list(int16()));
  for (int i = 0; i < 3; ++i) {
    ints.append();
    for (int k = 0; k <= i; ++k) ints.value_builder_as<Int16Builder>().append(i * 10 + k);
  }
  auto sliced = ints.finish()->slice(2, 1);
  EXPECT_EQ(formats(field("i", sliced.type()), sliced), Pair("[20, 21, 22]", "[20,21,22]"));
}

TEST(PrettyPrintTest, EveryTypeOfTheFixturePrints) {
  // Smoke over every type, nulls and slices: one line per row plus framing.
  RecordBatch batch = test_data::all_types_batch(12).slice(1, 10);
  std::string table = format_table(batch);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 10 + 5);
  std::string lines;
  append_json_lines(batch, lines);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 10);
  EXPECT_EQ(lines.substr(0, 40), "{\"n\":null,\"b\":null,\"i8\":null,\"i16\":null,");
}

}  // namespace
}  // namespace rapidbyte::arrow
