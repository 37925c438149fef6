// dest-file and source-file on an S3-compatible bucket (path:
// s3://bucket/prefix) through the engine, against a real server (versitygw,
// scripts/throwaway-s3.sh) and the cluster: PostgreSQL -> Parquet objects
// -> PostgreSQL for every type, our objects as pyarrow's S3 file system and
// DuckDB's httpfs read them and pyarrow's objects read in, replace through
// a manifest, partitioned reads, incremental reads of new and replaced
// objects only, runs killed mid-upload, a stalled and a throttling server, credentials from the
// environment, and refused credentials reported without the secret.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>

#include "tests/connectors/connector_environment.hpp"
#include "tests/connectors/lake_readers.hpp"
#include "tests/connectors/parquet_rows.hpp"
#include "tests/s3/throwaway_s3_server.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace rapidbyte::test {
namespace {

class ObjectStorageTest : public PgConnectorTest {
 protected:
  // One server for the suite; its address and keys in the environment,
  // where pyarrow (and connectors granted AWS_*) find them.
  static void SetUpTestSuite() {
    PgConnectorTest::SetUpTestSuite();
    server_ = std::make_unique<ThrowawayS3Server>();
    setenv("S3_ENDPOINT", server_->endpoint().c_str(), 1);
    setenv("AWS_ACCESS_KEY_ID", server_->access_key_id().c_str(), 1);
    setenv("AWS_SECRET_ACCESS_KEY", server_->secret_access_key().c_str(), 1);
    s3::S3Client client = server_->client();
    ASSERT_TRUE(client.create_bucket("lake"));
  }
  static void TearDownTestSuite() {
    unsetenv("S3_ENDPOINT");
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    server_.reset();
    PgConnectorTest::TearDownTestSuite();
  }

  // Where a pipeline's file connector reads or writes: s3://lake/<prefix>
  // on `endpoint` (the suite's server when empty), with `config_extra`
  // appended to its config.
  struct Bucket {
    std::string prefix;
    std::string config_extra;
    std::string endpoint;

    std::string config() const {
      return "{path: 's3://lake/" + prefix + "', endpoint: '" +
             (endpoint.empty() ? server_->endpoint() : endpoint) + "'" + config_extra + "}";
    }
  };

  // source-file at `bucket` -> PostgreSQL (rb_dst); `resources` is appended
  // to the resources.
  static std::string from_bucket(const std::string& name, const Bucket& bucket,
                                 const std::string& streams, const std::string& write_mode,
                                 const std::string& resources = {}) {
    return "pipeline: " + name + "\nsource:\n  use: source-file\n  config: " + bucket.config() +
           "\n  streams: [" + streams +
           "]\ndestination:\n  use: postgres\n  config: " + pg_config(kDestDb) +
           "\n  write_mode: " + write_mode + "\nresources: {max_retries: 0" + resources + "}\n";
  }

  // PostgreSQL (rb_src) -> dest-file at `bucket`.
  static std::string to_bucket(const std::string& name, const Bucket& bucket,
                               const std::string& streams, const std::string& write_mode,
                               const std::string& resources = {}) {
    return "pipeline: " + name + "\nsource:\n  use: postgres\n  config: " + pg_config(kSourceDb) +
           "\n  streams: [" + streams +
           "]\ndestination:\n  use: dest-file\n  config: " + bucket.config() +
           "\n  write_mode: " + write_mode + "\nresources: {max_retries: 0" + resources + "}\n";
  }

  // The keys under `prefix` in bucket "lake".
  static std::vector<std::string> keys(const std::string& prefix) {
    s3::S3Client client = server_->client();
    auto listed = client.list_objects("lake", prefix);
    EXPECT_TRUE(listed) << listed.error().message;
    std::vector<std::string> out;
    if (listed) {
      for (const s3::ListedObject& object : *listed) out.push_back(object.key);
    }
    return out;
  }

