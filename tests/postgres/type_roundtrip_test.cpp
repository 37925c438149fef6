// Every mapped type through binary COPY into Arrow and back out of Arrow into
// another table, with edge values; the server compares the two tables as
// text, and the utf8-mapped columns are compared with the server's own text
// output (the type's output function, not a ::text cast). Also binary extended-query results into
// Arrow.
#include <gtest/gtest.h>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/checksum.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/postgres/arrow_batch_builder.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"
#include "portable/postgres/copy_binary_encoder.hpp"
#include "tests/postgres/cluster_environment.hpp"
#include "tests/postgres/type_table.hpp"
#include "tests/support/libpq_session.hpp"

namespace rapidbyte::test {
namespace {

using postgres::ColumnSpec;
using postgres::Connection;
using postgres::Result;

// The table as one text value, for exact server-side comparison.
std::string table_text(LibpqSession& s, const std::string& table) {
  return *s.value("SELECT string_agg(x::text, E'\\n' ORDER BY id) FROM " + table + " x");
}

class TypeRoundTrip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster().exec(create_type_tables("types_src", "types_dst")); }

  void SetUp() override {
    LibpqSession s(cluster().admin_conninfo());
    const uint32_t mood = std::stoul(*s.value("SELECT 'mood'::regtype::oid"));
    const uint32_t mood_array = std::stoul(*s.value("SELECT 'mood[]'::regtype::oid"));
    options_.enum_oids = {mood};
    options_.array_types = {{mood_array, mood}};
    for (const auto& row : s.query("SELECT attname, atttypid, atttypmod FROM pg_attribute "
                                   "WHERE attrelid = 'types_src'::regclass AND attnum > 0 "
                                   "ORDER BY attnum")) {
      columns_.push_back(
          {*row[0], {static_cast<uint32_t>(std::stoul(*row[1])), std::stoi(*row[2])}});
    }
  }

  // COPY types_src out into Arrow batches of `batch_rows` rows.
  std::vector<arrow::RecordBatch> copy_out_batches(Connection& c, int64_t batch_rows) {
    std::vector<arrow::RecordBatch> batches;
    auto builder = postgres::ArrowBatchBuilder::make(columns_, options_);
    EXPECT_TRUE(builder.has_value()) << builder.error().message;
    postgres::CopyBinaryDecoder decoder(std::move(*builder), batch_rows,
                                        [&](arrow::RecordBatch b) -> Result<void> {
                                          batches.push_back(std::move(b));
                                          return {};
                                        });
    auto rows = c.copy_out("COPY types_src TO STDOUT (FORMAT binary)",
                           [&](std::span<const uint8_t> chunk) { return decoder.feed(chunk); });
    EXPECT_TRUE(rows.has_value()) << rows.error().to_string();
    auto done = decoder.finish();
    EXPECT_TRUE(done.has_value()) << done.error().message;
    return batches;
  }

  std::vector<ColumnSpec> columns_;
  postgres::CodecOptions options_;
};

TEST_F(TypeRoundTrip, CopyOutToArrowAndBackIsExact) {
  auto c = connect_client("postgres");
  ASSERT_TRUE(c.has_value());
  std::vector<arrow::RecordBatch> batches = copy_out_batches(*c, 3);
  ASSERT_EQ(batches.size(), 3u);  // 3 + 3 + 1 rows
  EXPECT_TRUE(batches[0].schema()->to_string().starts_with(
      "id: int32\nb: bool\ni2: int16\ni8: int64\nf4: float32\nf8: float64\nn: utf8\n"
      "nd: decimal128(12, 3)\n"))
      << batches[0].schema()->to_string();

  std::vector<postgres::PgColumnType> types;
  for (const ColumnSpec& col : columns_) types.push_back(col.type);
  auto encoder = postgres::CopyBinaryEncoder::make(types, options_);
  ASSERT_TRUE(encoder.has_value());
  cluster().exec("TRUNCATE types_dst");
  ASSERT_TRUE(c->copy_in_begin("COPY types_dst FROM STDIN (FORMAT binary)").has_value());
  std::vector<uint8_t> out;
  encoder->header(out);
  for (const arrow::RecordBatch& batch : batches) {
    auto r = encoder->encode(batch, out);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ASSERT_TRUE(c->copy_in_write(out).has_value());
    out.clear();
  }
  encoder->trailer(out);
  ASSERT_TRUE(c->copy_in_write(out).has_value());
  auto loaded = c->copy_in_end();
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  EXPECT_EQ(*loaded, 7u);

  LibpqSession s(cluster().admin_conninfo());
  EXPECT_EQ(table_text(s, "types_dst"), table_text(s, "types_src"));
}

TEST_F(TypeRoundTrip, TextMappedColumnsMatchTheServersText) {
  auto c = connect_client("postgres");
  ASSERT_TRUE(c.has_value());
  std::vector<arrow::RecordBatch> batches = copy_out_batches(*c, 100);
  ASSERT_EQ(batches.size(), 1u);
  const arrow::RecordBatch& batch = batches[0];
  LibpqSession s(cluster().admin_conninfo());
  for (const char* name : {"n", "t", "ch", "ttz", "ip", "cd", "e", "j", "jb"}) {
    const int col = batch.schema()->field_index(name);
    ASSERT_GE(col, 0) << name;
    const arrow::BinaryArray values(batch.column(col));
    const auto expected = s.query(std::string("SELECT ") + name + " FROM types_src ORDER BY id");
    ASSERT_EQ(static_cast<int64_t>(expected.size()), batch.num_rows());
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      const auto& want = expected[static_cast<size_t>(row)][0];
      ASSERT_EQ(values.is_null(row), !want.has_value()) << name << " row " << row;
      if (want) {
        EXPECT_EQ(std::string(values.value(row)), *want) << name << " row " << row;
      }
    }
  }
}

