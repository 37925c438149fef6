// The four first-party transforms, all sdk::BatchTransform, driven directly
// in wasmtime over the same run of incoming IPC streams: what each emits
// per stream (its own bytes, a re-encoded stream, or nothing), the summary,
// and where a failing record is said to be. The edge cases are the ones the
// base decides: a stream without record batches, a batch that comes with
// zero rows, a stream whose rows are all removed, a change after unchanged
// batches of the same stream.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "tests/host/runtime_fixture.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

using Rows = std::vector<int32_t>;

std::shared_ptr<const arrow::Schema> input_schema() {
  return arrow::make_schema({arrow::field("a", arrow::int32()), arrow::field("s", arrow::utf8())});
}

// A record batch of column a = `a` and s = "v<a>".
arrow::RecordBatch batch_of(const Rows& a) {
  arrow::PrimitiveBuilder<int32_t> ab(arrow::int32());
  arrow::StringBuilder sb;
  for (int32_t v : a) {
    ab.append(v);
    sb.append(std::string_view("v" + std::to_string(v)));
  }
  return arrow::RecordBatch(input_schema(), {*ab.finish(), *sb.finish()},
                            static_cast<int64_t>(a.size()));
}

// One IPC stream holding a record batch per element of `batches`.
std::vector<uint8_t> stream_of(const std::vector<Rows>& batches) {
  arrow::IpcStreamWriter writer(input_schema());
  for (const Rows& rows : batches) EXPECT_TRUE(writer.write(batch_of(rows)));
  return writer.finish();
}

// Column a of every record batch of an emitted stream, batch by batch.
std::vector<Rows> column_a(const std::vector<uint8_t>& bytes) {
  auto contents = arrow::read_ipc_stream(bytes);
  EXPECT_TRUE(contents) << contents.error().message;
  std::vector<Rows> out;
  if (!contents) return out;
  for (const auto& batch : contents->batches) {
    Rows rows;
    arrow::Int32Array a(batch.column(0));
    for (int64_t r = 0; r < batch.num_rows(); ++r) rows.push_back(a.value(r));
    out.push_back(std::move(rows));
  }
  return out;
}

// The run every test feeds. Each test's rule is a >= 0: negative values of
// a fail it.
const std::vector<std::vector<Rows>> kStreams = {
    {{1, 2, 3}},           // 0: every row passes
    {},                    // 1: the schema alone, no record batch
    {{}},                  // 2: one batch with zero rows
    {{4, 5}, {6, -1, 7}},  // 3: a change after an unchanged batch
    {{-2, -3}},            // 4: every row fails
    {{}, {-4}},            // 5: zero rows, then every row fails
};

class BatchTransformTest : public RuntimeTest {
 protected:
  void SetUp() override {
    for (const auto& batches : kStreams) input_.push_back(stream_of(batches));
  }

  // Opens `name` with `config` and runs it over the input streams.
  runtime::ConnectorResult<p::RunSummary> run(const std::string& name, const std::string& config) {
    auto instance = instantiate(connector(name));
    EXPECT_TRUE(instance);
    if (!instance) return std::unexpected(p::ConnectorError{});
    auto session = instance->open(config);
    EXPECT_TRUE(session) << session.error().message;
    services_.to_deliver.assign(input_.begin(), input_.end());
    p::RunRequest request;
    request.phase = p::RunPhase::kTransform;
    p::StreamContext stream;
    stream.stream_name = "events";
    request.streams.push_back(stream);
    return instance->run(request);
  }

  uint64_t input_bytes() const {
    uint64_t n = 0;
    for (const auto& bytes : input_) n += bytes.size();
    return n;
  }
  uint64_t emitted_bytes() const {
    uint64_t n = 0;
    for (const auto& bytes : services_.emitted) n += bytes.size();
    return n;
  }

  std::vector<std::vector<uint8_t>> input_;
};

TEST_F(BatchTransformTest, PassthroughForwardsEveryStreamAsItCame) {
  auto summary = run("transform-passthrough", "{}");
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(services_.emitted, input_);
  const p::TransformSummary& t = *summary->transform;
  EXPECT_EQ(t.batches_in, 6u);
  EXPECT_EQ(t.batches_out, 6u);
  EXPECT_EQ(t.records_in, 11u);
  EXPECT_EQ(t.records_out, 11u);
  EXPECT_EQ(t.bytes_in, input_bytes());
  EXPECT_EQ(t.bytes_out, input_bytes());
}

// Streams whose rows all pass go on byte for byte; a change re-encodes the
// whole stream, the batches that passed before it included; a stream whose
// rows were all dropped is not emitted, one that came with zero rows is.
TEST_F(BatchTransformTest, ValidateForwardsPassingStreamsAndDropsEmptiedOnes) {
  auto summary =
      run("transform-validate", R"({"on_fail": "skip", "columns": {"a": {"range": {"min": 0}}}})");
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(services_.emitted.size(), 3u);
  EXPECT_EQ(services_.emitted[0], input_[0]);
  EXPECT_EQ(services_.emitted[1], input_[2]);
  EXPECT_EQ(column_a(services_.emitted[2]), (std::vector<Rows>{{4, 5}, {6}, {7}}));
  const p::TransformSummary& t = *summary->transform;
  EXPECT_EQ(t.batches_in, 6u);
  EXPECT_EQ(t.batches_out, 3u);
  EXPECT_EQ(t.records_in, 11u);
  EXPECT_EQ(t.records_out, 7u);
  EXPECT_EQ(t.bytes_in, input_bytes());
  EXPECT_EQ(t.bytes_out, emitted_bytes());
}