  // Every row a reader of the stream at `prefix` sees (the generation its
  // manifest names, when it has one; hidden names skipped), as JSON lines.
  static std::multiset<std::string> bucket_rows(const std::string& prefix) {
    s3::S3Client client = server_->client();
    std::string listed = prefix;
    if (auto manifest = client.get_object("lake", prefix + "_manifest.json")) {
      const std::string text(manifest->begin(), manifest->end());
      const size_t at = text.find("\"generation\": \"") + 15;
      listed += text.substr(at, text.find('"', at) - at) + "/";
    }
    std::multiset<std::string> rows;
    for (const std::string& key : keys(listed)) {
      const std::string relative = key.substr(listed.size());
      if (relative.starts_with('_') || relative.starts_with('.') ||
          relative.find("/_") != std::string::npos || relative.find("/.") != std::string::npos) {
        continue;
      }
      auto bytes = client.get_object("lake", key);
      EXPECT_TRUE(bytes) << key << ": " << bytes.error().message;
      if (bytes) add_parquet_rows(key, *bytes, rows);
    }
    return rows;
  }

  // `table` with `rows` rows of about 420 bytes of text that compresses
  // poorly, and a cursor column (`seen`) with 300 rows to a value.
  static void create_payload_table(LibpqSession& db, const std::string& table, int rows) {
    db.exec("CREATE TABLE " + table + " (id bigint, payload text, seen int); INSERT INTO " + table +
            " SELECT g, (SELECT string_agg(md5(g::text || i), '') FROM generate_series(1, 12) i), "
            "g / 300 FROM generate_series(1, " +
            std::to_string(rows) + ") g");
  }

  // Multipart uploads under `prefix` neither completed nor aborted.
  static size_t pending_uploads(const std::string& prefix) {
    s3::S3Client client = server_->client();
    auto pending = client.pending_uploads("lake", prefix);
    EXPECT_TRUE(pending) << pending.error().message;
    return pending ? pending->size() : 0;
  }

  static std::unique_ptr<ThrowawayS3Server> server_;
};

std::unique_ptr<ThrowawayS3Server> ObjectStorageTest::server_;

TEST_F(ObjectStorageTest, EveryTypeRoundTripsThroughABucketAndPyarrowAndDuckDbReadIt) {
  auto s = src();
  create_all_types_table(s, "s3_types");
  auto out = run_pipeline(to_bucket("s3_types_out", {"types"}, "{name: s3_types}", "replace"),
                          "s3_types_out");
  ASSERT_TRUE(out.succeeded()) << out.first_error();
  auto in = run_pipeline(
      from_bucket("s3_types_in", {"types"}, "{name: s3_types, primary_key: [id]}", "replace"),
      "s3_types_in");
  ASSERT_TRUE(in.succeeded()) << in.first_error();
  EXPECT_EQ(in.records(), 4u);
  auto d = dst();
  expect_same_all_types(s, d, "s3_types");
  const std::string types = lake_readers({"s3-types", "lake/types/s3_types"});
  EXPECT_TRUE(types.starts_with("id: int32\nb: bool\n")) << types;
  EXPECT_NE(types.find("u: extension<arrow.uuid>\n"), std::string::npos) << types;
  EXPECT_TRUE(types.ends_with("rows: 4\n")) << types;
  // DuckDB's httpfs reads them too: its text of the columns whose text
  // PostgreSQL spells alike.
  const std::vector<std::string> columns = {"i2", "i4", "i8", "n", "nsmall", "t", "vc", "u"};
  std::vector<std::string> args = {"text", "lake/types/s3_types"};
  args.insert(args.end(), columns.begin(), columns.end());
  EXPECT_EQ(lake_duckdb_s3(args), postgres_text_of(s, "s3_types", columns));
}

// Replace: a new generation, then the manifest that names it, then the old
// generation gone; a replace after appends removes what they wrote, and an
// append after a replace adds to the manifest's generation.
TEST_F(ObjectStorageTest, ReplacePublishesANewGenerationThroughTheManifest) {
  auto s = src();
  s.exec(
      "CREATE TABLE s3_gen (id bigint, v text); INSERT INTO s3_gen SELECT g, 'one' FROM "
      "generate_series(1, 1000) g");
  const std::string prefix = "gen/s3_gen/";
  auto append = run_pipeline(to_bucket("s3_gen_append", {"gen"}, "{name: s3_gen}", "append"),
                             "s3_gen_append");
  ASSERT_TRUE(append.succeeded()) << append.first_error();
  EXPECT_EQ(bucket_rows(prefix).size(), 1000u);

  s.exec("UPDATE s3_gen SET v = 'two'");
  for (int run = 0; run < 2; ++run) {
    auto replace = run_pipeline(to_bucket("s3_gen_replace", {"gen"}, "{name: s3_gen}", "replace"),
                                "s3_gen_replace");
    ASSERT_TRUE(replace.succeeded()) << replace.first_error();
  }
  std::set<std::string> generations;
  for (const std::string& key : keys(prefix)) {
    const std::string relative = key.substr(prefix.size());
    if (relative == "_manifest.json") continue;
    ASSERT_TRUE(relative.starts_with("gen-")) << key;
    generations.insert(relative.substr(0, relative.find('/')));
  }
  EXPECT_EQ(generations.size(), 1u);
  const std::multiset<std::string> replaced = bucket_rows(prefix);
  EXPECT_EQ(replaced.size(), 1000u);
  EXPECT_EQ(std::count_if(replaced.begin(), replaced.end(),
                          [](const std::string& row) {
                            return row.find("\"v\":\"two\"") != std::string::npos;
                          }),
            1000);

  auto again = run_pipeline(to_bucket("s3_gen_append", {"gen"}, "{name: s3_gen}", "append"),
                            "s3_gen_append");
  ASSERT_TRUE(again.succeeded()) << again.first_error();
  EXPECT_EQ(bucket_rows(prefix).size(), 2000u);
  auto in =
      run_pipeline(from_bucket("s3_gen_in", {"gen"}, "{name: s3_gen}", "replace"), "s3_gen_in");
  ASSERT_TRUE(in.succeeded()) << in.first_error();
  EXPECT_EQ(dst().value("SELECT count(*) || ' ' || count(DISTINCT id) FROM s3_gen"), "2000 1000");
  EXPECT_EQ(pending_uploads(prefix), 0u);
}

TEST_F(ObjectStorageTest, PyarrowsDatasetInABucketReadsIn) {
  EXPECT_EQ(lake_readers({"s3-write-dataset", "lake/pyarrow/s3_measures"}),
            "rows: 1000\nsum(id): 499500\nsum(amount): 642643.5\n");
  auto report = run_pipeline(
      from_bucket("s3_measures_in", {"pyarrow"}, "{name: s3_measures}", "replace"), "s3_measures");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) || ' ' || sum(id) || ' ' || sum(amount) || ' ' || "
                    "count(amount) || ' ' || string_agg(DISTINCT region, ',' ORDER BY region) "
                    "FROM s3_measures"),
            "1000 499500 642643.5 857 ap,eu,us");
  EXPECT_EQ(d.value("SELECT count(*) FROM s3_measures WHERE label <> 'label-' || (id % 13)"), "0");
}

