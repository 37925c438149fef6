// The state backends: one contract suite (runs, cursors, compare-and-set
// under concurrent writers, dead letters) run against SQLite and against a
// real PostgreSQL; then what is particular to SQLite files (schema versions,
// files that are not state databases).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "host/engine/state/cursor_codec.hpp"
#include "host/engine/state/postgres_state_backend.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "tests/support/postgres_cluster.hpp"

namespace rapidbyte::engine {
namespace {

namespace p = rapidbyte::protocol;

std::string test_name() {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

// A fresh directory per test, for SQLite files.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rapidbyte-state-test-" + std::to_string(::getpid()) + "-" + test_name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

// The contract every backend meets, run once per backend: "sqlite" or
// "postgres" (a fresh database per test on one cluster for the suite).
class StateBackendContract : public ::testing::WithParamInterface<std::string>, public TempDirTest {
 protected:
  static void SetUpTestSuite() { cluster_ = std::make_unique<test::PostgresCluster>(); }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    TempDirTest::SetUp();
    if (GetParam() == "postgres") {
      database_ = "state_" + std::to_string(++databases_);
      cluster_->create_database(database_);
    }
  }

  // Opens (again) the backend under test.
  std::unique_ptr<StateBackend> open() {
    StateResult<std::unique_ptr<StateBackend>> backend;
    if (GetParam() == "postgres") {
      auto pg = PostgresStateBackend::open(cluster_->admin_conninfo(database_));
      if (pg)
        backend = std::unique_ptr<StateBackend>(std::move(*pg));
      else
        backend = std::unexpected(pg.error());
    } else {
      auto lite = SqliteStateBackend::open(dir_ / "state.db");
      if (lite)
        backend = std::unique_ptr<StateBackend>(std::move(*lite));
      else
        backend = std::unexpected(lite.error());
    }
    EXPECT_TRUE(backend) << backend.error();
    return backend ? std::move(*backend) : nullptr;
  }

  static inline std::unique_ptr<test::PostgresCluster> cluster_;
  static inline int databases_ = 0;
  std::string database_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StateBackendContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST_P(StateBackendContract, RecordsRuns) {
  auto db = open();
  auto id = db->begin_run("orders");
  ASSERT_TRUE(id);
  ASSERT_TRUE(db->finish_run(*id, RunStatus::kPartial, 10, 2048, "s: broken"));
  auto runs = db->recent_runs("orders", 5);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].id, *id);
  EXPECT_EQ((*runs)[0].status, RunStatus::kPartial);
  EXPECT_EQ((*runs)[0].records, 10u);
  EXPECT_EQ((*runs)[0].bytes, 2048u);
  EXPECT_EQ((*runs)[0].error, "s: broken");
  EXPECT_FALSE((*runs)[0].finished_at.empty());
}

TEST_P(StateBackendContract, CursorsSurviveReopenWithTheirType) {
  const StoredCursor cursor{"updated_at",
                            p::CursorValue(std::in_place_index<p::cursor_kind::kTimestampMicros>,
                                           int64_t{-1234567890123})};
  {
    auto db = open();
    auto none = db->cursor("p", "s");
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    ASSERT_TRUE(db->set_cursor("p", "s", cursor));
  }
  auto db = open();
  auto stored = db->cursor("p", "s");
  ASSERT_TRUE(stored);
  ASSERT_TRUE(*stored);
  EXPECT_EQ(**stored, cursor);
}

TEST_P(StateBackendContract, ClearCursorForgetsOnlyThatStream) {
  const StoredCursor cursor{std::nullopt,
                            p::CursorValue(std::in_place_index<p::cursor_kind::kLsn>, 0x1D4AD38)};
  auto db = open();
  ASSERT_TRUE(db->clear_cursor("p", "s"));  // none yet: not an error
  ASSERT_TRUE(db->set_cursor("p", "s", cursor));
  ASSERT_TRUE(db->set_cursor("p", "t", cursor));
  ASSERT_TRUE(db->set_cursor("q", "s", cursor));
  ASSERT_TRUE(db->clear_cursor("p", "s"));
  auto cleared = db->cursor("p", "s");
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(*cleared);
  for (const auto& [pipeline, stream] : {std::pair{"p", "t"}, std::pair{"q", "s"}}) {
    auto kept = db->cursor(pipeline, stream);
    ASSERT_TRUE(kept);
    ASSERT_TRUE(*kept) << pipeline << "/" << stream;
    EXPECT_EQ(**kept, cursor);
  }
  // The stream starts over: a new cursor is stored as for a first run.
  ASSERT_TRUE(db->set_cursor("p", "s", cursor));
  auto again = db->cursor("p", "s");
  ASSERT_TRUE(again && *again);
  EXPECT_EQ(**again, cursor);
}

TEST_P(StateBackendContract, ListsThePipelinesCursorsByStream) {
  const StoredCursor lsn{std::nullopt,
                         p::CursorValue(std::in_place_index<p::cursor_kind::kLsn>, 0x1D4AD38)};
  const StoredCursor id{"id", p::CursorValue(std::in_place_index<p::cursor_kind::kInt64>, 42)};
  auto db = open();
  ASSERT_TRUE(db->set_cursor("p", "public.users", id));
  ASSERT_TRUE(db->set_cursor("p", "public.orders", lsn));
  ASSERT_TRUE(db->set_cursor("q", "public.users", lsn));
  auto listed = db->cursors("p");
  ASSERT_TRUE(listed) << listed.error();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].stream, "public.orders");
  EXPECT_EQ((*listed)[0].cursor, lsn);
  EXPECT_EQ((*listed)[1].stream, "public.users");
  EXPECT_EQ((*listed)[1].cursor, id);
  EXPECT_EQ((*listed)[1].updated_at.size(), std::string("2026-12-05T00:00:00Z").size());
  EXPECT_TRUE(db->cursors("none").value().empty());
}