// A failing record is numbered over the run's stream, across batches and
// IPC streams; dead letters carry the whole row.
TEST_F(BatchTransformTest, ValidateNamesTheFailingRecordInTheStream) {
  const std::string rule = R"("columns": {"a": {"range": {"min": 0}}})";
  auto failed = run("transform-validate", R"({"on_fail": "fail", )" + rule + "}");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().category, p::ErrorCategory::kData);
  EXPECT_EQ(failed.error().code, "VALIDATION_FAILED");
  EXPECT_EQ(failed.error().message, "record 7 of stream 'events': column 'a' fails rule 'range'");

  services_.emitted.clear();
  auto dead = run("transform-validate", R"({"on_fail": "dlq", )" + rule + "}");
  ASSERT_TRUE(dead) << dead.error().message;
  ASSERT_EQ(services_.dlq_records.size(), 4u);
  EXPECT_EQ(services_.dlq_records[0].stream_name, "events");
  EXPECT_EQ(services_.dlq_records[0].record_json, R"({"a":-1,"s":"v-1"})");
  EXPECT_EQ(services_.dlq_records[3].record_json, R"({"a":-4,"s":"v-4"})");
  EXPECT_EQ(services_.dlq_records[0].error.code, "VALIDATION_RANGE");
  EXPECT_EQ(dead->transform->records_out, 7u);
}

// Mask changes every batch: every stream with a record batch is re-encoded,
// also one whose batch came with zero rows.
TEST_F(BatchTransformTest, MaskReencodesEveryStreamWithRecordBatches) {
  auto summary = run("transform-mask", R"({"columns": {"s": {"method": "redact", "value": "x"}}})");
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(services_.emitted.size(), 5u);
  EXPECT_EQ(column_a(services_.emitted[0]), (std::vector<Rows>{{1, 2, 3}}));
  EXPECT_EQ(column_a(services_.emitted[1]), (std::vector<Rows>{{}}));
  EXPECT_EQ(column_a(services_.emitted[2]), (std::vector<Rows>{{4, 5}, {6, -1, 7}}));
  EXPECT_EQ(column_a(services_.emitted[4]), (std::vector<Rows>{{}, {-4}}));
  auto masked = arrow::read_ipc_stream(services_.emitted[0]);
  ASSERT_TRUE(masked) << masked.error().message;
  EXPECT_EQ(arrow::StringArray(masked->batches[0].column(1)).value(2), "x");
  const p::TransformSummary& t = *summary->transform;
  EXPECT_EQ(t.batches_in, 6u);
  EXPECT_EQ(t.batches_out, 5u);
  EXPECT_EQ(t.records_in, 11u);
  EXPECT_EQ(t.records_out, 11u);
  EXPECT_EQ(t.bytes_out, emitted_bytes());
}

// transform-sql emits one stream per incoming stream with record batches,
// also when no row passes (downstream sees the output schema); a batch with
// zero rows adds no record batch to it.
TEST_F(BatchTransformTest, SqlEmitsTheOutputSchemaAlsoWhenNoRowPasses) {
  auto summary = run("transform-sql", R"({"query": "SELECT a FROM input WHERE a >= 0"})");
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(services_.emitted.size(), 5u);
  EXPECT_EQ(column_a(services_.emitted[0]), (std::vector<Rows>{{1, 2, 3}}));
  EXPECT_EQ(column_a(services_.emitted[1]), (std::vector<Rows>{}));
  EXPECT_EQ(column_a(services_.emitted[2]), (std::vector<Rows>{{4, 5}, {6, 7}}));
  EXPECT_EQ(column_a(services_.emitted[3]), (std::vector<Rows>{{}}));
  EXPECT_EQ(column_a(services_.emitted[4]), (std::vector<Rows>{{}}));
  auto schema_only = arrow::read_ipc_stream(services_.emitted[1]);
  ASSERT_TRUE(schema_only) << schema_only.error().message;
  EXPECT_EQ(schema_only->schema->num_fields(), 1);
  const p::TransformSummary& t = *summary->transform;
  EXPECT_EQ(t.batches_in, 6u);
  EXPECT_EQ(t.batches_out, 5u);
  EXPECT_EQ(t.records_in, 11u);
  EXPECT_EQ(t.records_out, 7u);
  EXPECT_EQ(t.bytes_in, input_bytes());
  EXPECT_EQ(t.bytes_out, emitted_bytes());
}

}  // namespace
}  // namespace rapidbyte::test