// Incremental: each run reads the objects that are new, or replaced (a new
// ETag under a key read before), exactly once.
TEST_F(ObjectStorageTest, IncrementalReadsTakeNewAndReplacedObjectsOnly) {
  const std::string dir = "lake/arrivals/s3_arrivals/";
  lake_readers({"s3-write-file", dir + "b.parquet", "1", "3000"});
  lake_readers({"s3-write-file", dir + "_hidden.parquet", "900001", "10"});
  const std::string in =
      from_bucket("s3_arrivals_in", {"arrivals"}, "{name: s3_arrivals, sync_mode: incremental}",
                  "append", ", checkpoint_interval_rows: 1000");
  auto first = run_pipeline(in, "s3_arrivals");
  ASSERT_TRUE(first.succeeded()) << first.first_error();
  EXPECT_EQ(first.records(), 3000u);

  // A key before the one read (no order of keys or times is assumed), and
  // the object read replaced with other rows.
  lake_readers({"s3-write-file", dir + "a.parquet", "3001", "500"});
  lake_readers({"s3-write-file", dir + "b.parquet", "5001", "200"});
  auto second = run_pipeline(in, "s3_arrivals");
  ASSERT_TRUE(second.succeeded()) << second.first_error();
  EXPECT_EQ(second.records(), 700u);
  auto third = run_pipeline(in, "s3_arrivals");
  ASSERT_TRUE(third.succeeded()) << third.first_error();
  EXPECT_EQ(third.records(), 0u);

  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || min(id) || ' ' || "
                    "max(id) FROM s3_arrivals"),
            "3700 3700 1 5200");
  EXPECT_EQ(d.value("SELECT count(*) FROM s3_arrivals WHERE label <> 'label-' || id"), "0");
}

