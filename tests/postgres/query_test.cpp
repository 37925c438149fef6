// Simple and extended queries, raw binary COPY both ways, errors, notices
// and cancellation against the real server.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/postgres/cluster_environment.hpp"
#include "tests/support/libpq_session.hpp"
#include "tests/support/socket_transport.hpp"

namespace rapidbyte::test {
namespace {

using postgres::ColumnValue;
using postgres::Connection;
using postgres::FieldDescription;
using postgres::Param;
using postgres::Result;
using postgres::RowSink;
using postgres::TransactionStatus;
using protocol::ErrorCategory;

Connection connect_superuser() {
  Result<Connection> c = connect_client("postgres");
  EXPECT_TRUE(c.has_value());
  return std::move(*c);
}

std::vector<uint8_t> be32(int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  return {static_cast<uint8_t>(u >> 24), static_cast<uint8_t>(u >> 16),
          static_cast<uint8_t>(u >> 8), static_cast<uint8_t>(u)};
}

int32_t read_be32(std::span<const uint8_t> b) {
  return static_cast<int32_t>((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
                              (uint32_t{b[2]} << 8) | uint32_t{b[3]});
}

// Collects rows as byte strings (nullopt for NULL).
struct CollectingSink {
  std::vector<FieldDescription> fields;
  std::vector<std::vector<std::optional<std::string>>> rows;
  RowSink sink() {
    return RowSink{[this](const std::vector<FieldDescription>& f) -> Result<void> {
                     fields = f;
                     return {};
                   },
                   [this](std::span<const ColumnValue> row) -> Result<void> {
                     std::vector<std::optional<std::string>> out;
                     for (const ColumnValue& v : row) {
                       if (v.is_null) {
                         out.emplace_back(std::nullopt);
                       } else {
                         out.emplace_back(std::string(v.bytes.begin(), v.bytes.end()));
                       }
                     }
                     rows.push_back(std::move(out));
                     return {};
                   }};
  }
};

TEST(SimpleQuery, MultipleStatementsAndNulls) {
  Connection c = connect_superuser();
  auto r = c.simple_query(
      "SELECT 1 AS a, NULL::text AS b, 'x' AS c; SELECT; CREATE TEMP TABLE t(i int)");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].fields.size(), 3u);
  EXPECT_EQ((*r)[0].fields[1].name, "b");
  EXPECT_EQ((*r)[0].fields[1].type_oid, 25u);
  ASSERT_EQ((*r)[0].rows.size(), 1u);
  EXPECT_EQ((*r)[0].rows[0][0], "1");
  EXPECT_EQ((*r)[0].rows[0][1], std::nullopt);
  EXPECT_EQ((*r)[0].command_tag, "SELECT 1");
  EXPECT_EQ((*r)[2].command_tag, "CREATE TABLE");
  EXPECT_TRUE(c.simple_query("").has_value());
}

TEST(SimpleQuery, ErrorFieldsAndRecovery) {
  Connection c = connect_superuser();
  auto r = c.simple_query("SELECT * FROM no_such_table");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().sqlstate, "42P01");
  EXPECT_EQ(r.error().severity, "ERROR");
  EXPECT_EQ(r.error().message, "relation \"no_such_table\" does not exist");
  EXPECT_EQ(r.error().position, 15);
  EXPECT_EQ(r.error().category, ErrorCategory::kSchema);
  // The connection is still usable.
  auto ok = c.simple_query("SELECT 2");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)[0].rows[0][0], "2");

  auto div = c.simple_query("SELECT 1/0");
  ASSERT_FALSE(div.has_value());
  EXPECT_EQ(div.error().sqlstate, "22012");
  EXPECT_EQ(div.error().category, ErrorCategory::kData);
}

