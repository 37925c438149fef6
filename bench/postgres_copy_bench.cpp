// COPY BINARY OUT of 1M rows of a 14-column, ~500 B/row table, decoded
// into Arrow record batches by the portable PostgreSQL client — natively
// (plain socket) and inside wasmtime (test-postgres-client over host TCP) —
// against `psql -c "COPY ... TO STDOUT (FORMAT binary)" > /dev/null` on the
// same table, same server, same run. Every measure is the best of kRuns.
// Prints the times and the ratios (target: wasm decode-to-Arrow within 1.5x
// of psql's raw COPY).
//
// Starts its own PostgreSQL 15 cluster (tests/support); loading the table
// takes a while. Usage: postgres_copy_bench [rows]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/null_host_services.hpp"
#include "host/runtime/connector_instance.hpp"
#include "host/runtime/wasm_engine.hpp"
#include "portable/postgres/arrow_batch_builder.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"
#include "tests/support/libpq_session.hpp"
#include "tests/support/postgres_cluster.hpp"
#include "tests/support/socket_transport.hpp"

namespace {

using namespace rapidbyte;
using Clock = std::chrono::steady_clock;

constexpr int kRuns = 3;
constexpr int64_t kBatchRows = 8192;

constexpr const char* kCreate = R"sql(
CREATE TABLE bench_rows (
  id int8, small int2, qty int4, amount int8, price float8, total numeric(14,2), active bool,
  day date, created timestamp, updated timestamptz, ref uuid, title varchar(64), body text,
  note text);
)sql";

// ~500 bytes per row in the binary COPY stream.
std::string load_sql(int64_t rows) {
  return "INSERT INTO bench_rows SELECT g, (g % 30000)::int2, (g % 1000)::int4, g * 7, g / 3.0, "
         "((g % 10000000) / 100.0)::numeric(14,2), g % 2 = 0, date '2000-01-01' + (g % "
         "10000)::int, "
         "timestamp '2020-01-01' + g * interval '1 second', "
         "timestamptz '2020-01-01 00:00:00+00' + g * interval '1 minute', md5(g::text)::uuid, "
         "left(md5(g::text) || md5((g + 1)::text), 48), repeat(md5(g::text), 6), "
         "left(repeat(md5((g * 3)::text), 4), 120) FROM generate_series(1, " +
         std::to_string(rows) + ") g";
}

using NullServices = bench::NullHostServices;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "postgres_copy_bench: %s\n", message.c_str());
  std::exit(1);
}

template <class F>
double best_of(F&& run) {
  double best = 1e30;
  for (int i = 0; i < kRuns; ++i) best = std::min(best, run());
  return best;
}