TEST_P(StateBackendContract, ListsAndDeletesConnectorStateByPrefix) {
  auto db = open();
  for (const char* key :
       {"p/stream/b/k", "p/stream/a/k2", "p/stream/a/k1", "p/pipeline/k", "q/stream/a/k"})
    ASSERT_TRUE(db->put(key, std::string("v:") + key));
  auto listed = db->state_entries("p/stream/a/");
  ASSERT_TRUE(listed) << listed.error();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "p/stream/a/k1");
  EXPECT_EQ((*listed)[0].value, "v:p/stream/a/k1");
  EXPECT_EQ((*listed)[1].key, "p/stream/a/k2");
  // A prefix is matched as text, not as a pattern.
  ASSERT_TRUE(db->put("p/stream/a_b/k", "x"));
  EXPECT_EQ(db->state_entries("p/stream/a%").value().size(), 0u);
  EXPECT_EQ(db->delete_state("p/stream/a/").value(), 2u);
  EXPECT_EQ(db->get("p/stream/a/k1").value(), std::nullopt);
  EXPECT_EQ(db->state_entries("p/").value().size(), 3u);
  EXPECT_EQ(db->delete_state("p/").value(), 3u);
  EXPECT_EQ(db->get("q/stream/a/k").value(), "v:q/stream/a/k");
}

TEST_P(StateBackendContract, OneLeasePerPipelineAndAbandonedRuns) {
  auto first = open();
  auto second = open();                     // another process would hold its own connection or file
  auto stale = first->begin_run("orders");  // a run whose process was killed
  ASSERT_TRUE(stale);
  auto lease = first->acquire_lease("orders");
  ASSERT_TRUE(lease) << lease.error().message;
  auto runs = first->recent_runs("orders", 5);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, RunStatus::kAbandoned);
  EXPECT_FALSE((*runs)[0].finished_at.empty());

  auto refused = second->acquire_lease("orders");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, StateError::Kind::kLeaseHeld);
  EXPECT_TRUE(refused.error().message.starts_with("pipeline 'orders' is already running ("))
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("pid " + std::to_string(::getpid()) + " on host "),
            std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(second->acquire_lease("other pipeline/with odd name")) << "leases are per pipeline";

  lease->reset();  // the run ends
  EXPECT_TRUE(second->acquire_lease("orders"));
}

TEST(CursorCodecTest, RoundTripsEveryKind) {
  const std::vector<p::CursorValue> values = {
      p::CursorValue(std::in_place_index<p::cursor_kind::kInt64>, INT64_MIN),
      p::CursorValue(std::in_place_index<p::cursor_kind::kFloat64>, 0.1),
      p::CursorValue(std::in_place_index<p::cursor_kind::kText>, std::string("a\"b\\c ✓")),
      p::CursorValue(std::in_place_index<p::cursor_kind::kTimestampMicros>, int64_t{42}),
      p::CursorValue(std::in_place_index<p::cursor_kind::kDateDays>, int32_t{-1}),
      p::CursorValue(std::in_place_index<p::cursor_kind::kLsn>, UINT64_MAX),
      p::CursorValue(std::in_place_index<p::cursor_kind::kBytes>,
                     std::vector<uint8_t>{0, 0xAB, 0xFF}),
  };
  for (const auto& v : values) {
    auto decoded = decode_cursor_value(encode_cursor_value(v));
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(*decoded, v) << encode_cursor_value(v);
  }
  EXPECT_EQ(decode_cursor_value(R"({"type":"int64","value":"12x"})").error(),
            "cursor value '12x' is not an integer");
  EXPECT_EQ(decode_cursor_value(R"({"type":"uuid","value":"1"})").error(),
            "stored cursor has unknown type 'uuid'");
}

