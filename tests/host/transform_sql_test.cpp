// transform-sql driven directly in wasmtime: batches in through batch-next,
// results out through batch-emit. Binding on the first batch and again
// when the schema changes, now(), empty results, and the errors of open,
// validate and run; and examples/sql.yaml through the engine, checked
// against the native engine. (PostgreSQL end to end: tests/connectors.)
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <chrono>
#include <fstream>

#include "host/engine/connector_catalog.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/checksum.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/sql/query.hpp"
#include "tests/host/runtime_fixture.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

// One IPC stream of columns a (int32 or int64) and s (utf8), with an
// extra boolean column first when `with_flag`.
template <class T>
std::vector<uint8_t> batch_of(const arrow::DataType& type, std::vector<T> a,
                              std::vector<std::string> s, bool with_flag = false) {
  arrow::PrimitiveBuilder<T> ab(type);
  arrow::StringBuilder sb;
  arrow::BooleanBuilder fb;
  for (size_t i = 0; i < a.size(); ++i) {
    ab.append(a[i]);
    sb.append(std::string_view(s[i]));
    fb.append(i % 2 == 0);
  }
  std::vector<arrow::Field> fields = {arrow::field("a", type), arrow::field("s", arrow::utf8())};
  std::vector<arrow::Array> columns = {*ab.finish(), *sb.finish()};
  if (with_flag) {
    fields.insert(fields.begin(), arrow::field("flag", arrow::boolean()));
    columns.insert(columns.begin(), *fb.finish());
  }
  auto schema = arrow::make_schema(std::move(fields));
  arrow::RecordBatch batch(schema, std::move(columns), static_cast<int64_t>(a.size()));
  return *arrow::write_ipc_stream(schema, {batch});
}

arrow::RecordBatch decode(const std::vector<uint8_t>& bytes) {
  auto contents = arrow::read_ipc_stream(bytes);
  EXPECT_TRUE(contents) << contents.error().message;
  EXPECT_EQ(contents->batches.size(), 1u);
  return contents->batches.at(0);
}

class TransformSqlTest : public RuntimeTest {
 protected:
  std::unique_ptr<runtime::ConnectorInstance> open_query(const std::string& query) {
    auto instance = instantiate(connector("transform-sql"));
    if (!instance) return nullptr;
    auto session = instance->open("{\"query\": \"" + query + "\"}");
    EXPECT_TRUE(session) << session.error().message;
    return instance;
  }

  static p::RunRequest transform_request() {
    p::RunRequest request;
    request.phase = p::RunPhase::kTransform;
    return request;
  }
};

TEST_F(TransformSqlTest, BindsOnTheFirstBatchAndAgainWhenTheSchemaChanges) {
  auto t = open_query("SELECT a * 2 AS d, upper(s) AS u FROM input WHERE a > 1");
  ASSERT_TRUE(t);
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), {1, 2, 3}, {"x", "y", "z"}));
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), {5}, {"w"}));
  // int64 now, and a column the query does not read in front.
  services_.to_deliver.push_back(
      batch_of<int64_t>(arrow::int64(), {4000000000, 0}, {"big", "zero"}, true));
  auto summary = t->run(transform_request());
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_TRUE(summary->transform);
  EXPECT_EQ(summary->transform->records_in, 6u);
  EXPECT_EQ(summary->transform->records_out, 4u);
  EXPECT_EQ(summary->transform->batches_in, 3u);
  EXPECT_EQ(summary->transform->batches_out, 3u);
  ASSERT_EQ(services_.emitted.size(), 3u);

  const arrow::RecordBatch first = decode(services_.emitted[0]);
  EXPECT_EQ(first.schema()->field(0), arrow::field("d", arrow::int32()));
  ASSERT_EQ(first.num_rows(), 2);
  EXPECT_EQ(arrow::Int32Array(first.column(0)).value(1), 6);
  EXPECT_EQ(arrow::StringArray(first.column(1)).value(0), "Y");

  const arrow::RecordBatch third = decode(services_.emitted[2]);
  EXPECT_EQ(third.schema()->field(0), arrow::field("d", arrow::int64()));
  ASSERT_EQ(third.num_rows(), 1);
  EXPECT_EQ(arrow::Int64Array(third.column(0)).value(0), 8000000000);
  EXPECT_EQ(arrow::StringArray(third.column(1)).value(0), "BIG");
}

