#include "portable/text/text_values.hpp"

#include <gtest/gtest.h>

#include "portable/arrow/pretty_print.hpp"

namespace rapidbyte::text {
namespace {

using Kind = TextType::Kind;

TEST(TextValuesTest, InfersTheFirstTypeEveryValueHas) {
  EXPECT_EQ(infer_text_type({"1", "-2", "+3"}).kind, Kind::kInt64);
  EXPECT_EQ(infer_text_type({"1", "2.5", "-1e3", "NaN", "-Infinity"}).kind, Kind::kFloat64);
  EXPECT_EQ(infer_text_type({"true", "F", "yes"}).kind, Kind::kBool);
  EXPECT_EQ(infer_text_type({"2026-12-04", "2000-02-29"}).kind, Kind::kDate);
  EXPECT_EQ(infer_text_type({"2026-12-04 10:00:00", "2026-12-04T10:00:00.5"}).kind,
            Kind::kTimestamp);
  EXPECT_EQ(infer_text_type({"2026-12-04T10:00:00Z", "2026-12-04 10:00:00+02:00"}).kind,
            Kind::kTimestampTz);
  // Not quite: a February 30th, a time zone on one only, a hex number.
  EXPECT_EQ(infer_text_type({"2026-02-30"}).kind, Kind::kText);
  EXPECT_EQ(infer_text_type({"2026-12-04 10:00:00", "2026-12-04 10:00:00Z"}).kind, Kind::kText);
  EXPECT_EQ(infer_text_type({"0x10"}).kind, Kind::kText);
  EXPECT_EQ(infer_text_type({}).kind, Kind::kText);
}

TEST(TextValuesTest, TypeNames) {
  EXPECT_EQ(text_type_named("decimal(12, 2)"), (TextType{Kind::kDecimal, 12, 2}));
  EXPECT_EQ(text_type_named("NUMERIC(5)"), std::nullopt);  // names are lower case but these
  EXPECT_EQ(text_type_named("numeric(5)"), (TextType{Kind::kDecimal, 5, 0}));
  EXPECT_EQ(text_type_named("BIGINT"), (TextType{Kind::kInt64, 0, 0}));
  EXPECT_EQ(text_type_named("decimal(39,2)"), std::nullopt);
  EXPECT_EQ(text_type_named("decimal(5,6)"), std::nullopt);
  EXPECT_EQ(text_type_named("money"), std::nullopt);
}

// Rows of typed cells become a batch; a cell that is not of its column's
// type refuses the whole row, naming the column and the value.
TEST(TextValuesTest, BuildsRowsAndRefusesCellsOfAnotherType) {
  std::vector<TextType> types = {{Kind::kInt64, 0, 0},
                                 {Kind::kDecimal, 6, 2},
                                 {Kind::kTimestampTz, 0, 0},
                                 {Kind::kText, 0, 0}};
  std::vector<arrow::Field> fields;
  for (size_t i = 0; i < types.size(); ++i) {
    fields.push_back(arrow::field("c" + std::to_string(i), types[i].arrow_type()));
  }
  TextBatchBuilder builder(std::make_shared<const arrow::Schema>(std::move(fields)), types);
  EXPECT_EQ(builder.add_row({"1", "-12.5", "2026-12-04T10:00:00.25+01:00", "x"}), std::nullopt);
  EXPECT_EQ(builder.add_row({"2", std::nullopt, std::nullopt, ""}), std::nullopt);
  EXPECT_EQ(builder.add_row({"3", "12.345", std::nullopt, "y"}),
            "column 'c1': '12.345' is not a decimal(6,2)");
  EXPECT_EQ(builder.add_row({"4", "10000", std::nullopt, "y"}),
            "column 'c1': '10000' is not a decimal(6,2)");
  EXPECT_EQ(builder.add_row({"5", "1.50", std::nullopt, "\xff"}),
            "column 'c3': '\xff' is not a text (UTF-8)");
  auto batch = builder.finish();
  ASSERT_TRUE(batch) << batch.error().message;
  std::string json;
  arrow::append_json_lines(*batch, json);
  EXPECT_EQ(json,
            "{\"c0\":1,\"c1\":\"-12.50\",\"c2\":\"2026-12-04T09:00:00.250000Z\",\"c3\":\"x\"}\n"
            "{\"c0\":2,\"c1\":null,\"c2\":null,\"c3\":\"\"}\n");
}

}  // namespace
}  // namespace rapidbyte::text