TEST_P(StateBackendContract, CompareAndSetIsAtomicUnderConcurrentWriters) {
  auto db = open();
  // Every writer, on a connection of its own, tries to move the counter from
  // the value it read to the next; exactly one succeeds per value, so no
  // increment is lost.
  constexpr int kThreads = 4;
  constexpr int kIncrements = 100;
  std::atomic<int> failures{0};
  std::vector<std::unique_ptr<StateBackend>> writers;
  for (int t = 0; t < kThreads; ++t) writers.push_back(open());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StateBackend* db = writers[t].get();
      for (int done = 0; done < kIncrements;) {
        auto current = db->get("counter");
        ASSERT_TRUE(current);
        const int value = *current ? std::stoi(**current) : 0;
        auto swapped = db->compare_and_set("counter", *current, std::to_string(value + 1));
        ASSERT_TRUE(swapped);
        if (*swapped) {
          ++done;
        } else {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(db->get("counter").value(), std::to_string(kThreads * kIncrements));
}

TEST_P(StateBackendContract, CompareAndSetFromAbsent) {
  auto db = open();
  EXPECT_TRUE(db->compare_and_set("k", std::nullopt, "a").value());
  EXPECT_FALSE(db->compare_and_set("k", std::nullopt, "b").value());
  EXPECT_FALSE(db->compare_and_set("k", std::string("x"), "b").value());
  EXPECT_TRUE(db->compare_and_set("k", std::string("a"), "b").value());
  EXPECT_EQ(db->get("k").value(), "b");
}

TEST_P(StateBackendContract, StoresDeadLetters) {
  auto db = open();
  p::DlqRecord r{"s", R"({"id":1})", {}};
  r.error.code = "BAD";
  r.error.message = "bad row";
  ASSERT_TRUE(db->add_dead_letters({{"p", 1, r}, {"p", 1, r}, {"other", 1, r}}));
  EXPECT_EQ(db->dead_letter_count({"p"}).value(), 2u);
}

TEST_P(StateBackendContract, ReadsAndPurgesDeadLettersByStream) {
  auto db = open();
  p::DlqRecord a{"public.a", R"({"id":1})", {}};
  a.error.code = "NOT_NULL";
  a.error.category = p::ErrorCategory::kData;
  a.error.message = "id is null";
  p::DlqRecord b{"public.b", R"({"id":2})", {}};
  b.error.category = p::ErrorCategory::kSchema;
  ASSERT_TRUE(db->add_dead_letters({{"p", 7, a}, {"p", 8, b}, {"p", 8, a}, {"q", 1, a}}));
  EXPECT_EQ(db->dead_letter_count({"p", "public.a"}).value(), 2u);
  auto all = db->dead_letters({"p"}, 0, 100);
  ASSERT_TRUE(all) << all.error();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].record, a);
  EXPECT_EQ((*all)[0].run_id, 7);
  EXPECT_EQ((*all)[0].pipeline, "p");
  EXPECT_EQ((*all)[1].record, b);
  EXPECT_LT((*all)[0].id, (*all)[1].id);
  EXPECT_FALSE((*all)[2].created_at.empty());
  // Paged by id.
  auto page = db->dead_letters({"p"}, (*all)[0].id, 1);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, (*all)[1].id);
  EXPECT_EQ(db->dead_letters({"p", "public.b"}, 0, 100).value().size(), 1u);
  EXPECT_EQ(db->purge_dead_letters({"p", "public.a"}).value(), 2u);
  EXPECT_EQ(db->dead_letter_count({"p"}).value(), 1u);
  EXPECT_EQ(db->purge_dead_letters({"p"}).value(), 1u);
  EXPECT_EQ(db->dead_letter_count({"q"}).value(), 1u);
}

// What the engine and a stage make of each kind of state failure.
TEST(StateError, KindDecidesExitCodeAndRetry) {
  const auto unavailable = StateError::unavailable("state database x: locked");
  EXPECT_EQ(engine_error(unavailable).kind, EngineError::Kind::kState);
  const p::ConnectorError retried = connector_error(unavailable);
  EXPECT_EQ(retried.code, "STATE");
  EXPECT_EQ(retried.message, "state database x: locked");
  EXPECT_TRUE(retried.retryable);
  EXPECT_EQ(retried.backoff_class, p::BackoffClass::kSlow);

  const auto unusable = StateError::unusable("state database x: stream 's': bad cursor");
  EXPECT_EQ(engine_error(unusable).kind, EngineError::Kind::kState);
  EXPECT_EQ(connector_error(unusable).code, "STATE");
  EXPECT_FALSE(connector_error(unusable).retryable);

  const auto held = StateError::lease_held("pipeline 'p' is already running (pid 1)");
  EXPECT_EQ(engine_error(held).kind, EngineError::Kind::kBusy);
  EXPECT_EQ(engine_error(held).message, "pipeline 'p' is already running (pid 1)");
  EXPECT_EQ(connector_error(held).code, "RUNNING");
  EXPECT_FALSE(connector_error(held).retryable);
}

}  // namespace
}  // namespace rapidbyte::engine