TEST_F(TypeRoundTrip, BinaryQueryResultsDecodeIntoArrow) {
  auto c = connect_client("postgres");
  ASSERT_TRUE(c.has_value());
  std::optional<postgres::ArrowBatchBuilder> builder;
  postgres::RowSink sink{
      [&](const std::vector<postgres::FieldDescription>& fields) -> Result<void> {
        auto b = postgres::ArrowBatchBuilder::make(fields, options_);
        if (!b) return postgres::fail(std::move(b).error());
        builder.emplace(std::move(*b));
        return {};
      },
      [&](std::span<const postgres::ColumnValue> row) { return builder->append_row(row); }};
  auto r = c->query("SELECT n, ttz, ip, d, ts FROM types_src ORDER BY id", {}, sink);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  auto batch = builder->finish_batch();
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->num_rows(), 7);
  EXPECT_EQ(batch->schema()->to_string(),
            "n: utf8\nttz: utf8\nip: utf8\nd: date32\nts: timestamp[us]");
  const arrow::BinaryArray n(batch->column(0));
  EXPECT_EQ(n.value(0), "12345.6789");
  EXPECT_EQ(n.value(2), std::string(1000, '9'));
  EXPECT_EQ(n.value(3), "NaN");
  EXPECT_EQ(n.value(4), "Infinity");
  EXPECT_EQ(n.value(5), "-Infinity");
}

// The COPY decoder and encoder work a column at a time (decode_column,
// measure_column/write_column); query results and parameters a value at a
// time (decode, encode). Both routes give the same Arrow values and the
// same wire bytes for every type and edge value.
TEST_F(TypeRoundTrip, ColumnAtATimeCodecsAgreeWithPerValueCodecs) {
  auto c = connect_client("postgres");
  ASSERT_TRUE(c.has_value());
  std::vector<arrow::RecordBatch> by_column = copy_out_batches(*c, 100);
  ASSERT_EQ(by_column.size(), 1u);

  auto by_value = postgres::ArrowBatchBuilder::make(columns_, options_);
  ASSERT_TRUE(by_value.has_value());
  postgres::RowSink sink{nullptr, [&](std::span<const postgres::ColumnValue> row) {
                           return by_value->append_row(row);
                         }};
  auto r = c->query("SELECT * FROM types_src ORDER BY id", {}, sink);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  auto batch = by_value->finish_batch();
  ASSERT_TRUE(batch.has_value());
  ASSERT_EQ(batch->num_rows(), 7);
  EXPECT_EQ(arrow::format_table(*batch), arrow::format_table(by_column[0]));
  EXPECT_EQ(arrow::content_checksum(*batch), arrow::content_checksum(by_column[0]));

  std::vector<postgres::PgColumnType> types;
  for (const ColumnSpec& col : columns_) types.push_back(col.type);
  auto encoder = postgres::CopyBinaryEncoder::make(types, options_);
  ASSERT_TRUE(encoder.has_value());
  for (int64_t begin : {0, 2}) {
    std::vector<uint8_t> column_bytes;
    ASSERT_TRUE(encoder->encode(*batch, begin, 7, column_bytes).has_value());
    std::vector<uint8_t> value_bytes;
    for (int64_t row = begin; row < 7; ++row) {
      const auto fields = static_cast<uint16_t>(types.size());
      value_bytes.push_back(static_cast<uint8_t>(fields >> 8));
      value_bytes.push_back(static_cast<uint8_t>(fields));
      for (size_t col = 0; col < types.size(); ++col) {
        const arrow::Array& array = batch->column(static_cast<int>(col));
        std::vector<uint8_t> value;
        if (!array.is_null(row)) {
          auto codec = postgres::make_codec(types[col], options_);
          ASSERT_TRUE(codec.has_value());
          ASSERT_TRUE((*codec)->encode(array, row, value).has_value()) << columns_[col].name;
        }
        const uint32_t length = array.is_null(row) ? 0xffffffffu : value.size();
        for (int shift = 24; shift >= 0; shift -= 8) {
          value_bytes.push_back(static_cast<uint8_t>(length >> shift));
        }
        value_bytes.insert(value_bytes.end(), value.begin(), value.end());
      }
    }
    EXPECT_EQ(column_bytes, value_bytes) << "rows " << begin << " to 7";
  }
}

TEST_F(TypeRoundTrip, NaNInADecimalColumnIsADataError) {
  auto c = connect_client("postgres");
  ASSERT_TRUE(c.has_value());
  auto builder = postgres::ArrowBatchBuilder::make(
      std::vector<ColumnSpec>{{"v", {1700, ((12 << 16) | 3) + 4}}}, options_);
  ASSERT_TRUE(builder.has_value());
  postgres::RowSink sink{nullptr, [&](std::span<const postgres::ColumnValue> row) {
                           return builder->append_row(row);
                         }};
  auto r = c->query("SELECT 'NaN'::numeric(12,3)", {}, sink);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().category, protocol::ErrorCategory::kData);
  EXPECT_EQ(r.error().message,
            "column \"v\": numeric NaN does not fit decimal128(12, 3): not a finite number");
}

}  // namespace
}  // namespace rapidbyte::test
