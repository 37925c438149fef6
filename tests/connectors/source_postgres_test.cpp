// source-postgres on its own: discover, validate, and the checkpoint rule
// of incremental reads, through single connector instances.
#include <gtest/gtest.h>
#include <unistd.h>

#include "portable/arrow/ipc_reader.hpp"
#include "portable/protocol/mode_names.hpp"
#include "tests/connectors/connector_environment.hpp"
#include "tests/support/loopback_listener.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

p::RunRequest read_request(const std::string& stream, p::SyncMode mode = p::SyncMode::kFullRefresh,
                           std::optional<p::CursorValue> last = std::nullopt) {
  p::RunRequest request;
  request.phase = p::RunPhase::kRead;
  p::StreamContext ctx;
  ctx.stream_name = stream;
  ctx.sync_mode = mode;
  if (mode == p::SyncMode::kIncremental) ctx.cursor_field = "k";
  ctx.last_cursor_value = std::move(last);
  ctx.limits.max_batch_bytes = 16 * 1024;
  ctx.limits.checkpoint_interval_rows = 1;
  request.streams.push_back(ctx);
  return request;
}

uint64_t emitted_rows(const std::vector<std::vector<uint8_t>>& emitted) {
  uint64_t rows = 0;
  for (const auto& bytes : emitted) {
    auto contents = arrow::read_ipc_stream(bytes);
    EXPECT_TRUE(contents) << contents.error().message;
    if (!contents) continue;
    for (const auto& batch : contents->batches) rows += static_cast<uint64_t>(batch.num_rows());
  }
  return rows;
}

TEST_F(PgConnectorTest, DiscoverDescribesTablesAndViewsExactly) {
  auto s = src();
  s.exec(
      "CREATE SCHEMA disc;"
      "CREATE TABLE disc.orders (id bigserial PRIMARY KEY, customer varchar(40) NOT NULL, "
      "total numeric(12, 2), placed_at timestamptz NOT NULL DEFAULT now(), tags text[], "
      "ref uuid, doc jsonb);"
      "CREATE TABLE disc.pairs (a int, b int, note text, PRIMARY KEY (b, a));"
      "CREATE VIEW disc.big_orders AS SELECT id, total FROM disc.orders WHERE total > 100;");
  auto source = instance("source-postgres");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->open(pg_config(kSourceDb, ", \"schemas\": [\"disc\"]")));
  p::RunRequest request;
  request.phase = p::RunPhase::kDiscover;
  auto summary = source->run(request);
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_TRUE(summary->catalog);
  const auto both = std::vector<p::SyncMode>{p::SyncMode::kFullRefresh, p::SyncMode::kIncremental};
  const auto all = std::vector<p::SyncMode>{p::SyncMode::kFullRefresh, p::SyncMode::kIncremental,
                                            p::SyncMode::kCdc};
  p::Catalog expected;
  expected.streams.push_back(
      {"disc.big_orders",
       "disc",
       {{"id", "bigint", "int64", true}, {"total", "numeric(12,2)", "decimal128(12, 2)", true}},
       {},
       {"id", "total"},
       both});
  expected.streams.push_back(
      {"disc.orders",
       "disc",
       {{"id", "bigint", "int64", false},
        {"customer", "character varying(40)", "utf8", false},
        {"total", "numeric(12,2)", "decimal128(12, 2)", true},
        {"placed_at", "timestamp with time zone", "timestamp[us, tz=UTC]", false},
        {"tags", "text[]", "list<item: utf8>", true},
        {"ref", "uuid", "fixed_size_binary[16]", true},
        {"doc", "jsonb", "utf8", true}},
       {"id"},
       {"id", "customer", "total", "placed_at"},
       all});
  expected.streams.push_back({"disc.pairs",
                              "disc",
                              {{"a", "integer", "int32", false},
                               {"b", "integer", "int32", false},
                               {"note", "text", "utf8", true}},
                              {"b", "a"},
                              {"a", "b", "note"},
                              all});
  EXPECT_EQ(*summary->catalog, expected);
}

