// The SQL conformance suite: every query in conformance_queries.sql runs in
// the engine over an Arrow batch and in a real PostgreSQL 15 over the same
// rows (the batch is made by COPYing the PostgreSQL table out through the
// project's own client, exactly as source-postgres reads it). PostgreSQL is
// the reference: the result rows must be equal, in order when the query
// has ORDER BY, as a multiset otherwise. A line "query ! message" expects
// both to fail, the engine with `message` in its error.
//
// Values are compared in PostgreSQL's text form; numeric values are
// compared with trailing fractional zeros removed, because the engine
// stores a column of numeric results at one scale where PostgreSQL keeps a
// scale per value (see docs/SQL.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include "portable/postgres/arrow_batch_builder.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"
#include "portable/sql/query.hpp"
#include "portable/sql/value_text.hpp"
#include "tests/support/libpq_session.hpp"
#include "tests/support/postgres_cluster.hpp"
#include "tests/support/socket_transport.hpp"

namespace rapidbyte::test {
namespace {

constexpr const char* kTable = R"sql(
CREATE TABLE input (
  id int4 NOT NULL, i16 int2, i32 int4, i64 int8, f64 float8, n numeric(12,3), b bool,
  t text, d date, ts timestamp, tz timestamptz);
INSERT INTO input VALUES
 (1, 1, 10, 100, 1.5, 12.345, true, 'alpha', '2024-01-15', '2024-01-15 10:30:00', '2024-01-15 10:30:00+00'),
 (2, -2, -20, -200, -2.25, -0.5, false, 'Beta', '2023-12-31', '2023-12-31 23:59:59.5', '2024-02-29 00:00:00+00'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 32767, 2147483647, 9223372036854775807, 1e300, 999999999.999, true, '', '2000-02-29', '2000-02-29 12:00:00', '1999-12-31 23:00:00+00'),
 (5, -32768, -2147483648, -9223372036854775808, -0.0, 0, false, 'a b  c', '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00'),
 (6, 0, 0, 0, 0.1, 0.001, NULL, 'ünïcödé', '2024-07-04', '2024-07-04 07:04:00.123456', '2024-07-04 07:04:00.5+00'),
 (7, 7, 7, 7, 7, 7, true, 'alpha', '2024-01-15', '2024-01-15 10:30:00', '2024-01-15 10:30:00+00'),
 (8, 100, 3, 30000, 3.14159, 2.5, false, 'x-1-y-22', '2024-03-10', '2024-03-10 15:45:30', '2024-03-10 15:45:30+00'),
 (9, -5, 17, -7, -1e-10, -3.5, true, 'Hello World', '1999-01-01', '1999-01-01 01:01:01', '2030-06-15 12:00:00+00'),
 (10, 5, -3, 12, 2.5, 1.005, NULL, 'tab	and %percent_', '2024-12-31', '2024-12-31 23:59:59', '2024-12-31 23:59:59+00');
)sql";

std::unique_ptr<PostgresCluster> g_cluster;

std::string normalize(std::string v) {
  // "1.500" -> "1.5", "2.000" -> "2"; leaves non-numbers alone.
  if (v.find('.') == std::string::npos || v.find_first_not_of("-0123456789.") != std::string::npos)
    return v;
  while (v.back() == '0') v.pop_back();
  if (v.back() == '.') v.pop_back();
  if (v == "-0") v = "0";
  return v;
}

std::string pg_text(const sql::Vector& v, int64_t i) {
  if (v.is_null(i)) return "NULL";
  if (v.type.id == sql::TypeId::kBool) return v.i64[static_cast<size_t>(v.at(i))] ? "t" : "f";
  return normalize(sql::format_slot(v, i));
}

using Rows = std::vector<std::vector<std::string>>;

class SqlConformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_cluster = std::make_unique<PostgresCluster>();
    g_cluster->exec(kTable);
    auto transport = SocketTransport::connect(PostgresCluster::kHost, g_cluster->port());
    ASSERT_TRUE(transport.has_value());
    postgres::ConnectOptions options;
    options.user = "postgres";
    options.database = "postgres";
    auto c = postgres::Connection::connect(std::move(*transport), options);
    ASSERT_TRUE(c.has_value()) << c.error().to_string();
    LibpqSession s(g_cluster->admin_conninfo());
    std::vector<postgres::ColumnSpec> columns;
    for (const auto& row :
         s.query("SELECT attname, atttypid, atttypmod FROM pg_attribute "
                 "WHERE attrelid = 'input'::regclass AND attnum > 0 ORDER BY attnum")) {
      columns.push_back(
          {*row[0], {static_cast<uint32_t>(std::stoul(*row[1])), std::stoi(*row[2])}});
    }
    auto builder = postgres::ArrowBatchBuilder::make(columns, {});
    ASSERT_TRUE(builder.has_value());
    postgres::CopyBinaryDecoder decoder(
        std::move(*builder), 1000, [](arrow::RecordBatch b) -> postgres::Result<void> {
          batch_ = std::make_unique<arrow::RecordBatch>(std::move(b));
          return {};
        });
    auto rows = c->copy_out("COPY input TO STDOUT (FORMAT binary)",
                            [&](std::span<const uint8_t> chunk) { return decoder.feed(chunk); });
    ASSERT_TRUE(rows.has_value());
    ASSERT_TRUE(decoder.finish().has_value());
  }
  static void TearDownTestSuite() {
    batch_.reset();
    g_cluster.reset();
  }

  static std::unique_ptr<arrow::RecordBatch> batch_;
};
std::unique_ptr<arrow::RecordBatch> SqlConformance::batch_;