TEST_F(TransformSqlTest, NowIsTheRunsStartForEveryBatch) {
  auto t = open_query("SELECT now() AS at, a FROM input");
  ASSERT_TRUE(t);
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), {1, 2}, {"x", "y"}));
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), {3}, {"z"}));
  auto micros = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const int64_t before = micros();
  auto summary = t->run(transform_request());
  const int64_t after = micros();
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(services_.emitted.size(), 2u);
  const arrow::RecordBatch first = decode(services_.emitted[0]);
  const arrow::RecordBatch second = decode(services_.emitted[1]);
  EXPECT_EQ(first.schema()->field(0).type, arrow::timestamp(arrow::TimeUnit::kMicro, "UTC"));
  const int64_t at = arrow::Int64Array(first.column(0)).value(0);
  EXPECT_GE(at, before);
  EXPECT_LE(at, after);
  EXPECT_EQ(arrow::Int64Array(first.column(0)).value(1), at);
  EXPECT_EQ(arrow::Int64Array(second.column(0)).value(0), at);
}

TEST_F(TransformSqlTest, EmptyResultsAndColumnlessQueries) {
  auto t = open_query("SELECT s FROM input WHERE a > 100");
  ASSERT_TRUE(t);
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), {1, 2}, {"x", "y"}));
  auto summary = t->run(transform_request());
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->transform->records_out, 0u);
  ASSERT_EQ(services_.emitted.size(), 1u);
  const arrow::RecordBatch out = decode(services_.emitted[0]);
  EXPECT_EQ(out.num_rows(), 0);
  EXPECT_EQ(out.schema()->field(0).name, "s");

  // A query that reads no column still yields one row per input row.
  auto constant = open_query("SELECT 1 AS one FROM input");
  ASSERT_TRUE(constant);
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), {1, 2, 3}, {"x", "y", "z"}));
  auto counted = constant->run(transform_request());
  ASSERT_TRUE(counted) << counted.error().message;
  ASSERT_EQ(services_.emitted.size(), 2u);
  const arrow::RecordBatch ones = decode(services_.emitted[1]);
  ASSERT_EQ(ones.num_rows(), 3);
  EXPECT_EQ(arrow::Int32Array(ones.column(0)).value(2), 1);
}

TEST_F(TransformSqlTest, OpenValidateAndRunErrorsNameWhatAndWhere) {
  auto bad_syntax = instantiate(connector("transform-sql"));
  ASSERT_TRUE(bad_syntax);
  auto opened = bad_syntax->open("{\"query\": \"SELECT a +\\n FROM input\"}");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().category, p::ErrorCategory::kConfig);
  EXPECT_EQ(opened.error().code, "SQL_SYNTAX");
  EXPECT_EQ(opened.error().message,
            "query: syntax error at line 2, column 2: expected an expression, found \"from\"");

  auto unknown = open_query("SELECT nosuch(a) FROM input");
  ASSERT_TRUE(unknown);
  auto report = unknown->validate();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->status, p::CheckStatus::kFailed);
  ASSERT_EQ(report->checks.size(), 1u);
  EXPECT_EQ(report->checks[0].message,
            "query error at line 1, column 8: function nosuch does not exist");

  auto overflow = open_query("SELECT a * 1000 AS k FROM input");
  ASSERT_TRUE(overflow);
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), {1, 2}, {"x", "y"}));
  services_.to_deliver.push_back(
      batch_of<int32_t>(arrow::int32(), {3, 4, 5000000}, {"x", "y", "z"}));
  auto failed = overflow->run(transform_request());
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().category, p::ErrorCategory::kData);
  EXPECT_EQ(failed.error().code, "SQL_DATA");
  EXPECT_EQ(failed.error().message,
            "batch 1, row 2 (row 4 of the stream): integer out of range in \"a * 1000\"");

  auto garbage = open_query("SELECT a FROM input");
  ASSERT_TRUE(garbage);
  services_.to_deliver.push_back({1, 2, 3, 4, 5});
  auto invalid = garbage->run(transform_request());
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().category, p::ErrorCategory::kData);
  EXPECT_EQ(invalid.error().message.rfind("invalid Arrow IPC batch: ", 0), 0u)
      << invalid.error().message;
}