// cdc is offered only for tables whose replica identity names rows, and a
// requested stream's table is described wherever it is (a run reads it by
// name in any schema), so check can resolve it.
TEST_F(PgConnectorTest, DiscoverOffersCdcByReplicaIdentityAndDescribesRequestedStreams) {
  auto s = src();
  s.exec(
      "CREATE SCHEMA ident; CREATE SCHEMA elsewhere;"
      "CREATE TABLE ident.keyed (id int PRIMARY KEY);"
      "CREATE TABLE ident.keyless (id int);"
      "CREATE TABLE ident.full_row (id int); ALTER TABLE ident.full_row REPLICA IDENTITY FULL;"
      "CREATE TABLE ident.by_index (id int NOT NULL); CREATE UNIQUE INDEX by_index_id ON "
      "ident.by_index (id); ALTER TABLE ident.by_index REPLICA IDENTITY USING INDEX by_index_id;"
      "CREATE TABLE ident.nothing (id int PRIMARY KEY); ALTER TABLE ident.nothing REPLICA "
      "IDENTITY NOTHING;"
      "CREATE TABLE elsewhere.extra (n bigint, j jsonb, e text);");
  auto source = instance("source-postgres");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->open(pg_config(kSourceDb, ", \"schemas\": [\"ident\"]")));
  p::RunRequest request;
  request.phase = p::RunPhase::kDiscover;
  request.streams.resize(2);
  request.streams[0].stream_name = "elsewhere.extra";
  request.streams[1].stream_name = "elsewhere.missing";
  auto summary = source->run(request);
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_TRUE(summary->catalog);
  std::vector<std::string> offered;
  for (const auto& stream : summary->catalog->streams) {
    std::string line = stream.name + ":";
    for (p::SyncMode m : stream.sync_modes) line += " " + std::string(p::mode_name(m));
    line += " / cursors";
    for (const auto& c : stream.cursor_candidates) line += " " + c;
    offered.push_back(line);
  }
  EXPECT_EQ(offered, (std::vector<std::string>{
                         "ident.by_index: full_refresh incremental cdc / cursors id",
                         "ident.full_row: full_refresh incremental cdc / cursors id",
                         "ident.keyed: full_refresh incremental cdc / cursors id",
                         "ident.keyless: full_refresh incremental / cursors id",
                         "ident.nothing: full_refresh incremental / cursors id",
                         "elsewhere.extra: full_refresh incremental / cursors n e",
                     }));
}

TEST_F(PgConnectorTest, ValidateWithWrongPasswordIsAnAuthErrorWithTheServersMessage) {
  auto source = instance("source-postgres");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->open(pg_config(kSourceDb, {}, kUser, "wrong-password")));
  auto report = source->validate();
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().category, p::ErrorCategory::kAuth);
  EXPECT_EQ(report.error().code, "PG_28P01");
  EXPECT_NE(report.error().message.find("password authentication failed for user \"rb_user\""),
            std::string::npos)
      << report.error().message;
  EXPECT_EQ(report.error().message.find("wrong-password"), std::string::npos);
}

// A peer that accepts the connection and then says nothing (a stalled
// server, a proxy that stopped forwarding) is found out within the connect
// timeout, not waited on forever.
TEST_F(PgConnectorTest, PeerThatAcceptsButNeverAnswersTimesOut) {
  const test::LoopbackListener listener;  // the kernel accepts; nobody answers
  const std::string port = std::to_string(listener.port());
  auto source = instance("source-postgres");
  ASSERT_TRUE(source);
  std::string config = pg_config(kSourceDb, ", \"connect_timeout_ms\": 500");
  config.replace(config.find(std::to_string(cluster().port())),
                 std::to_string(cluster().port()).size(), port);
  ASSERT_TRUE(source->open(config));
  auto report = source->validate();
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().category, p::ErrorCategory::kTransientNetwork);
  EXPECT_TRUE(report.error().retryable);
  EXPECT_NE(report.error().message.find(
                "tcp read from 127.0.0.1:" + port +
                " timed out: no progress for 500 ms (the connect timeout: the peer accepted but "
                "never answered)"),
            std::string::npos)
      << report.error().message;
}

TEST_F(PgConnectorTest, ValidateReportsEachMissingOrUnreadableTable) {
  auto s = src();
  s.exec("CREATE TABLE readable (id int);");
  cluster().exec("CREATE TABLE hidden (id int);", kSourceDb);  // owned by postgres, no grants
  auto source = instance("source-postgres");
  ASSERT_TRUE(source);
  ASSERT_TRUE(
      source->open(pg_config(kSourceDb,
                             ", \"tables\": [\"readable\", \"hidden\", \"nosuch\"], \"schemas\": "
                             "[\"public\", \"nosuch_schema\"]")));
  auto report = source->validate();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->status, p::CheckStatus::kFailed);
  std::vector<std::string> failed;
  for (const auto& check : report->checks) {
    if (check.status == p::CheckStatus::kFailed) failed.push_back(check.message);
  }
  EXPECT_EQ(failed, (std::vector<std::string>{
                        "schema 'nosuch_schema' does not exist",
                        "no SELECT privilege on \"public\".\"hidden\" for user 'rb_user'",
                        "table \"public\".\"nosuch\" does not exist"}));
  // Later tests check pipelines on this database: leave no unreadable table.
  cluster().exec("DROP TABLE hidden;", kSourceDb);
}