TEST(SimpleQuery, TransactionStatusFollowsReadyForQuery) {
  Connection c = connect_superuser();
  EXPECT_EQ(c.transaction_status(), TransactionStatus::kIdle);
  ASSERT_TRUE(c.simple_query("BEGIN").has_value());
  EXPECT_EQ(c.transaction_status(), TransactionStatus::kInTransaction);
  EXPECT_FALSE(c.simple_query("SELECT nope").has_value());
  EXPECT_EQ(c.transaction_status(), TransactionStatus::kFailed);
  auto aborted = c.simple_query("SELECT 1");
  ASSERT_FALSE(aborted.has_value());
  EXPECT_EQ(aborted.error().sqlstate, "25P02");
  ASSERT_TRUE(c.simple_query("ROLLBACK").has_value());
  EXPECT_EQ(c.transaction_status(), TransactionStatus::kIdle);
}

TEST(SimpleQuery, NoticesReachTheHandler) {
  Connection c = connect_superuser();
  std::vector<std::string> notices;
  c.set_notice_handler(
      [&](const postgres::PgError& n) { notices.push_back(n.severity + " " + n.message); });
  ASSERT_TRUE(c.simple_query("DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$").has_value());
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0], "NOTICE hello 42");
}

TEST(ExtendedQuery, BinaryParamsAndResultsUnnamed) {
  Connection c = connect_superuser();
  CollectingSink rows;
  const Param params[] = {Param::binary(be32(41), 23), Param::text("abc"), Param::null(25)};
  auto r = c.query("SELECT $1::int4 + 1, $2::text || 'd', $3::text IS NULL", params, rows.sink());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->command_tag, "SELECT 1");
  EXPECT_EQ(r->rows, 1u);
  ASSERT_EQ(rows.fields.size(), 3u);
  EXPECT_EQ(rows.fields[0].type_oid, 23u);
  EXPECT_EQ(rows.fields[0].format, 1);
  ASSERT_EQ(rows.rows.size(), 1u);
  const std::string& sum = *rows.rows[0][0];
  EXPECT_EQ(read_be32(std::span(reinterpret_cast<const uint8_t*>(sum.data()), 4)), 42);
  EXPECT_EQ(rows.rows[0][1], "abcd");
  EXPECT_EQ(rows.rows[0][2], std::string(1, '\1'));
}

TEST(ExtendedQuery, NamedStatementReusedAndClosed) {
  Connection c = connect_superuser();
  const uint32_t oids[] = {23};
  auto stmt = c.prepare("double_it", "SELECT $1 * 2 AS doubled, 'k'::text", oids);
  ASSERT_TRUE(stmt.has_value()) << stmt.error().to_string();
  EXPECT_EQ(stmt->param_oids, std::vector<uint32_t>{23});
  ASSERT_EQ(stmt->fields.size(), 2u);
  EXPECT_EQ(stmt->fields[0].name, "doubled");
  for (int32_t v : {1, 21, -5}) {
    CollectingSink rows;
    const Param params[] = {Param::binary(be32(v), 23)};
    auto r = c.execute(*stmt, params, rows.sink());
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    ASSERT_EQ(rows.rows.size(), 1u);
    EXPECT_EQ(rows.fields[0].format, 1);
    const std::string& out = *rows.rows[0][0];
    EXPECT_EQ(read_be32(std::span(reinterpret_cast<const uint8_t*>(out.data()), 4)), 2 * v);
  }
  ASSERT_TRUE(c.close_statement("double_it").has_value());
  CollectingSink rows;
  const Param params[] = {Param::binary(be32(1), 23)};
  auto gone = c.execute(*stmt, params, rows.sink());
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().sqlstate, "26000");
}

TEST(ExtendedQuery, ErrorsLeaveTheConnectionUsable) {
  Connection c = connect_superuser();
  auto bad = c.prepare("", "SELEC 1");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().sqlstate, "42601");
  EXPECT_EQ(bad.error().position, 1);
  CollectingSink rows;
  const Param params[] = {Param::text("not a number")};
  auto r = c.query("SELECT $1::int", params, rows.sink());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().sqlstate, "22P02");
  EXPECT_EQ(r.error().category, ErrorCategory::kData);
  auto ok = c.query("SELECT 1", {}, rows.sink());
  ASSERT_TRUE(ok.has_value());
}