// The server killed (SIGKILL) and started again while a replace uploads
// its file in parts: the run retries or fails, a rerun ends it, and the
// stream holds exactly the source's rows with no upload left pending.
TEST_F(ObjectStorageTest, ServerKilledMidUploadLeavesNoPartsAfterTheRerun) {
  TempDir work("s3restart");
  auto s = src();
  create_payload_table(s, "s3_restart", 50000);  // about 20 MB: four parts
  const std::filesystem::path pipeline = work / "pipeline.yaml";
  const std::string yaml =
      to_bucket("s3_restart", {"restart", ", compression: none, upload_part_bytes: 5242880"},
                "{name: s3_restart}", "replace");
  std::ofstream(pipeline) << yaml << "state: {connection: " << (work / "state.db").string()
                          << "}\n";
  const std::string prefix = "restart/s3_restart/";

  const pid_t pid = start_run(pipeline);
  ASSERT_GT(pid, 0);
  bool uploading = false;
  std::optional<int> code;
  while (!uploading && !(code = wait_exit_code_for(pid, std::chrono::milliseconds(5)))) {
    uploading = pending_uploads(prefix) > 0;
  }
  ASSERT_TRUE(uploading) << "the run ended (" << code.value_or(-1)
                         << ") before its first part was stored";
  server_->restart();
  const int first = wait_exit_code(pid);
  RecordProperty("first_run_exit", first);
  const pid_t rerun = start_run(pipeline);
  ASSERT_GT(rerun, 0);
  ASSERT_EQ(wait_exit_code(rerun), 0);

  EXPECT_EQ(pending_uploads(prefix), 0u);
  const std::multiset<std::string> written = bucket_rows(prefix);
  EXPECT_EQ(written.size(), 50000u);
  EXPECT_TRUE(written == payload_table_rows(s, "s3_restart"));
}

// A server that stops answering in the middle of a part: every attempt of
// the client waits the network timeout on a new connection, the run fails
// with a network error, and a rerun against the server is exact with no
// upload left pending.
TEST_F(ObjectStorageTest, AStalledServerTimesOutAndTheRerunIsExact) {
  auto s = src();
  create_payload_table(s, "s3_stall", 20000);
  FaultProxy proxy(server_->port());
  proxy.arm(FaultProxy::Fault::kStall, 2'000'000, 100);  // every connection, 2 MB in
  const auto through = [&](const std::string& endpoint) {
    return to_bucket(
        "s3_stall",
        {"stall", ", connect_timeout_ms: 1000, compression: none, upload_part_bytes: 5242880",
         endpoint},
        "{name: s3_stall}", "replace", ", network_timeout_seconds: 1");
  };
  auto stalled =
      run_pipeline(through("http://127.0.0.1:" + std::to_string(proxy.port())), "s3_stall");
  ASSERT_FALSE(stalled.succeeded());
  EXPECT_GE(proxy.fired(), 2) << "the client tries again on a new connection";
  const protocol::ConnectorError* error = stalled.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, protocol::ErrorCategory::kTransientNetwork) << error->message;
  EXPECT_NE(error->message.find("timed out"), std::string::npos) << error->message;

  auto rerun = run_pipeline(through(server_->endpoint()), "s3_stall");
  ASSERT_TRUE(rerun.succeeded()) << rerun.first_error();
  EXPECT_EQ(pending_uploads("stall/s3_stall/"), 0u);
  EXPECT_TRUE(bucket_rows("stall/s3_stall/") == payload_table_rows(s, "s3_stall"));
}

// A partitioned read (three slices of the table's pages, two at once) into
// a bucket: replace publishes the plan's generation through the manifest;
// append moves the slices' objects into the stream once every slice is
// written (into the manifest's generation after a replace); nothing is left
// staged or pending.
TEST_F(ObjectStorageTest, PartitionedReadsPublishEverySliceAtOnce) {
  auto s = src();
  create_payload_table(s, "s3_sliced", 20000);
  const std::multiset<std::string> source = payload_table_rows(s, "s3_sliced");
  std::multiset<std::string> twice = source;
  twice.insert(source.begin(), source.end());
  const auto sliced = [&](const std::string& prefix, const std::string& mode) {
    auto run = run_pipeline(to_bucket("s3_sliced", {prefix}, "{name: s3_sliced, partitions: 3}",
                                      mode, ", parallelism: 2"),
                            "s3_sliced");
    EXPECT_TRUE(run.succeeded()) << run.first_error();
    EXPECT_EQ(run.records(), 20000u);
    EXPECT_EQ(pending_uploads(prefix + "/"), 0u);
    EXPECT_EQ(keys(prefix + "/.rapidbyte/"), std::vector<std::string>{});
  };
  sliced("sliced", "replace");
  EXPECT_TRUE(bucket_rows("sliced/s3_sliced/") == source);
  sliced("sliced", "append");
  EXPECT_TRUE(bucket_rows("sliced/s3_sliced/") == twice);
  for (const std::string& key : keys("sliced/s3_sliced/")) {
    EXPECT_TRUE(key.starts_with("sliced/s3_sliced/gen-p") || key.ends_with("/_manifest.json"))
        << key;
  }
  // Appends alone: the objects right under the stream.
  sliced("sliced_append", "append");
  sliced("sliced_append", "append");
  EXPECT_TRUE(bucket_rows("sliced_append/s3_sliced/") == twice);
  for (const std::string& key : keys("sliced_append/s3_sliced/")) {
    EXPECT_TRUE(key.starts_with("sliced_append/s3_sliced/part-p")) << key;
  }
}