// The boundary rule: a checkpoint at value v covers every row with a cursor
// <= v, so resuming from any checkpoint reads exactly the rest.
TEST_F(PgConnectorTest, IncrementalCheckpointsNeverSplitRowsSharingACursorValue) {
  auto s = src();
  s.exec(
      "CREATE TABLE ties (id int, k int, pad text);"
      "INSERT INTO ties SELECT g, g / 37, repeat('p', 300) FROM generate_series(1, 2000) g;"
      "INSERT INTO ties SELECT 10000 + g, 20, 'tie' FROM generate_series(1, 200) g;");
  auto source = instance("source-postgres");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->open(pg_config(kSourceDb)));
  auto summary = source->run(read_request("ties", p::SyncMode::kIncremental));
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->read->records, 2200u);
  EXPECT_GT(summary->read->batches, 10u);
  std::vector<int64_t> values;
  for (const auto& checkpoint : services_.checkpoints) {
    if (checkpoint.cursor_value) {
      values.push_back(std::get<p::cursor_kind::kInt64>(*checkpoint.cursor_value));
    }
  }
  ASSERT_GT(values.size(), 5u);
  EXPECT_TRUE(std::is_sorted(values.begin(), values.end()));
  EXPECT_EQ(values.back(), 54);  // the end of the stream checkpoints the last value
  for (int64_t v : values) {
    services_.emitted.clear();
    services_.checkpoints.clear();
    auto resumed = instance("source-postgres");
    ASSERT_TRUE(resumed->open(pg_config(kSourceDb)));
    auto rest =
        resumed->run(read_request("ties", p::SyncMode::kIncremental,
                                  p::CursorValue(std::in_place_index<p::cursor_kind::kInt64>, v)));
    ASSERT_TRUE(rest) << rest.error().message;
    const uint64_t before =
        std::stoull(*s.value("SELECT count(*) FROM ties WHERE k <= " + std::to_string(v)));
    EXPECT_EQ(before + emitted_rows(services_.emitted), 2200u) << "resuming after " << v;
  }
}

// A row over max_record_bytes is a data error naming its size and the
// limit; the rest of the table's COPY is cancelled on the server, and the
// connector's connection is closed cleanly afterwards.
TEST_F(PgConnectorTest, ARowOverMaxRecordBytesFailsTheRead) {
  auto s = src();
  s.exec(
      "CREATE TABLE wide_first (id int, pad text);"
      "INSERT INTO wide_first VALUES (0, repeat('x', 5000));"
      "INSERT INTO wide_first SELECT g, 'small' FROM generate_series(1, 50000) g;");
  auto source = instance("source-postgres");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->open(pg_config(kSourceDb)));
  auto request = read_request("wide_first");
  request.streams[0].limits.max_record_bytes = 1000;
  auto summary = source->run(request);
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().category, p::ErrorCategory::kData);
  EXPECT_EQ(summary.error().message,
            "cannot read \"public\".\"wide_first\": a row of 5014 bytes exceeds "
            "max_record_bytes (1000)");
  EXPECT_EQ(emitted_rows(services_.emitted), 0u);
  EXPECT_TRUE(source->close());
  EXPECT_EQ(s.value("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%wide_first%' "
                    "AND state = 'active'"),
            "0");
}

TEST_F(PgConnectorTest, MaxRecordsIsHonoured) {
  auto s = src();
  s.exec("CREATE TABLE many AS SELECT g AS id FROM generate_series(1, 1000) g;");
  auto source = instance("source-postgres");
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->open(pg_config(kSourceDb)));
  auto request = read_request("many");
  request.max_records = 17;
  auto summary = source->run(request);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->read->records, 17u);
  EXPECT_EQ(emitted_rows(services_.emitted), 17u);
}

}  // namespace
}  // namespace rapidbyte::test