// on_data_error skip and dlq: a row the query cannot compute is set aside
// and the rest of its batch goes on, in order; queries that do not work row
// by row (here an aggregate) still fail.
TEST_F(TransformSqlTest, SkipAndDlqSetAsideOnlyTheFailingRows) {
  auto request = [](p::DataErrorPolicy policy) {
    p::RunRequest r = transform_request();
    p::StreamContext stream;
    stream.stream_name = "events";
    stream.policies.on_data_error = policy;
    r.streams.push_back(stream);
    return r;
  };
  const auto input =
      batch_of<int32_t>(arrow::int32(), {1, 3, 2, 3, 5, 6}, {"a", "b", "c", "d", "e", "f"}, true);

  auto dlq = open_query("SELECT a, 6 / (a - 3) AS q FROM input");
  ASSERT_TRUE(dlq);
  services_.to_deliver.push_back(input);
  auto summary = dlq->run(request(p::DataErrorPolicy::kDlq));
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->transform->records_in, 6u);
  EXPECT_EQ(summary->transform->records_out, 4u);
  ASSERT_EQ(services_.emitted.size(), 1u);
  auto out = arrow::read_ipc_stream(services_.emitted[0]);
  ASSERT_TRUE(out) << out.error().message;
  std::vector<int32_t> a, q;
  for (const auto& b : out->batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      a.push_back(arrow::Int32Array(b.column(0)).value(r));
      q.push_back(arrow::Int32Array(b.column(1)).value(r));
    }
  }
  EXPECT_EQ(a, (std::vector<int32_t>{1, 2, 5, 6}));
  EXPECT_EQ(q, (std::vector<int32_t>{-3, -6, 3, 2}));
  ASSERT_EQ(services_.dlq_records.size(), 2u);
  EXPECT_EQ(services_.dlq_records[0].stream_name, "events");
  // The whole input row, also the column the query does not read.
  EXPECT_EQ(services_.dlq_records[0].record_json, "{\"flag\":false,\"a\":3,\"s\":\"b\"}");
  EXPECT_EQ(services_.dlq_records[1].record_json, "{\"flag\":false,\"a\":3,\"s\":\"d\"}");
  EXPECT_EQ(services_.dlq_records[0].error.category, p::ErrorCategory::kData);
  EXPECT_EQ(services_.dlq_records[0].error.scope, p::ErrorScope::kPerRecord);
  EXPECT_EQ(services_.dlq_records[0].error.message,
            "batch 0, row 1 (row 1 of the stream): division by zero in \"6 / (a - 3)\"");
  EXPECT_EQ(services_.dlq_records[1].error.message,
            "batch 0, row 3 (row 3 of the stream): division by zero in \"6 / (a - 3)\"");

  auto skip = open_query("SELECT a, 6 / (a - 3) AS q FROM input");
  ASSERT_TRUE(skip);
  services_.to_deliver.push_back(input);
  auto skipped = skip->run(request(p::DataErrorPolicy::kSkip));
  ASSERT_TRUE(skipped) << skipped.error().message;
  EXPECT_EQ(skipped->transform->records_out, 4u);
  EXPECT_EQ(services_.dlq_records.size(), 2u);  // none added

  // A batch where every row fails: each is set aside, in linear time.
  std::vector<int32_t> threes(50000, 3);
  std::vector<std::string> names(50000, "x");
  auto all_fail = open_query("SELECT a, 6 / (a - 3) AS q FROM input");
  ASSERT_TRUE(all_fail);
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), threes, names));
  services_.logs.clear();
  auto none = all_fail->run(request(p::DataErrorPolicy::kSkip));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->transform->records_in, 50000u);
  EXPECT_EQ(none->transform->records_out, 0u);
  EXPECT_EQ(services_.logs.size(), 50000u);
  EXPECT_EQ(services_.logs.back().second,
            "skipped: batch 0, row 49999 (row 49999 of the stream): division by zero in "
            "\"6 / (a - 3)\"");
  // The same under dlq: 50000 dead letters, the batch decoded whole once.
  services_.to_deliver.push_back(batch_of<int32_t>(arrow::int32(), threes, names));
  services_.dlq_records.clear();
  auto dead = all_fail->run(request(p::DataErrorPolicy::kDlq));
  ASSERT_TRUE(dead) << dead.error().message;
  ASSERT_EQ(services_.dlq_records.size(), 50000u);
  EXPECT_EQ(services_.dlq_records.back().record_json, "{\"a\":3,\"s\":\"x\"}");

  auto aggregate = open_query("SELECT sum(6 / (a - 3)) AS s FROM input");
  ASSERT_TRUE(aggregate);
  services_.to_deliver.push_back(input);
  auto failed = aggregate->run(request(p::DataErrorPolicy::kDlq));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message,
            "batch 0, row 1 (row 1 of the stream): division by zero in \"6 / (a - 3)\"");
}