TEST(ExtendedQuery, CallbackErrorIsReturnedAfterDraining) {
  Connection c = connect_superuser();
  int seen = 0;
  RowSink sink{nullptr, [&](std::span<const ColumnValue>) -> Result<void> {
                 ++seen;
                 return postgres::fail(postgres::data_error("stop here"));
               }};
  auto r = c.query("SELECT generate_series(1, 100)", {}, sink);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "stop here");
  EXPECT_EQ(seen, 1);
  auto ok = c.simple_query("SELECT 3");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)[0].rows[0][0], "3");
}

TEST(Copy, BinaryOutThenInRoundTripsServerSide) {
  cluster().exec(
      "DROP TABLE IF EXISTS copy_src, copy_dst;"
      "CREATE TABLE copy_src(id int, name text, data bytea);"
      "INSERT INTO copy_src SELECT g, 'row ' || g, decode(md5(g::text), 'hex') "
      "FROM generate_series(1, 5000) g;"
      "INSERT INTO copy_src VALUES (NULL, NULL, NULL), (0, '', '');"
      "CREATE TABLE copy_dst(LIKE copy_src)");
  Connection out = connect_superuser();
  Connection in = connect_superuser();
  ASSERT_TRUE(in.copy_in_begin("COPY copy_dst FROM STDIN (FORMAT binary)").has_value());
  size_t chunks = 0;
  auto copied = out.copy_out("COPY copy_src TO STDOUT (FORMAT binary)",
                             [&](std::span<const uint8_t> chunk) -> Result<void> {
                               ++chunks;
                               return in.copy_in_write(chunk);
                             });
  ASSERT_TRUE(copied.has_value()) << copied.error().to_string();
  EXPECT_EQ(*copied, 5002u);
  EXPECT_GT(chunks, 1u);  // streamed, not one buffer
  auto loaded = in.copy_in_end();
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  EXPECT_EQ(*loaded, 5002u);
  LibpqSession check(cluster().admin_conninfo());
  EXPECT_EQ(check.value("SELECT count(*) FROM ((TABLE copy_src EXCEPT ALL TABLE copy_dst) UNION "
                        "ALL (TABLE copy_dst EXCEPT ALL TABLE copy_src)) d"),
            "0");
}

TEST(Copy, AbortRollsBackAndBadDataIsADataError) {
  cluster().exec("DROP TABLE IF EXISTS copy_abort; CREATE TABLE copy_abort(i int)");
  Connection c = connect_superuser();
  ASSERT_TRUE(c.copy_in_begin("COPY copy_abort FROM STDIN").has_value());
  const std::string rows = "1\n2\n";
  ASSERT_TRUE(c.copy_in_write(std::span(reinterpret_cast<const uint8_t*>(rows.data()), rows.size()))
                  .has_value());
  ASSERT_TRUE(c.copy_in_abort("changed my mind").has_value());
  EXPECT_EQ(c.transaction_status(), TransactionStatus::kIdle);

  ASSERT_TRUE(c.copy_in_begin("COPY copy_abort FROM STDIN").has_value());
  const std::string bad = "1\nx\n";
  ASSERT_TRUE(c.copy_in_write(std::span(reinterpret_cast<const uint8_t*>(bad.data()), bad.size()))
                  .has_value());
  auto r = c.copy_in_end();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().sqlstate, "22P02");
  EXPECT_EQ(r.error().category, ErrorCategory::kData);
  LibpqSession check(cluster().admin_conninfo());
  EXPECT_EQ(check.value("SELECT count(*) FROM copy_abort"), "0");

  auto not_copy =
      c.copy_out("SELECT 1", [](std::span<const uint8_t>) -> Result<void> { return {}; });
  ASSERT_FALSE(not_copy.has_value());
  EXPECT_EQ(not_copy.error().category, ErrorCategory::kConfig);
  EXPECT_TRUE(c.simple_query("SELECT 1").has_value());
}