TEST_F(SqlConformance, EveryQueryMatchesPostgres) {
  ASSERT_TRUE(batch_);
  std::ifstream in(RAPIDBYTE_SQL_QUERIES);
  ASSERT_TRUE(in) << "cannot open " << RAPIDBYTE_SQL_QUERIES;
  LibpqSession pg(g_cluster->admin_conninfo());
  pg.exec("SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET IntervalStyle = 'postgres'");
  std::string line;
  int queries = 0, line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line.starts_with("--")) continue;
    std::string query = line, expected_error;
    if (const size_t bang = line.find(" ! "); bang != std::string::npos) {
      query = line.substr(0, bang);
      expected_error = line.substr(bang + 3);
    }
    ++queries;
    SCOPED_TRACE("line " + std::to_string(line_no) + ": " + query);
    auto q = sql::Query::prepare(query);
    sql::Result<arrow::RecordBatch> ours = q ? q->execute(*batch_) : std::unexpected(q.error());
    bool pg_failed = false;
    std::vector<TextRow> theirs;
    try {
      theirs = pg.query(query);
    } catch (const std::exception& e) {
      pg_failed = true;
      // A data error on the edge rows must be the same error in both.
      if (expected_error.empty() &&
          (ours || std::string(e.what()).find(ours.error().message) == std::string::npos)) {
        ADD_FAILURE() << "PostgreSQL failed: " << e.what()
                      << "\nengine: " << (ours ? "succeeded" : sql::describe(ours.error(), query));
      }
    }
    if (!expected_error.empty()) {
      EXPECT_TRUE(pg_failed) << "PostgreSQL accepted a query expected to fail";
      ASSERT_FALSE(ours.has_value()) << "engine accepted a query expected to fail";
      EXPECT_NE(sql::describe(ours.error(), query).find(expected_error), std::string::npos)
          << sql::describe(ours.error(), query);
      continue;
    }
    if (pg_failed) continue;
    if (!ours) {
      ADD_FAILURE() << "engine failed: " << sql::describe(ours.error(), query);
      continue;
    }
    Rows mine, ref;
    for (int64_t r = 0; r < ours->num_rows(); ++r) mine.emplace_back();
    for (int c = 0; c < ours->num_columns(); ++c) {
      const sql::Vector v =
          sql::load_column(ours->column(c), sql::from_arrow(ours->column(c).type()),
                           sql::Selection{nullptr, ours->num_rows()});
      for (int64_t r = 0; r < ours->num_rows(); ++r)
        mine[static_cast<size_t>(r)].push_back(pg_text(v, r));
    }
    for (const TextRow& row : theirs) {
      ref.emplace_back();
      for (const auto& cell : row) ref.back().push_back(cell ? normalize(*cell) : "NULL");
    }
    std::string lower = query;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.find("order by") == std::string::npos) {
      std::sort(mine.begin(), mine.end());
      std::sort(ref.begin(), ref.end());
    }
    EXPECT_EQ(mine, ref);
  }
  EXPECT_GT(queries, 100);
}

}  // namespace
}  // namespace rapidbyte::test