// An object replaced while source-file reads it (a 10 MB Parquet object of
// 1 MB row groups: its footer, then 8 MiB at a time): every read asks for
// the version listed, so the run fails with an error that says the object
// changed instead of mixing two versions, and the rerun reads the new
// object whole.
TEST_F(ObjectStorageTest, AnObjectReplacedWhileReadFailsTheRunAndIsReadAgainWhole) {
  auto s = src();
  create_payload_table(s, "s3_moving", 25000);
  auto out = run_pipeline(
      to_bucket("s3_moving_out", {"moving", ", compression: none, row_group_bytes: 1000000"},
                "{name: s3_moving}", "append"),
      "s3_moving_out");
  ASSERT_TRUE(out.succeeded()) << out.first_error();
  const std::vector<std::string> objects = keys("moving/s3_moving/");
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(lake_readers({"s3-write-file", "lake/moving_next/part.parquet", "1", "10"}),
            "rows: 10\n");

  FaultProxy proxy(server_->port());
  proxy.on_bytes(200'000, [&] {
    s3::S3Client client = server_->client();
    auto replaced = client.copy_object("lake", "moving_next/part.parquet", objects[0]);
    EXPECT_TRUE(replaced) << replaced.error().message;
  });
  const auto from = [&](const std::string& endpoint) {
    return from_bucket("s3_moving_in", {"moving", "", endpoint}, "{name: s3_moving}", "replace");
  };
  auto moved =
      run_pipeline(from("http://127.0.0.1:" + std::to_string(proxy.port())), "s3_moving_in");
  ASSERT_FALSE(moved.succeeded());
  EXPECT_EQ(proxy.fired(), 1);
  const protocol::ConnectorError* error = moved.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, protocol::ErrorCategory::kTransientDb) << error->message;
  EXPECT_NE(error->message.find("s3://lake/" + objects[0] + " changed while it was read"),
            std::string::npos)
      << error->message;

  auto rerun = run_pipeline(from(server_->endpoint()), "s3_moving_in");
  ASSERT_TRUE(rerun.succeeded()) << rerun.first_error();
  EXPECT_EQ(rerun.records(), 10u);
  auto d = dst();
  EXPECT_EQ(d.value("SELECT count(*) || ' ' || sum(id) FROM s3_moving"), "10 55");
}

