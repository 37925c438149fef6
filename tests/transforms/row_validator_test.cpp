// transform-validate's rules on real record batches: which row fails which
// rule, per-rule counts, uniqueness over a run and its memory limit, and the
// exact config and schema errors.
#include "guest/connectors/transform-validate/row_validator.hpp"
#include "guest/connectors/transform-validate/temporal_bound.hpp"

#include <gtest/gtest.h>

#include "tests/transforms/transform_test_batches.hpp"

namespace rapidbyte::test {
namespace {

using connectors::validate::RowValidator;
using connectors::validate::ValidationConfig;
using Failures = std::vector<std::optional<size_t>>;

RowValidator validator(const std::string& config_json) {
  auto config = ValidationConfig::parse(json(config_json).root());
  EXPECT_TRUE(config) << config.error().message;
  return RowValidator(std::move(*config));
}

std::string config_error(const std::string& config_json) {
  auto config = ValidationConfig::parse(json(config_json).root());
  return config ? "parsed" : config.error().message;
}

// id int64, email utf8, age int32, score float64
arrow::RecordBatch people() {
  return make_batch(
      {arrow::field("id", arrow::int64()), arrow::field("email", arrow::utf8()),
       arrow::field("age", arrow::int32()), arrow::field("score", arrow::float64())},
      {number_column<arrow::Int64Builder, int64_t>({1, 2, 3, 4, 5}),
       text_column({"a@x.com", std::nullopt, "not-an-email", "b@y.org", "héllo@wörld.de"}),
       number_column<arrow::Int32Builder, int32_t>({30, 151, -1, std::nullopt, 42}),
       number_column<arrow::Float64Builder, double>({0.5, 1.0, 2.0, 0.0 / 0.0, 0.99})});
}

TEST(RowValidatorTest, EachRowFailsItsFirstRule) {
  auto v = validator(R"({"columns": {
      "email": {"not_null": true, "regex": "^[^@]+@[^@]+\\.[a-z]+$", "max_length": 12},
      "age": {"range": {"min": 0, "max": 150}},
      "score": {"range": {"max": 1.0}}}})");
  const auto batch = people();
  ASSERT_TRUE(v.bind(batch.schema()));
  auto failed = v.check(batch);
  ASSERT_TRUE(failed) << failed.error().message;
  // Rules: 0 email not_null, 1 email regex, 2 email max_length, 3 age range, 4 score range.
  EXPECT_EQ(*failed, (Failures{std::nullopt, 0, 1, 4, 2}));
  std::vector<uint64_t> counts;
  for (const auto& s : v.stats()) counts.push_back(s.failures);
  EXPECT_EQ(counts, (std::vector<uint64_t>{1, 1, 1, 0, 1}));
  EXPECT_EQ(v.describe_failure(1), "column 'email' fails rule 'regex' (^[^@]+@[^@]+\\.[a-z]+$)");
  EXPECT_EQ(v.describe_failure(2), "column 'email' fails rule 'max_length' (12)");
  EXPECT_EQ(v.describe_failure(3), "column 'age' fails rule 'range'");
}

TEST(RowValidatorTest, RangeIsExactForIntegersAndAllowedMatchesValues) {
  auto v = validator(R"({"columns": {
      "age": {"range": {"min": 0.5, "max": 150}},
      "email": {"allowed": ["a@x.com", "b@y.org"]},
      "id": {"allowed": [1, 2, 4]}}})");
  const auto batch = people();
  ASSERT_TRUE(v.bind(batch.schema()));
  auto failed = v.check(batch);
  ASSERT_TRUE(failed);
  // age 30 ok, 151 out, -1 out, null passes, 42 ok; email allowed; id allowed.
  EXPECT_EQ(*failed, (Failures{std::nullopt, 0, 0, std::nullopt, 1}));
}

TEST(RowValidatorTest, RangeOnDatesAndTimestampsTakesIsoBounds) {
  auto v = validator(R"({"columns": {
      "day": {"range": {"min": "2024-01-01", "max": "2024-12-31"}},
      "at": {"range": {"max": "2024-06-01T12:00:00+02:00"}}}})");
  auto days = [](std::vector<std::optional<int32_t>> values) {
    arrow::PrimitiveBuilder<int32_t> b(arrow::date32());
    for (auto v : values) v ? b.append(*v) : b.append_null();
    return *b.finish();
  };
  auto micros = [](std::vector<std::optional<int64_t>> values) {
    arrow::PrimitiveBuilder<int64_t> b(arrow::timestamp(arrow::TimeUnit::kMicro, "UTC"));
    for (auto v : values) v ? b.append(*v) : b.append_null();
    return *b.finish();
  };
  // 19723 = 2024-01-01, 20088 = 2024-12-31; 1717236000000000 us = 2024-06-01T10:00:00Z.
  const auto batch =
      make_batch({arrow::field("day", arrow::date32()),
                  arrow::field("at", arrow::timestamp(arrow::TimeUnit::kMicro, "UTC"))},
                 {days({19723, 19722, 20088, 20089, std::nullopt}),
                  micros({1717236000000000, 0, 1717236000000001, std::nullopt, 1717236000000000})});
  ASSERT_TRUE(v.bind(batch.schema()));
  EXPECT_EQ(*v.check(batch), (Failures{std::nullopt, 0, 1, 0, std::nullopt}));
}