// Counts the bytes the client reads from the server.
class CountingTransport : public postgres::Transport {
 public:
  CountingTransport(std::unique_ptr<postgres::Transport> inner, size_t& read)
      : inner_(std::move(inner)), read_(read) {}
  Result<size_t> read(std::span<uint8_t> buffer) override {
    Result<size_t> got = inner_->read(buffer);
    if (got) read_ += *got;
    return got;
  }
  Result<void> write(std::span<const uint8_t> data) override { return inner_->write(data); }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<postgres::Transport> inner_;
  size_t& read_;
};

// A COPY TO whose consumer fails is cancelled on the server: the client
// reads a little more than what is in flight, not the rest of the table,
// returns the consumer's error and can go on.
TEST(Copy, AConsumerThatFailsCancelsTheRestOfTheCopy) {
  cluster().exec(
      "DROP TABLE IF EXISTS copy_big;"
      "CREATE TABLE copy_big AS SELECT g AS id, repeat(md5(g::text), 32) AS pad "
      "FROM generate_series(1, 60000) g;");  // about 62 MB of COPY data
  size_t read = 0;
  auto socket = SocketTransport::connect(PostgresCluster::kHost, cluster().port());
  ASSERT_TRUE(socket.has_value());
  postgres::ConnectOptions options;
  options.user = "postgres";
  options.cancel_transport = []() -> Result<std::unique_ptr<postgres::Transport>> {
    auto fresh = SocketTransport::connect(PostgresCluster::kHost, cluster().port());
    if (!fresh) return postgres::fail(std::move(fresh).error());
    return std::unique_ptr<postgres::Transport>(std::move(*fresh));
  };
  auto c =
      Connection::connect(std::make_unique<CountingTransport>(std::move(*socket), read), options);
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  size_t calls = 0;
  auto copied = c->copy_out("COPY copy_big TO STDOUT (FORMAT binary)",
                            [&](std::span<const uint8_t>) -> Result<void> {
                              ++calls;
                              return postgres::fail(postgres::data_error("consumer gave up"));
                            });
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().message, "consumer gave up");
  EXPECT_EQ(calls, 1u);
  EXPECT_LT(read, size_t{30} << 20) << "the rest of the table was read";
  EXPECT_EQ(c->transaction_status(), TransactionStatus::kIdle);
  EXPECT_TRUE(c->simple_query("SELECT 1").has_value());
}

TEST(Cancel, CancelRequestStopsARunningQuery) {
  Connection c = connect_superuser();
  const postgres::BackendKey key = c.backend_key();
  std::thread canceller([key] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t = SocketTransport::connect(PostgresCluster::kHost, cluster().port());
    ASSERT_TRUE(t.has_value());
    EXPECT_TRUE(postgres::send_cancel_request(**t, key).has_value());
  });
  auto r = c.simple_query("SELECT pg_sleep(20)");
  canceller.join();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().sqlstate, "57014");
  EXPECT_EQ(r.error().message, "canceling statement due to user request");
  EXPECT_TRUE(c.simple_query("SELECT 1").has_value());
}

TEST(Connection, ServerShutdownOfTheBackendIsTransient) {
  Connection c = connect_superuser();
  auto pid = c.simple_query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.has_value());
  cluster().exec("SELECT pg_terminate_backend(" + *(*pid)[0].rows[0][0] + ")");
  auto r = c.simple_query("SELECT 1");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().category, ErrorCategory::kTransientDb);
  EXPECT_TRUE(r.error().sqlstate == "57P01" || r.error().sqlstate == "08006") << r.error().sqlstate;
  EXPECT_TRUE(c.is_broken());
}

}  // namespace
}  // namespace rapidbyte::test