// examples/sql.yaml (generator -> transform-sql -> null) through the
// engine: the null destination's content checksum equals that of the
// generator's batches run through the native engine.
TEST_F(TransformSqlTest, ExamplePipelineMatchesTheNativeEngine) {
  std::ifstream file(std::string(RAPIDBYTE_EXAMPLES_DIR) + "/sql.yaml");
  const std::string yaml((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto pipeline = engine::parse_pipeline(yaml, "sql.yaml");
  ASSERT_TRUE(pipeline) << pipeline.error();
  ASSERT_EQ(pipeline->transforms.size(), 1u);
  rapidjson::Document config;
  config.Parse(pipeline->transforms[0].config_json.c_str());
  ASSERT_TRUE(config.IsObject() && config.HasMember("query"));
  const std::string text = config["query"].GetString();

  // The generator's batches, as the pipeline's source stage makes them.
  auto source = instantiate(connector("source-generator"));
  ASSERT_TRUE(source);
  ASSERT_TRUE(source->open(pipeline->source.config_json));
  p::RunRequest read;
  read.phase = p::RunPhase::kRead;
  p::StreamContext stream;
  stream.stream_name = pipeline->streams.at(0).name;
  stream.limits.max_batch_bytes = pipeline->resources.max_batch_bytes;
  read.streams.push_back(stream);
  ASSERT_TRUE(source->run(read));
  auto query = sql::Query::prepare(text);
  ASSERT_TRUE(query);
  arrow::ContentChecksum expected;
  uint64_t expected_rows = 0;
  for (const auto& bytes : services_.emitted) {
    auto contents = arrow::read_ipc_stream(bytes);
    ASSERT_TRUE(contents) << contents.error().message;
    for (const auto& batch : contents->batches) {
      auto result = query->execute(batch);
      ASSERT_TRUE(result) << sql::describe(result.error(), text);
      expected.add(*result);
      expected_rows += static_cast<uint64_t>(result->num_rows());
    }
  }
  ASSERT_GT(expected_rows, 0u);

  engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
  auto state = engine::SqliteStateBackend::open(cache_dir_ / "sql-example.db");
  ASSERT_TRUE(state) << state.error();
  engine::PipelineRunner runner(*engine_, catalog, **state);
  auto report = runner.run(*pipeline);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->succeeded()) << report->first_error();
  const auto& stages = report->streams.at(0).stages;
  ASSERT_EQ(stages.size(), 3u);
  ASSERT_TRUE(stages[1].summary && stages[1].summary->transform);
  EXPECT_EQ(stages[1].summary->transform->records_in, 1000000u);
  EXPECT_EQ(stages[1].summary->transform->records_out, expected_rows);
  EXPECT_EQ(stages[2].counter("records"), expected_rows);
  EXPECT_EQ(stages[2].counter("checksum"), expected.value());
}

// The SDK refuses a phase the connector's role never runs before the
// connector's run sees it; a source's teardown with nothing to release is a
// no-op.
TEST_F(RuntimeTest, TheSdkRefusesAPhaseTheRoleNeverRuns) {
  const std::pair<const char*, p::RunPhase> refused[] = {
      {"transform-sql", p::RunPhase::kWrite},
      {"transform-passthrough", p::RunPhase::kRead},
      {"dest-null", p::RunPhase::kTransform},
      {"source-generator", p::RunPhase::kWrite},
  };
  const char* const configs[] = {R"({"query": "SELECT * FROM input"})", "{}", "{}", "{}"};
  const char* const messages[] = {
      "this transform does not run the write phase",
      "this transform does not run the read phase",
      "this destination does not run the transform phase",
      "this source does not run the write phase",
  };
  for (size_t i = 0; i < std::size(refused); ++i) {
    auto instance = instantiate(connector(refused[i].first));
    ASSERT_TRUE(instance) << refused[i].first;
    ASSERT_TRUE(instance->open(configs[i])) << refused[i].first;
    p::RunRequest request;
    request.phase = refused[i].second;
    auto run = instance->run(request);
    ASSERT_FALSE(run) << refused[i].first;
    EXPECT_EQ(run.error().category, p::ErrorCategory::kInternal);
    EXPECT_EQ(run.error().code, "BAD_PHASE");
    EXPECT_EQ(run.error().message, messages[i]);
  }
  auto generator = instantiate(connector("source-generator"));
  ASSERT_TRUE(generator);
  ASSERT_TRUE(generator->open("{}"));
  p::RunRequest teardown;
  teardown.phase = p::RunPhase::kTeardown;
  auto run = generator->run(teardown);
  ASSERT_TRUE(run) << run.error().message;
}

}  // namespace
}  // namespace rapidbyte::test