// What S3 answers a client it throttles.
std::string slow_down_answer() {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
      "<Message>Please reduce your request rate.</Message></Error>";
  return "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// A throttling server: 503 SlowDown answers the run's first request twice
// in a row and a request in the middle of its upload; the client waits and
// tries again, and the run is exact. Throttled past the client's attempts,
// the run fails with a rate-limit error that names the throttling, and the
// rerun is exact with no upload left pending.
TEST_F(ObjectStorageTest, ThrottledRequestsAreTriedAgainAndTheRunIsExact) {
  auto s = src();
  create_payload_table(s, "s3_throttle", 20000);
  FaultProxy proxy(server_->port());
  const auto through = [&](const std::string& endpoint) {
    return to_bucket("s3_throttle",
                     {"throttle", ", compression: none, upload_part_bytes: 5242880", endpoint},
                     "{name: s3_throttle}", "replace");
  };
  const std::string proxied = "http://127.0.0.1:" + std::to_string(proxy.port());
  proxy.answer(slow_down_answer(), 0, 2);
  proxy.answer(slow_down_answer(), 3'000'000);
  auto throttled = run_pipeline(through(proxied), "s3_throttle");
  ASSERT_TRUE(throttled.succeeded()) << throttled.first_error();
  EXPECT_EQ(proxy.fired(), 3);
  EXPECT_EQ(pending_uploads("throttle/s3_throttle/"), 0u);
  EXPECT_TRUE(bucket_rows("throttle/s3_throttle/") == payload_table_rows(s, "s3_throttle"));

  s.exec("INSERT INTO s3_throttle SELECT g, 'more', 0 FROM generate_series(20001, 20100) g");
  proxy.answer(slow_down_answer(), 0, 5);  // every attempt of the client
  auto refused = run_pipeline(through(proxied), "s3_throttle");
  ASSERT_FALSE(refused.succeeded());
  EXPECT_EQ(proxy.fired(), 8);
  const protocol::ConnectorError* error = refused.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, protocol::ErrorCategory::kRateLimit) << error->message;
  EXPECT_NE(error->message.find("HTTP 503 SlowDown: Please reduce your request rate. (after 5 "
                                "attempts)"),
            std::string::npos)
      << error->message;

  auto rerun = run_pipeline(through(proxied), "s3_throttle");
  ASSERT_TRUE(rerun.succeeded()) << rerun.first_error();
  EXPECT_EQ(pending_uploads("throttle/s3_throttle/"), 0u);
  EXPECT_TRUE(bucket_rows("throttle/s3_throttle/") == payload_table_rows(s, "s3_throttle"));
}

// An https endpoint: the host's TLS, verified against the CA the config
// names (the server's self-signed certificate); without it, the
// certificate is refused and nothing is written.
TEST_F(ObjectStorageTest, HttpsEndpointsAreVerifiedAgainstTheConfiguredCa) {
  ThrowawayS3Server secure(/*tls=*/true);
  secure.create_bucket_directory("lake");
  auto s = src();
  s.exec(
      "CREATE TABLE s3_tls (id bigint, v text); INSERT INTO s3_tls SELECT g, md5(g::text) "
      "FROM generate_series(1, 5000) g");
  const auto over_tls = [&](const std::string& extra) {
    return Bucket{"tls",
                  ", access_key_id: '" + secure.access_key_id() + "', secret_access_key: '" +
                      secure.secret_access_key() + "'" + extra,
                  secure.endpoint()};
  };
  const std::string trusted = ", ca_file: '" + secure.ca_file() + "'";
  auto refused = run_pipeline(to_bucket("s3_tls_out", over_tls(""), "{name: s3_tls}", "replace"),
                              "s3_tls_out");
  ASSERT_FALSE(refused.succeeded());
  const protocol::ConnectorError* error = refused.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, protocol::ErrorCategory::kConfig);
  EXPECT_EQ(error->code, "TLS_VERIFY");
  EXPECT_EQ(error->message,
            "S3 GET s3://lake/: server certificate for '127.0.0.1' could not be verified: "
            "self-signed certificate");

  auto out = run_pipeline(to_bucket("s3_tls_out", over_tls(trusted), "{name: s3_tls}", "replace"),
                          "s3_tls_out");
  ASSERT_TRUE(out.succeeded()) << out.first_error();
  auto in = run_pipeline(from_bucket("s3_tls_in", over_tls(trusted), "{name: s3_tls}", "replace"),
                         "s3_tls_in");
  ASSERT_TRUE(in.succeeded()) << in.first_error();
  EXPECT_EQ(table_digest(s, "s3_tls", "id"), [&] {
    auto d = dst();
    return table_digest(d, "s3_tls", "id");
  }());
}

// Keys the server refuses: an authentication error naming the request,
// never the secret; nothing written.
TEST_F(ObjectStorageTest, RefusedCredentialsAreAClearErrorWithoutTheSecret) {
  lake_readers({"s3-write-file", "lake/refused/s3_refused/a.parquet", "1", "10"});
  const std::string secret = "not-the-secret-4c1f9b";
  auto report =
      run_pipeline(from_bucket("s3_refused_in",
                               {"refused", ", access_key_id: '" + server_->access_key_id() +
                                               "', secret_access_key: '" + secret + "'"},
                               "{name: s3_refused}", "replace"),
                   "s3_refused");
  ASSERT_FALSE(report.succeeded());
  ASSERT_EQ(report.streams.size(), 1u);
  const protocol::ConnectorError* error = report.streams[0].root_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->category, protocol::ErrorCategory::kAuth) << error->message;
  EXPECT_EQ(error->message,
            "S3 GET s3://lake/refused/s3_refused/_manifest.json: HTTP 403 SignatureDoesNotMatch: "
            "The request "
            "signature we calculated does not match the signature you provided. Check your key "
            "and signing method.");
  EXPECT_EQ(report.first_error().find(secret), std::string::npos);
  EXPECT_EQ(dst().value("SELECT count(*) FROM pg_tables WHERE tablename = 's3_refused'"), "0");
}

