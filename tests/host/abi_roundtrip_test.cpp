// The canonical ABI, end to end: a real guest (test-abi-echo) receives every
// shape the contract uses and sends it back through its results and through
// every import; the host must see exactly what it sent.
#include <gtest/gtest.h>

#include "tests/host/runtime_fixture.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

p::ConnectorError full_error() {
  p::ConnectorError e;
  e.category = p::ErrorCategory::kSchema;
  e.scope = p::ErrorScope::kPerRecord;
  e.code = "ECHO_FAIL";
  e.message = "open failed: fail";
  e.retryable = true;
  e.retry_after_ms = 1234;
  e.backoff_class = p::BackoffClass::kSlow;
  e.safe_to_retry = true;
  e.commit_state = p::CommitState::kAfterCommitUnknown;
  e.details = {{"k1", "v1"}, {"k2", ""}};
  return e;
}

// One stream per cursor-value case, plus shapes at the edges: empty and
// 1 MiB strings, empty lists, absent options.
p::RunRequest rich_request() {
  p::RunRequest req;
  req.phase = p::RunPhase::kRead;
  req.dry_run = true;
  req.max_records = 77;
  const std::vector<p::CursorValue> cursors = {
      p::CursorValue(std::in_place_index<p::cursor_kind::kInt64>, INT64_MIN),
      p::CursorValue(std::in_place_index<p::cursor_kind::kFloat64>, -0.125),
      p::CursorValue(std::in_place_index<p::cursor_kind::kText>, std::string("zürich ✓")),
      p::CursorValue(std::in_place_index<p::cursor_kind::kTimestampMicros>, int64_t{-5}),
      p::CursorValue(std::in_place_index<p::cursor_kind::kDateDays>, int32_t{-719162}),
      p::CursorValue(std::in_place_index<p::cursor_kind::kLsn>, UINT64_MAX),
      p::CursorValue(std::in_place_index<p::cursor_kind::kBytes>, std::vector<uint8_t>{0, 255, 7}),
  };
  for (size_t i = 0; i < cursors.size(); ++i) {
    p::StreamContext s;
    s.stream_name = "stream_" + std::to_string(i);
    s.sync_mode = static_cast<p::SyncMode>(i % 3);
    s.selected_columns = {"id", "name_" + std::to_string(i)};
    s.cursor_field = "cursor_" + std::to_string(i);
    s.last_cursor_value = cursors[i];
    s.primary_key = {"id", "tenant"};
    s.write_mode = static_cast<p::WriteMode>(i % 3);
    s.limits.max_batch_bytes = 1000 + i;
    s.limits.checkpoint_interval_rows = 5000 + i;
    s.policies.on_data_error = p::DataErrorPolicy::kDlq;
    s.policies.schema_evolution.type_change = p::TypeChangePolicy::kSetNull;
    if (i % 2 == 0) s.partition = p::Partition{static_cast<uint32_t>(i), 8};
    req.streams.push_back(std::move(s));
  }
  p::StreamContext empty;  // empty name, empty lists, no options
  req.streams.push_back(empty);
  p::StreamContext large;
  large.stream_name = std::string(1 << 20, 'x');
  large.selected_columns = std::vector<std::string>(1000, "c");
  req.streams.push_back(large);
  return req;
}

// What test-abi-echo returns for `req` in session `session`.
p::RunSummary expected_summary(const p::RunRequest& req, p::Session session) {
  p::RunSummary out;
  out.role = p::ConnectorRole::kSource;
  p::ReadSummary read;
  read.records = req.streams.size();
  for (const auto& s : req.streams) read.bytes += s.stream_name.size();
  read.batches = req.dry_run ? 1 : 0;
  read.checkpoints = req.max_records.value_or(999);
  out.read = read;
  out.transform = p::TransformSummary{session, session, session, session, session, session};
  p::Catalog catalog;
  for (const auto& s : req.streams) {
    p::CatalogStream cs;
    cs.name = s.stream_name;
    cs.namespace_ = s.cursor_field;
    std::string pk;
    for (const auto& k : s.primary_key) pk += (pk.empty() ? "" : ",") + k;
    for (const auto& c : s.selected_columns) {
      cs.columns.push_back({c, "pk:" + pk,
                            "write-mode:" + std::to_string(static_cast<int>(s.write_mode)),
                            s.partition.has_value()});
    }
    cs.primary_key = s.primary_key;
    cs.cursor_candidates = s.selected_columns;
    cs.sync_modes = {s.sync_mode, p::SyncMode::kFullRefresh};
    catalog.streams.push_back(std::move(cs));
  }
  out.catalog = std::move(catalog);
  return out;
}

class AbiRoundTripTest : public RuntimeTest {};

