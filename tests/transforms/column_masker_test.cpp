// transform-mask's methods on real record batches: exact output values and
// types, nulls, UTF-8 partial masks, and the exact config and schema errors.
#include "guest/connectors/transform-mask/column_masker.hpp"

#include <gtest/gtest.h>

#include "portable/arrow/binary_array.hpp"
#include "portable/crypto/hex.hpp"
#include "portable/crypto/hmac_sha256.hpp"
#include "tests/transforms/transform_test_batches.hpp"

namespace rapidbyte::test {
namespace {

using connectors::mask::ColumnMasker;
using connectors::mask::MaskConfig;

ColumnMasker masker(const std::string& config_json) {
  auto config = MaskConfig::parse(json(config_json).root());
  EXPECT_TRUE(config) << config.error().message;
  return ColumnMasker(std::move(*config));
}

std::string config_error(const std::string& config_json) {
  auto config = MaskConfig::parse(json(config_json).root());
  return config ? "parsed" : config.error().message;
}

std::vector<std::optional<std::string>> texts(const arrow::Array& array) {
  std::vector<std::optional<std::string>> out;
  arrow::StringArray view(array);
  for (int64_t i = 0; i < array.length(); ++i) {
    if (array.is_null(i)) {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(std::string(view.value(i)));
    }
  }
  return out;
}

std::string hex_hmac(const std::string& key, const std::string& value) {
  const auto digest = crypto::hmac_sha256(
      std::span(reinterpret_cast<const uint8_t*>(key.data()), key.size()), value);
  return crypto::to_hex(digest);
}

arrow::RecordBatch customers() {
  return make_batch(
      {arrow::field("id", arrow::int64(), false), arrow::field("email", arrow::utf8()),
       arrow::field("phone", arrow::utf8()), arrow::field("age", arrow::int32())},
      {number_column<arrow::Int64Builder, int64_t>({1, 42, 7}),
       text_column({"alice@example.com", std::nullopt, "bob@example.com"}),
       text_column({"5551234567", "ab", "héllo wörld"}),
       number_column<arrow::Int32Builder, int32_t>({30, std::nullopt, 50})});
}

TEST(ColumnMaskerTest, EveryMethodGivesItsExactOutput) {
  auto m = masker(R"({"salt": "pepper", "columns": {
      "email": {"method": "hash"},
      "id": {"method": "hash"},
      "phone": {"method": "partial", "keep_first": 1, "keep_last": 2, "mask_char": "#"},
      "age": {"method": "null"}}})");
  const auto batch = customers();
  ASSERT_TRUE(m.bind(batch.schema()));
  auto out = m.apply(batch);
  ASSERT_TRUE(out) << out.error().message;
  // Hashes are lowercase hex HMAC-SHA256(salt, value); a number hashes its text.
  EXPECT_EQ(texts(out->column(1)), (std::vector<std::optional<std::string>>{
                                       hex_hmac("pepper", "alice@example.com"), std::nullopt,
                                       hex_hmac("pepper", "bob@example.com")}));
  EXPECT_EQ(texts(out->column(0)),
            (std::vector<std::optional<std::string>>{
                hex_hmac("pepper", "1"), hex_hmac("pepper", "42"), hex_hmac("pepper", "7")}));
  // Partial counts code points; a value too short to mask partly is masked whole.
  EXPECT_EQ(texts(out->column(2)),
            (std::vector<std::optional<std::string>>{"5#######67", "##", "h########ld"}));
  EXPECT_EQ(out->column(3).null_count(), 3);
  // hash turns the int64 id into nullable-as-before utf8; null keeps int32.
  EXPECT_EQ(out->schema()->to_string(), "id: utf8 not null\nemail: utf8\nphone: utf8\nage: int32");
}

TEST(ColumnMaskerTest, RedactAndUnmaskedColumnsPassThrough) {
  auto m = masker(R"({"columns": {"email": {"method": "redact", "value": "[gone]"},
                                  "age": {"method": "redact"}}})");
  const auto batch = customers();
  ASSERT_TRUE(m.bind(batch.schema()));
  auto out = m.apply(batch);
  ASSERT_TRUE(out);
  EXPECT_EQ(texts(out->column(1)),
            (std::vector<std::optional<std::string>>{"[gone]", std::nullopt, "[gone]"}));
  EXPECT_EQ(texts(out->column(3)),
            (std::vector<std::optional<std::string>>{"***", std::nullopt, "***"}));
  EXPECT_EQ(texts(out->column(2)), texts(batch.column(2)));
}

TEST(ColumnMaskerTest, DifferentSaltsGiveDifferentHashes) {
  const auto batch = customers();
  auto a = masker(R"({"salt": "one", "columns": {"email": {"method": "hash"}}})");
  auto b = masker(R"({"salt": "two", "columns": {"email": {"method": "hash"}}})");
  ASSERT_TRUE(a.bind(batch.schema()));
  ASSERT_TRUE(b.bind(batch.schema()));
  EXPECT_NE(texts(a.apply(batch)->column(1)), texts(b.apply(batch)->column(1)));
}

TEST(ColumnMaskerTest, MasksThatDoNotFitTheSchemaAreConfigErrors) {
  const auto batch = customers();
  auto bind_error = [&](const std::string& config) {
    auto m = masker(config);
    auto bound = m.bind(batch.schema());
    return bound ? "bound" : bound.error().message;
  };
  EXPECT_EQ(bind_error(R"({"columns": {"ssn": {"method": "null"}}})"),
            "column 'ssn' is to be masked but the stream has no such column");
  EXPECT_EQ(bind_error(R"({"columns": {"age": {"method": "partial", "keep_last": 1}}})"),
            "column 'age': method partial needs a text (utf8) column, but the column is int32");
}

TEST(ColumnMaskerTest, BadConfigsAreErrorsThatNeverShowTheSalt) {
  EXPECT_EQ(config_error(R"({"columns": {"email": {"method": "hash"}}})"),
            "column 'email': method hash needs a non-empty salt (an unsalted hash of a known "
            "value is easy to reverse)");
  EXPECT_EQ(config_error(R"({"columns": {"email": {"method": "scramble"}}})"),
            "column 'email': unknown method 'scramble' (expected hash, redact, partial or null)");
  EXPECT_EQ(config_error(R"({"columns": {"p": {"method": "partial", "mask_char": "ab"}}})"),
            "column 'p': mask_char must be exactly one character");
  EXPECT_EQ(
      config_error(R"({"columns": {"p": {"method": "hash", "value": "x"}}, "salt": "s3cr3t"})"),
      "column 'p': 'value' does not apply to method hash");
  EXPECT_EQ(config_error(R"({"salt": "s3cr3t", "columns": {}})"),
            "columns must be an object naming at least one column");
}

}  // namespace
}  // namespace rapidbyte::test