TEST(RowValidatorTest, DateBoundsMustParseForTheColumn) {
  const auto batch = make_batch(
      {arrow::field("day", arrow::date32()),
       arrow::field("at", arrow::timestamp(arrow::TimeUnit::kMilli))},
      {*arrow::PrimitiveBuilder<int32_t>(arrow::date32()).finish(),
       *arrow::PrimitiveBuilder<int64_t>(arrow::timestamp(arrow::TimeUnit::kMilli)).finish()});
  auto bind_error = [&](const std::string& config) {
    auto v = validator(config);
    auto bound = v.bind(batch.schema());
    return bound ? "bound" : bound.error().message;
  };
  EXPECT_EQ(bind_error(R"({"columns": {"day": {"range": {"min": "2023-02-29"}}}})"),
            "rule 'range' on column 'day': min '2023-02-29' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(bind_error(R"({"columns": {"day": {"range": {"max": 5}}}})"),
            "rule 'range' on column 'day': max must be a date string for a date32 column");
  EXPECT_EQ(bind_error(R"({"columns": {"at": {"range": {"min": "2024-01-01T00:00:00.0001"}}}})"),
            "rule 'range' on column 'at': min '2024-01-01T00:00:00.0001' is not a timestamp "
            "(YYYY-MM-DD[THH:MM:SS[.fraction]][Z|+HH:MM]) within the precision and span of "
            "timestamp[ms]");
  EXPECT_EQ(
      bind_error(R"({"columns": {"at": {"range": {"min": "2024-02-01", "max": "2024-01-01"}}}})"),
      "rule 'range' on column 'at': min is later than max");
  EXPECT_EQ(bind_error(R"({"columns": {"at": {"range": {"min": "2024-01-01 10:00:00.5Z"}}}})"),
            "bound");
}

TEST(TemporalBoundTest, ParsesIsoDatesAndTimestampsExactly) {
  using arrow::TimeUnit;
  using connectors::validate::parse_date_days;
  using connectors::validate::parse_timestamp;
  EXPECT_EQ(parse_date_days("1970-01-01"), 0);
  EXPECT_EQ(parse_date_days("2024-02-29"), 19782);
  EXPECT_EQ(parse_date_days("1969-12-31"), -1);
  EXPECT_EQ(parse_date_days("0001-01-01"), -719162);
  EXPECT_EQ(parse_date_days("2023-02-29"), std::nullopt);
  EXPECT_EQ(parse_date_days("2024-13-01"), std::nullopt);
  EXPECT_EQ(parse_date_days("2024-1-01"), std::nullopt);
  EXPECT_EQ(parse_date_days("2024-01-01T00:00:00"), std::nullopt);
  EXPECT_EQ(parse_timestamp("1970-01-02", TimeUnit::kSecond), 86400);
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:01.5", TimeUnit::kMilli), 1500);
  EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.000001Z", TimeUnit::kNano), 1000);
  EXPECT_EQ(parse_timestamp("1970-01-01T02:00:00+02:00", TimeUnit::kMicro), 0);
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00-0130", TimeUnit::kSecond), 5400);
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00.5", TimeUnit::kSecond), std::nullopt);
  EXPECT_EQ(parse_timestamp("1970-01-01T24:00:00", TimeUnit::kSecond), std::nullopt);
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00", TimeUnit::kSecond), std::nullopt);
  EXPECT_EQ(parse_timestamp("2300-01-01", TimeUnit::kNano), std::nullopt);  // past int64 ns
  EXPECT_EQ(parse_timestamp("2300-01-01", TimeUnit::kMicro), 10413792000000000);
}

