// dest-postgres on its own: on_data_error and schema evolution policies,
// with batches produced by source-postgres and fed to a destination
// instance.
#include <gtest/gtest.h>

#include "tests/connectors/connector_environment.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

class DestPostgresTest : public PgConnectorTest {
 protected:
  // The IPC batches source-postgres emits for `table` of rb_src.
  std::vector<std::vector<uint8_t>> read_source(const std::string& table,
                                                uint64_t max_batch_bytes = 1 << 20) {
    auto source = instance("source-postgres");
    EXPECT_TRUE(source);
    EXPECT_TRUE(source->open(pg_config(kSourceDb)));
    p::RunRequest request;
    request.phase = p::RunPhase::kRead;
    p::StreamContext ctx;
    ctx.stream_name = table;
    ctx.limits.max_batch_bytes = max_batch_bytes;
    request.streams.push_back(ctx);
    auto summary = source->run(request);
    EXPECT_TRUE(summary) << summary.error().message;
    auto batches = std::move(services_.emitted);
    services_ = {};
    return batches;
  }

  // Writes `batches` as stream `stream` into rb_dst.
  runtime::ConnectorResult<p::RunSummary> write(const std::vector<std::vector<uint8_t>>& batches,
                                                const std::string& stream,
                                                const p::StreamPolicies& policies,
                                                const std::string& extra_config = {},
                                                const p::StreamLimits& limits = {},
                                                p::SyncMode sync_mode = p::SyncMode::kFullRefresh) {
    auto dest = instance("dest-postgres");
    EXPECT_TRUE(dest);
    EXPECT_TRUE(dest->open(pg_config(kDestDb, extra_config)));
    for (const auto& b : batches) services_.to_deliver.push_back(b);
    p::RunRequest request;
    request.phase = p::RunPhase::kWrite;
    p::StreamContext ctx;
    ctx.stream_name = stream;
    ctx.policies = policies;
    ctx.limits = limits;
    ctx.sync_mode = sync_mode;
    request.streams.push_back(ctx);
    return dest->run(request);
  }
};

TEST_F(DestPostgresTest, RejectedRowsAreIsolatedPerPolicy) {
  auto s = src();
  s.exec(
      "CREATE TABLE checked (id int, v text);"
      "INSERT INTO checked SELECT g, CASE WHEN g IN (7, 42) THEN 'bad' ELSE 'good' END "
      "FROM generate_series(1, 100) g;");
  const auto batches = read_source("checked");
  auto d = dst();
  d.exec("CREATE TABLE checked (id int, v text CHECK (v <> 'bad'));");

  p::StreamPolicies policies;
  policies.on_data_error = p::DataErrorPolicy::kFail;
  auto failed = write(batches, "checked", policies);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().category, p::ErrorCategory::kData);
  EXPECT_EQ(failed.error().code, "PG_23514");
  EXPECT_EQ(d.value("SELECT count(*) FROM checked"), "0");

  services_ = {};
  policies.on_data_error = p::DataErrorPolicy::kSkip;
  auto skipped = write(batches, "checked", policies);
  ASSERT_TRUE(skipped) << skipped.error().message;
  EXPECT_EQ(skipped->write->records_written, 98u);
  EXPECT_EQ(skipped->write->records_failed, 2u);
  EXPECT_TRUE(services_.dlq_records.empty());
  EXPECT_EQ(d.value("SELECT count(*) FROM checked"), "98");

  services_ = {};
  d.exec("TRUNCATE checked");
  policies.on_data_error = p::DataErrorPolicy::kDlq;
  auto dlq = write(batches, "checked", policies, ", \"load_method\": \"insert\"");
  ASSERT_TRUE(dlq) << dlq.error().message;
  EXPECT_EQ(dlq->write->records_failed, 2u);
  ASSERT_EQ(services_.dlq_records.size(), 2u);
  EXPECT_EQ(services_.dlq_records[0].record_json, R"({"id":7,"v":"bad"})");
  EXPECT_EQ(services_.dlq_records[0].error.code, "PG_23514");
  EXPECT_EQ(services_.dlq_records[1].record_json, R"({"id":42,"v":"bad"})");
  EXPECT_EQ(d.value("SELECT count(*) || ' ' || sum(id) FROM checked"),
            "98 " + std::to_string(5050 - 49));
}

// With on_data_error fail one COPY carries many batches, up to each commit:
// every committed range is whole, and a row rejected in a later batch rolls
// back exactly the uncommitted range. (An incremental append: a full
// refresh's append commits only at its end, as the last part checks.)
TEST_F(DestPostgresTest, CopySpansBatchesUpToEachCommit) {
  auto s = src();
  s.exec(
      "CREATE TABLE streamed (id int, v text);"
      "INSERT INTO streamed SELECT g, CASE WHEN g = 2600 THEN 'bad' ELSE repeat('x', 40) END "
      "FROM generate_series(1, 3000) g;");
  const auto batches = read_source("streamed", 8 * 1024);
  ASSERT_GT(batches.size(), 10u);
  auto d = dst();
  d.exec("CREATE TABLE streamed (id int, v text CHECK (v <> 'bad'));");

  p::StreamPolicies policies;
  policies.on_data_error = p::DataErrorPolicy::kFail;
  p::StreamLimits limits;
  limits.checkpoint_interval_rows = 1000;
  auto failed = write(batches, "streamed", policies, {}, limits, p::SyncMode::kIncremental);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "PG_23514");
  // What the destination checkpoints confirmed is exactly what is there: a
  // gapless prefix of the ids, short of the rejected row.
  uint64_t confirmed = 0;
  for (const auto& checkpoint : services_.checkpoints) confirmed += checkpoint.records;
  ASSERT_GE(confirmed, 2000u);
  ASSERT_LT(confirmed, 2600u);
  EXPECT_EQ(d.value("SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM streamed"),
            std::to_string(confirmed) + " 1 " + std::to_string(confirmed));

  services_ = {};
  d.exec("TRUNCATE streamed; ALTER TABLE streamed DROP CONSTRAINT streamed_v_check");
  auto written = write(batches, "streamed", policies, {}, limits, p::SyncMode::kIncremental);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->write->records_written, 3000u);
  EXPECT_EQ(d.value("SELECT count(*) || ' ' || sum(id) FROM streamed"), "3000 4501500");

  // A full refresh's append: the rejected row fails the stream with nothing
  // committed, however many commit intervals passed before it.
  services_ = {};
  d.exec("TRUNCATE streamed; ALTER TABLE streamed ADD CHECK (v <> 'bad')");
  auto refused = write(batches, "streamed", policies, {}, limits, p::SyncMode::kFullRefresh);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "PG_23514");
  EXPECT_TRUE(services_.checkpoints.empty());
  EXPECT_EQ(d.value("SELECT count(*) FROM streamed"), "0");
}