// Runs killed (SIGKILL at the engine's kill points) while uploading Parquet
// objects, then a run to the end: no upload is left pending and the rows
// readers see are exactly the source's (a replace, an incremental append
// by a cursor whose values repeat) or whole copies of it (a full refresh's
// append).
struct ObjectKillCase {
  const char* name;
  const char* write_mode;
  bool incremental;
  bool sliced = false;  // read as three slices, two at once
};

class ObjectKillTest : public ObjectStorageTest,
                       public ::testing::WithParamInterface<ObjectKillCase> {};

TEST_P(ObjectKillTest, KilledUploadsLeaveNoPartsAndExactRows) {
  const ObjectKillCase& kill_case = GetParam();
  TempDir work("s3kill");
  const std::string table = std::string("s3_kill_") + kill_case.name;
  auto s = src();
  // About 8 MB: a full refresh's file goes up in parts of 5 MiB.
  create_payload_table(s, table, 20000);
  const std::string streams =
      kill_case.incremental ? "{name: " + table + ", sync_mode: incremental, cursor_field: seen}"
      : kill_case.sliced    ? "{name: " + table + ", partitions: 3}"
                            : "{name: " + table + "}";
  // Uncompressed, in the smallest parts, row groups of 1 MB.
  const Bucket bucket{"kill",
                      ", compression: none, upload_part_bytes: 5242880, row_group_bytes: 1000000"};
  const std::filesystem::path pipeline = work / "pipeline.yaml";
  std::ofstream(pipeline) << to_bucket(table, bucket, streams, kill_case.write_mode,
                                       ", checkpoint_interval_rows: 2000, max_batch_bytes: 65536" +
                                           std::string(kill_case.sliced ? ", parallelism: 2" : ""))
                          << "state: {connection: " << (work / "state.db").string() << "}\n";

  // Batches of 64 KiB: by the 100th, a full refresh's file has sent its
  // first part.
  const char* points[] = {"source-batch:2",      "source-checkpoint:1", "destination-commit:1",
                          "cursor-persisted:1",  "source-batch:100",    "source-batch:120",
                          "source-checkpoint:3", "destination-commit:3"};
  const std::string prefix = "kill/" + table + "/";
  int left_parts = 0;
  EXPECT_GE(run_killed_at(pipeline, {std::begin(points), std::end(points)},
                          [&] { left_parts += pending_uploads(prefix) > 0; }),
            4);
  // A full refresh's single file: killed after its first part, at least once.
  if (!kill_case.incremental && !kill_case.sliced) {
    EXPECT_GE(left_parts, 1);
  }
  RecordProperty("left_parts", left_parts);
  const pid_t last = start_run(pipeline);
  ASSERT_GT(last, 0);
  ASSERT_EQ(wait_exit_code(last), 0);
  EXPECT_EQ(pending_uploads("kill/"), 0u);
  EXPECT_EQ(keys("kill/.rapidbyte/" + table + "/gen-p"), std::vector<std::string>{});
  const std::multiset<std::string> written = bucket_rows(prefix);
  const std::multiset<std::string> source = payload_table_rows(s, table);
  ASSERT_EQ(source.size(), 20000u);
  expect_source_rows(written, source,
                     std::string(kill_case.write_mode) == "append" && !kill_case.incremental);
}

INSTANTIATE_TEST_SUITE_P(Parquet, ObjectKillTest,
                         ::testing::Values(ObjectKillCase{"replace", "replace", false},
                                           ObjectKillCase{"append", "append", false},
                                           ObjectKillCase{"incremental", "append", true},
                                           ObjectKillCase{"sliced_replace", "replace", false, true},
                                           ObjectKillCase{"sliced_append", "append", false, true}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rapidbyte::test
