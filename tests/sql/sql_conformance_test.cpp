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
//
// A second test runs every query through transform-sql in wasmtime and
// requires the native engine's result to the byte.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/postgres/arrow_batch_builder.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"
#include "portable/sql/query.hpp"
#include "portable/sql/value_text.hpp"
#include "tests/support/libpq_session.hpp"
#include "tests/support/postgres_cluster.hpp"
#include "tests/support/socket_transport.hpp"
#ifdef RAPIDBYTE_CONNECTOR_DIR
#include "host/runtime/connector_instance.hpp"
#include "host/runtime/wasm_engine.hpp"
#include "tests/host/recording_services.hpp"
#endif

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

// One line of conformance_queries.sql.
struct ConformanceQuery {
  int line = 0;
  std::string query;
  std::string expected_error;  // empty unless the line is "query ! message"
};

std::vector<ConformanceQuery> load_queries() {
  std::ifstream in(RAPIDBYTE_SQL_QUERIES);
  EXPECT_TRUE(in) << "cannot open " << RAPIDBYTE_SQL_QUERIES;
  std::vector<ConformanceQuery> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line.starts_with("--")) continue;
    ConformanceQuery q{line_no, line, {}};
    if (const size_t bang = line.find(" ! "); bang != std::string::npos) {
      q.query = line.substr(0, bang);
      q.expected_error = line.substr(bang + 3);
    }
    out.push_back(std::move(q));
  }
  return out;
}

TEST_F(SqlConformance, EveryQueryMatchesPostgres) {
  ASSERT_TRUE(batch_);
  LibpqSession pg(g_cluster->admin_conninfo());
  pg.exec("SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET IntervalStyle = 'postgres'");
  int queries = 0;
  for (const ConformanceQuery& cq : load_queries()) {
    const std::string& query = cq.query;
    const std::string& expected_error = cq.expected_error;
    ++queries;
    SCOPED_TRACE("line " + std::to_string(cq.line) + ": " + query);
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

#ifdef RAPIDBYTE_CONNECTOR_DIR  // built with the host and the guests

// A JSON string literal of `text`.
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The engine compiled for wasm32 (inside transform-sql, in wasmtime) gives
// every conformance query the same result as the native engine, to the
// byte of the Arrow IPC encoding, and fails where it fails with the same
// error: the guest build (libc++ for wasm, 32-bit size_t, compiler-rt's
// 128-bit arithmetic) must not change a value.
TEST_F(SqlConformance, TheEngineInsideWasmAgreesWithTheNativeEngine) {
  ASSERT_TRUE(batch_);
  const auto cache =
      std::filesystem::temp_directory_path() / ("rapidbyte-sql-wasm-" + std::to_string(::getpid()));
  auto engine = runtime::WasmEngine::create({cache});
  ASSERT_TRUE(engine) << engine.error();
  auto module =
      (*engine)->load(std::filesystem::path(RAPIDBYTE_CONNECTOR_DIR) / "transform-sql.wasm");
  ASSERT_TRUE(module) << module.error();
  const std::vector<uint8_t> input = *arrow::write_ipc_stream(batch_->schema(), {*batch_});
  protocol::RunRequest request;
  request.phase = protocol::RunPhase::kTransform;
  int queries = 0;
  for (const ConformanceQuery& cq : load_queries()) {
    const std::string& query = cq.query;
    SCOPED_TRACE("line " + std::to_string(cq.line) + ": " + query);
    ++queries;
    auto q = sql::Query::prepare(query);
    sql::Result<arrow::RecordBatch> native = q ? q->execute(*batch_) : std::unexpected(q.error());

    rapidbyte::test::RecordingServices services;
    services.to_deliver.push_back(input);
    auto instance = runtime::ConnectorInstance::create(**engine, *module, &services, {});
    ASSERT_TRUE(instance) << instance.error().message;
    auto opened = (*instance)->open("{\"query\": " + json_string(query) + "}");
    if (!q) {
      ASSERT_FALSE(opened);
      EXPECT_EQ(opened.error().message, "query: " + sql::describe(q.error(), query));
      continue;
    }
    ASSERT_TRUE(opened) << opened.error().message;
    auto summary = (*instance)->run(request);
    if (!native) {
      ASSERT_FALSE(summary) << "native: " << sql::describe(native.error(), query);
      const sql::SqlError& e = native.error();
      std::string expected = sql::describe(e, query);
      if (e.kind == sql::ErrorKind::kData && e.row >= 0) {
        expected = "batch 0, row " + std::to_string(e.row) + " (row " + std::to_string(e.row) +
                   " of the stream): " + e.message;
        if (!e.expression.empty()) expected += " in \"" + e.expression + "\"";
      }
      EXPECT_EQ(summary.error().message, expected);
      continue;
    }
    ASSERT_TRUE(summary) << summary.error().message;
    ASSERT_EQ(services.emitted.size(), 1u);
    const std::vector<uint8_t> expected = *arrow::write_ipc_stream(native->schema(), {*native});
    if (services.emitted[0] != expected) {
      auto got = arrow::read_ipc_stream(services.emitted[0]);
      ADD_FAILURE() << "wasm:\n"
                    << (got ? arrow::format_table(got->batches.at(0)) : got.error().message)
                    << "\nnative:\n"
                    << arrow::format_table(*native);
    }
  }
  EXPECT_GT(queries, 100);
  std::filesystem::remove_all(cache);
}

#endif  // RAPIDBYTE_CONNECTOR_DIR

}  // namespace
}  // namespace rapidbyte::test