double time_psql(const test::PostgresCluster& cluster) {
  const std::string command = "psql -X -q -h 127.0.0.1 -p " + std::to_string(cluster.port()) +
                              " -U postgres -d postgres -c \"COPY bench_rows TO STDOUT (FORMAT "
                              "binary)\" > /dev/null";
  const auto start = Clock::now();
  if (std::system(command.c_str()) != 0) die("psql failed");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The native client: connect, read the columns, COPY out into Arrow.
double time_native(const test::PostgresCluster& cluster, int64_t expected_rows, uint64_t* bytes) {
  const auto start = Clock::now();
  auto transport = test::SocketTransport::connect(test::PostgresCluster::kHost, cluster.port());
  if (!transport) die(transport.error().to_string());
  postgres::ConnectOptions options;
  options.user = "postgres";
  auto c = postgres::Connection::connect(std::move(*transport), options);
  if (!c) die(c.error().to_string());
  std::vector<postgres::FieldDescription> fields;
  postgres::RowSink sink{
      [&](const std::vector<postgres::FieldDescription>& f) -> postgres::Result<void> {
        fields = f;
        return {};
      },
      nullptr};
  if (auto r = c->query("SELECT * FROM bench_rows LIMIT 0", {}, sink); !r) {
    die(r.error().to_string());
  }
  auto builder = postgres::ArrowBatchBuilder::make(fields);
  if (!builder) die(builder.error().to_string());
  int64_t rows = 0;
  *bytes = 0;
  postgres::CopyBinaryDecoder decoder(std::move(*builder), kBatchRows,
                                      [&](arrow::RecordBatch batch) -> postgres::Result<void> {
                                        rows += batch.num_rows();
                                        return {};
                                      });
  auto copied = c->copy_out_chunks("COPY bench_rows TO STDOUT (FORMAT binary)",
                                   [&](std::span<const std::span<const uint8_t>> chunks) {
                                     for (std::span<const uint8_t> chunk : chunks)
                                       *bytes += chunk.size();
                                     return decoder.feed(chunks);
                                   });
  if (!copied) die(copied.error().to_string());
  if (auto f = decoder.finish(); !f) die(f.error().to_string());
  if (rows != expected_rows) die("native: wrong row count");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The same inside wasmtime: instantiate (module compiled beforehand), then
// time open + run.
double time_wasm(runtime::WasmEngine& engine,
                 const std::shared_ptr<const runtime::ConnectorModule>& module,
                 const test::PostgresCluster& cluster, int64_t expected_rows) {
  NullServices services;
  runtime::SandboxPolicy policy;
  policy.allowed_hosts = {test::PostgresCluster::kHost};
  policy.memory_limit_bytes = 1ull << 30;
  auto instance = runtime::ConnectorInstance::create(engine, module, &services, policy);
  if (!instance) die(instance.error().message);
  const std::string config =
      R"({"scenario": "copy", "host": "127.0.0.1", "port": )" + std::to_string(cluster.port()) +
      R"(, "user": "postgres", "source_table": "bench_rows", "batch_rows": )" +
      std::to_string(kBatchRows) + "}";
  const auto start = Clock::now();
  if (auto opened = (*instance)->open(config); !opened) die(opened.error().message);
  auto summary = (*instance)->run(protocol::RunRequest{});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!summary) die("wasm: " + summary.error().message);
  if (!summary->read || summary->read->records != static_cast<uint64_t>(expected_rows)) {
    die("wasm: wrong row count");
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  test::PostgresClusterOptions options;
  options.hba_lines = {"host all all 127.0.0.1/32 trust"};
  options.settings = {{"shared_buffers", "'1GB'"}};
  test::PostgresCluster cluster(options);
  std::printf("loading %lld rows...\n", static_cast<long long>(rows));
  cluster.exec(std::string(kCreate) + load_sql(rows));
  cluster.exec("VACUUM ANALYZE bench_rows");

  auto engine = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!engine) die(engine.error());
  auto module = (*engine)->load(std::filesystem::path(RAPIDBYTE_TEST_GUEST_DIR) /
                                "test-postgres-client.wasm");
  if (!module) die(module.error());

  uint64_t copy_bytes = 0;
  time_native(cluster, rows, &copy_bytes);  // warm-up: table in shared buffers
  const double psql = best_of([&] { return time_psql(cluster); });
  const double native = best_of([&] { return time_native(cluster, rows, &copy_bytes); });
  const double wasm = best_of([&] { return time_wasm(**engine, *module, cluster, rows); });

  const double mb = static_cast<double>(copy_bytes) / 1e6;
  std::printf("table: %lld rows, 14 columns, %.0f MB of binary COPY data (%.0f B/row)\n",
              static_cast<long long>(rows), mb, static_cast<double>(copy_bytes) / rows);
  std::printf("best of %d runs:\n", kRuns);
  std::printf("  psql COPY (FORMAT binary) > /dev/null : %.3f s  %7.0f MB/s\n", psql, mb / psql);
  std::printf("  native client, decode to Arrow        : %.3f s  %7.0f MB/s\n", native,
              mb / native);
  std::printf("  wasm client, decode to Arrow          : %.3f s  %7.0f MB/s\n", wasm, mb / wasm);
  std::printf(
      "ratios (time): native/psql %.2fx, wasm/psql %.2fx (target <= 1.5x), "
      "wasm/native %.2fx\n",
      native / psql, wasm / psql, wasm / native);
  return 0;
}