TEST_F(DestPostgresTest, SchemaEvolutionPolicies) {
  auto s = src();
  s.exec(
      "CREATE TABLE evolving (id int NOT NULL, name text, extra int);"
      "INSERT INTO evolving VALUES (1, 'a', 10), (2, 'b', NULL);");
  const auto batches = read_source("evolving");
  auto d = dst();
  d.exec("CREATE TABLE evolving (id bigint, name text, legacy text DEFAULT 'kept');");

  p::StreamPolicies policies;
  policies.schema_evolution.type_change = p::TypeChangePolicy::kCoerce;
  policies.schema_evolution.new_column = p::NewColumnPolicy::kFail;
  auto refused = write(batches, "evolving", policies);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().category, p::ErrorCategory::kSchema);
  EXPECT_NE(refused.error().message.find("new column 'extra'"), std::string::npos)
      << refused.error().message;

  services_ = {};
  policies.schema_evolution.type_change = p::TypeChangePolicy::kFail;
  policies.schema_evolution.new_column = p::NewColumnPolicy::kIgnore;
  auto type_changed = write(batches, "evolving", policies);
  ASSERT_FALSE(type_changed);
  EXPECT_EQ(type_changed.error().code, "TYPE_CHANGE");
  EXPECT_NE(type_changed.error().message.find("has type bigint"), std::string::npos)
      << type_changed.error().message;

  // type_change null: the changed column is written as NULL, with a warning;
  // refused where the column is NOT NULL.
  d.exec("CREATE TABLE retyped (id int NOT NULL, name int, extra int);");
  services_ = {};
  policies.schema_evolution.type_change = p::TypeChangePolicy::kSetNull;
  auto nulled = write(batches, "retyped", policies);
  ASSERT_TRUE(nulled) << nulled.error().message;
  EXPECT_EQ(d.query("SELECT id::text, coalesce(name::text, 'NULL'), extra::text FROM retyped "
                    "ORDER BY id"),
            (std::vector<TextRow>{{"1", "NULL", "10"}, {"2", "NULL", std::nullopt}}));
  const std::string warning =
      "column 'name' of \"public\".\"retyped\" has type integer, but stream 'retyped' sends "
      "utf8; writing NULL there";
  EXPECT_TRUE(std::ranges::any_of(services_.logs, [&](const auto& log) {
    return log.first == p::LogLevel::kWarn && log.second.find(warning) != std::string::npos;
  }));
  d.exec("TRUNCATE retyped; ALTER TABLE retyped ALTER COLUMN name SET NOT NULL;");
  services_ = {};
  auto not_null = write(batches, "retyped", policies);
  ASSERT_FALSE(not_null);
  EXPECT_EQ(not_null.error().code, "TYPE_CHANGE");
  EXPECT_NE(not_null.error().message.find("cannot write NULL into a NOT NULL column"),
            std::string::npos)
      << not_null.error().message;

  services_ = {};
  policies.schema_evolution.type_change = p::TypeChangePolicy::kCoerce;
  policies.schema_evolution.removed_column = p::RemovedColumnPolicy::kFail;
  auto removed = write(batches, "evolving", policies);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, "REMOVED_COLUMN");

  services_ = {};
  policies.schema_evolution.removed_column = p::RemovedColumnPolicy::kIgnore;
  auto ignored = write(batches, "evolving", policies);
  ASSERT_TRUE(ignored) << ignored.error().message;
  EXPECT_EQ(d.query("SELECT id::text, name, legacy FROM evolving ORDER BY id"),
            (std::vector<TextRow>{{"1", "a", "kept"}, {"2", "b", "kept"}}));

  services_ = {};
  policies.schema_evolution.new_column = p::NewColumnPolicy::kAdd;
  auto added = write(batches, "evolving", policies);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(d.query("SELECT id::text, extra::text FROM evolving WHERE extra IS NOT NULL"),
            (std::vector<TextRow>{{"1", "10"}}));
  EXPECT_EQ(d.value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                    "'evolving'::regclass AND attname = 'extra'"),
            "integer");

  services_ = {};
  d.exec("CREATE TABLE strict_nulls (id int NOT NULL, name text NOT NULL)");
  policies.schema_evolution.nullability_change = p::NullabilityChangePolicy::kFail;
  auto nullability = write(batches, "strict_nulls", policies);
  ASSERT_FALSE(nullability);
  EXPECT_EQ(nullability.error().code, "NULLABILITY_CHANGE");
}

}  // namespace
}  // namespace rapidbyte::test