TEST_F(AbiRoundTripTest, OpenReturnsSessionFromConfig) {
  auto guest = instantiate(test_guest("test-abi-echo"));
  ASSERT_TRUE(guest);
  auto session = guest->open("{\"a\": 1}");
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_EQ(*session, 1008u);
}

TEST_F(AbiRoundTripTest, OpenErrorCarriesEveryField) {
  auto guest = instantiate(test_guest("test-abi-echo"));
  ASSERT_TRUE(guest);
  auto session = guest->open("fail");
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error(), full_error());
}

TEST_F(AbiRoundTripTest, ValidateReturnsReport) {
  auto guest = instantiate(test_guest("test-abi-echo"));
  ASSERT_TRUE(guest);
  ASSERT_TRUE(guest->open(""));
  auto report = guest->validate();
  ASSERT_TRUE(report) << report.error().message;
  p::ValidationReport expected{
      p::CheckStatus::kWarning,
      {{"session", p::CheckStatus::kPassed, "1000"}, {"empty", p::CheckStatus::kFailed, ""}}};
  EXPECT_EQ(*report, expected);
}

TEST_F(AbiRoundTripTest, RunRoundTripsEveryShape) {
  auto guest = instantiate(test_guest("test-abi-echo"));
  ASSERT_TRUE(guest);
  auto session = guest->open("abc");
  ASSERT_TRUE(session);

  std::vector<uint8_t> large(1 << 20);
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<uint8_t>(i * 31);
  services_.to_deliver = {{}, {1, 2, 3}, large};
  services_.state[RecordingServices::key_of(p::StateScope::kPipeline, "k")] = "v";

  const p::RunRequest request = rich_request();
  auto summary = guest->run(request);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(*summary, expected_summary(request, *session));

  // checkpoint + batch-emit per stream, then the delivered batches reversed.
  ASSERT_EQ(services_.checkpoints.size(), request.streams.size());
  for (size_t i = 0; i < request.streams.size(); ++i) {
    const auto& s = request.streams[i];
    p::CheckpointInfo expected{p::CheckpointKind::kSource,
                               s.stream_name,
                               s.cursor_field,
                               s.last_cursor_value,
                               s.limits.max_batch_bytes,
                               s.limits.checkpoint_interval_rows};
    EXPECT_EQ(services_.checkpoints[i], expected) << "stream " << i;
  }
  ASSERT_EQ(services_.emitted.size(), request.streams.size() + 3);
  for (size_t i = 0; i < request.streams.size(); ++i) {
    const auto& name = request.streams[i].stream_name;
    EXPECT_EQ(services_.emitted[i], std::vector<uint8_t>(name.begin(), name.end()));
  }
  const size_t n = request.streams.size();
  for (size_t i = 0; i < services_.emitted_streams.size(); ++i) {
    EXPECT_EQ(services_.emitted_streams[i], request.streams[std::min(i, n - 1)].stream_name);
  }
  EXPECT_EQ(services_.emitted[n], std::vector<uint8_t>{});
  EXPECT_EQ(services_.emitted[n + 1], (std::vector<uint8_t>{3, 2, 1}));
  EXPECT_EQ(services_.emitted[n + 2], std::vector<uint8_t>(large.rbegin(), large.rend()));

  // state: get -> put(v + "!") and a first compare-and-set that succeeds.
  EXPECT_EQ(services_.state[RecordingServices::key_of(p::StateScope::kPerStream, "k")], "v!");
  EXPECT_EQ(services_.state[RecordingServices::key_of(p::StateScope::kConnectorInstance, "c")],
            "x");
  ASSERT_EQ(services_.logs.size(), 1u);
  EXPECT_EQ(services_.logs[0], std::make_pair(p::LogLevel::kInfo, std::string("cas=true")));

  ASSERT_EQ(services_.metrics.size(), 1u);
  EXPECT_EQ(services_.metrics[0],
            (p::MetricSample{"m",
                             p::MetricValue(std::in_place_index<p::metric_kind::kHistogram>, 2.5),
                             {{"a", "b"}}}));
  ASSERT_EQ(services_.dlq_records.size(), 1u);
  EXPECT_EQ(services_.dlq_records[0], (p::DlqRecord{"s", "{\"a\":1}", full_error()}));

  EXPECT_TRUE(guest->close());
}

TEST_F(AbiRoundTripTest, SecondRunSeesCasAlreadySet) {
  auto guest = instantiate(test_guest("test-abi-echo"));
  ASSERT_TRUE(guest);
  ASSERT_TRUE(guest->open(""));
  ASSERT_TRUE(guest->run(p::RunRequest{}));
  ASSERT_TRUE(guest->run(p::RunRequest{}));
  ASSERT_EQ(services_.logs.size(), 2u);
  EXPECT_EQ(services_.logs[1].second, "cas=false");
}

}  // namespace
}  // namespace rapidbyte::test