TEST(RowValidatorTest, UniqueHoldsOverTheRunAndOnlyForRowsThatPass) {
  auto v = validator(R"({"columns": {"k": {"unique": true}, "v": {"not_null": true}}})");
  auto batch = [](std::vector<std::optional<std::string>> keys,
                  std::vector<std::optional<int64_t>> values) {
    return make_batch({arrow::field("k", arrow::utf8()), arrow::field("v", arrow::int64())},
                      {text_column(keys), number_column<arrow::Int64Builder, int64_t>(values)});
  };
  const auto first = batch({"a", "b", "a", std::nullopt, std::nullopt, "c"}, {1, 1, 1, 1, 1, {}});
  ASSERT_TRUE(v.bind(first.schema()));
  // Rules: 0 k unique, 1 v not_null. "a" twice in one batch; nulls never
  // collide; "c" fails not_null, so it is not remembered.
  EXPECT_EQ(*v.check(first),
            (Failures{std::nullopt, std::nullopt, 0, std::nullopt, std::nullopt, 1}));
  const auto second = batch({"b", "c", "d"}, {1, 1, 1});
  EXPECT_EQ(*v.check(second), (Failures{0, std::nullopt, std::nullopt}));
  EXPECT_EQ(v.stats()[0].failures, 2u);
  EXPECT_EQ(v.stats()[1].failures, 1u);
}

TEST(RowValidatorTest, UniqueBeyondItsMemoryLimitFailsClearly) {
  // Each key costs its bytes plus 48: two one-byte keys fit in 100, a third does not.
  auto v = validator(R"({"unique_max_bytes": 100, "columns": {"k": {"unique": true}}})");
  const auto batch = make_batch({arrow::field("k", arrow::utf8())}, {text_column({"a", "b", "c"})});
  ASSERT_TRUE(v.bind(batch.schema()));
  auto failed = v.check(batch);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message,
            "rule 'unique' on column 'k': the keys remembered so far exceed unique_max_bytes (100 "
            "bytes); raise unique_max_bytes to check uniqueness over this many rows");
  EXPECT_EQ(failed.error().code, "VALIDATE_UNIQUE_LIMIT");
}

TEST(RowValidatorTest, RulesThatDoNotFitTheSchemaAreConfigErrors) {
  const auto batch = people();
  auto bind_error = [&](const std::string& config) {
    auto v = validator(config);
    auto bound = v.bind(batch.schema());
    return bound ? "bound" : bound.error().message;
  };
  EXPECT_EQ(bind_error(R"({"columns": {"phone": {"not_null": true}}})"),
            "column 'phone' has rules but the stream has no such column");
  EXPECT_EQ(bind_error(R"({"columns": {"age": {"regex": "^1"}}})"),
            "rule 'regex' on column 'age': needs a text (utf8) column, but the column is int32");
  EXPECT_EQ(bind_error(R"({"columns": {"email": {"range": {"min": 1}}}})"),
            "rule 'range' on column 'email': needs a numeric, date or timestamp column, but the "
            "column is utf8");
  EXPECT_EQ(bind_error(R"({"columns": {"id": {"allowed": ["1"]}}})"),
            "rule 'allowed' on column 'id': needs a text (utf8) column, but the column is int64");
  EXPECT_EQ(bind_error(R"({"columns": {"email": {"allowed": [1]}}})"),
            "rule 'allowed' on column 'email': needs an integer column, but the column is utf8");
  EXPECT_EQ(bind_error(R"({"columns": {"score": {"max_length": 3}}})"),
            "rule 'max_length' on column 'score': needs a text or binary column, but the column "
            "is float64");
}

TEST(RowValidatorTest, BadRulesAreConfigErrorsNamingRuleAndColumn) {
  EXPECT_EQ(config_error(R"({"columns": {"email": {"regex": "([a-z]+"}}})"),
            "rule 'regex' on column 'email': invalid pattern: missing ')' for the group opened "
            "here at offset 0");
  EXPECT_EQ(config_error(R"({"columns": {"age": {"range": {"min": 5, "max": 1}}}})"),
            "rule 'range' on column 'age': min is greater than max");
  EXPECT_EQ(config_error(R"({"columns": {"age": {"between": [1, 2]}}})"),
            "column 'age': unknown rule 'between' (expected not_null, regex, range, allowed, "
            "unique or max_length)");
  EXPECT_EQ(config_error(R"({"columns": {"s": {"allowed": ["a", 1]}}})"),
            "rule 'allowed' on column 's': mixes strings and integers");
  EXPECT_EQ(config_error(R"({"columns": {"s": {"unique": false}}})"),
            "rule 'unique' on column 's': false is not a rule; leave it out instead");
  EXPECT_EQ(config_error(R"({"columns": {}})"),
            "columns must be an object with the rules of at least one column");
  EXPECT_EQ(config_error(R"({"on_fail": "ignore", "columns": {"s": {"unique": true}}})"),
            "on_fail must be fail, skip or dlq");
}

}  // namespace
}  // namespace rapidbyte::test
