// transform-sql throughput: a filter + projection with computed columns over
// the 1M-row "event" profile (bench/event_bench_table.hpp), run
//
//   - by transform-sql.wasm in wasmtime, driven directly through the
//     runtime: the host hands it pre-encoded Arrow IPC batches through
//     batch-next and takes its results from batch-emit, so the time is the
//     guest's decode + query + encode plus one copy each way;
//   - by the same engine natively (decode + query + encode), for context;
//   - not at all: transform-passthrough in wasmtime forwards the same
//     batches, the cost of moving them through a sandboxed stage;
//   - by DuckDB (bench/transform_sql_duckdb.py) over the same batches, read
//     by pyarrow from an Arrow IPC file this program writes, on one thread
//     and on all cores, the result materialized as Arrow.
//
// Every figure is the best of `repeat` runs; all sides must return the same
// number of rows. Prints rows/s and the ratios. Target: wasm within 3x of
// DuckDB.
//
//   transform_sql_bench [rows=1000000] [repeat=3] [rows_per_batch=8192]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/event_bench_table.hpp"
#include "bench/null_host_services.hpp"
#include "host/runtime/connector_instance.hpp"
#include "host/runtime/wasm_engine.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/sql/query.hpp"

namespace {

using namespace rapidbyte;
using Clock = std::chrono::steady_clock;

constexpr const char* kQuery =
    "SELECT id, event_id, user_id, event_type, lower(country) AS country, "
    "amount * 100 AS amount_cents, created_at FROM input "
    "WHERE amount > 100 AND event_type <> 'search'";

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

// Serves the batches of one run through batch-next; counts what comes back.
class FeedServices final : public bench::NullHostServices {
 public:
  std::deque<std::vector<uint8_t>> input;
  uint64_t bytes_out = 0;
  runtime::ConnectorResult<void> batch_emit(std::string_view, std::vector<uint8_t> batch) override {
    bytes_out += batch.size();
    return {};
  }
  runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next() override {
    if (input.empty()) return std::nullopt;
    std::vector<uint8_t> next = std::move(input.front());
    input.pop_front();
    return next;
  }
};

struct Result {
  double seconds = 1e9;
  uint64_t rows_out = 0;
};

// Runs the transform `connector` (with `config`) over the batches.
Result run_wasm(runtime::WasmEngine& engine, const std::string& connector,
                const std::string& config, const std::vector<std::vector<uint8_t>>& batches,
                int repeat) {
  auto module = engine.load(std::filesystem::path(RAPIDBYTE_CONNECTOR_DIR) / (connector + ".wasm"));
  if (!module) fail(module.error());
  FeedServices services;
  auto instance = runtime::ConnectorInstance::create(engine, *module, &services, {});
  if (!instance) fail("cannot instantiate " + connector);
  if (auto opened = (*instance)->open(config); !opened) fail(opened.error().message);
  Result best;
  for (int i = 0; i < repeat; ++i) {
    services.input.assign(batches.begin(), batches.end());  // outside the timed part
    protocol::RunRequest request;
    request.phase = protocol::RunPhase::kTransform;
    const auto start = Clock::now();
    auto summary = (*instance)->run(request);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!summary) fail(connector + " failed: " + summary.error().message);
    best.seconds = std::min(best.seconds, seconds);
    best.rows_out = summary->transform->records_out;
  }
  return best;
}

Result run_native(const std::vector<std::vector<uint8_t>>& batches, int repeat) {
  auto query = sql::Query::prepare(kQuery);
  if (!query) fail(sql::describe(query.error(), kQuery));
  Result best;
  std::vector<uint8_t> out;
  std::vector<int> columns;
  for (int i = 0; i < repeat; ++i) {
    uint64_t rows = 0;
    const auto start = Clock::now();
    for (const auto& bytes : batches) {
      // As transform-sql does: decode only the columns the query reads.
      auto reader = arrow::IpcStreamReader::open(bytes);
      if (!reader) fail(reader.error().message);
      if (columns.empty()) {  // every batch has the same schema
        if (auto bound = query->bind(reader->schema()); !bound) fail(bound.error().message);
        columns = query->input_columns();
      }
      if (auto ok = reader->project(columns); !ok) fail(ok.error().message);
      for (;;) {
        auto next = reader->next();
        if (!next) fail(next.error().message);
        if (!*next) break;
        const arrow::RecordBatch& batch = **next;
        auto result = query->execute(batch);
        if (!result) fail(sql::describe(result.error(), kQuery));
        out.clear();
        arrow::IpcStreamWriter writer(result->schema(), std::move(out));
        if (auto ok = writer.write(*result); !ok) fail(ok.error().message);
        out = writer.finish();
        rows += static_cast<uint64_t>(result->num_rows());
      }
    }
    best.seconds =
        std::min(best.seconds, std::chrono::duration<double>(Clock::now() - start).count());
    best.rows_out = rows;
  }
  return best;
}

// DuckDB on one thread and on all cores: {seconds, rows} each.
bool run_duckdb(const std::filesystem::path& file, int repeat, Result& one, Result& all) {
  const std::string command = std::string("python3 ") + RAPIDBYTE_BENCH_DIR +
                              "/transform_sql_duckdb.py " + file.string() + " " +
                              std::to_string(repeat) + " \"" + kQuery + "\"";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  unsigned long long one_rows = 0, all_rows = 0;
  const int n =
      std::fscanf(pipe, "%lf %llu %lf %llu", &one.seconds, &one_rows, &all.seconds, &all_rows);
  const int status = pclose(pipe);
  one.rows_out = one_rows;
  all.rows_out = all_rows;
  return n == 4 && status == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 3;
  const int64_t per_batch = argc > 3 ? std::atoll(argv[3]) : 8192;

  // The batches, each its own IPC stream as the engine passes them, and all
  // of them in one stream written to a file for pyarrow.
  std::vector<std::vector<uint8_t>> batches;
  arrow::IpcStreamWriter all(bench::event_bench_schema());
  uint64_t input_bytes = 0;
  for (int64_t first = 0; first < rows; first += per_batch) {
    const arrow::RecordBatch batch =
        bench::make_event_batch(first, std::min(per_batch, rows - first));
    arrow::IpcStreamWriter one(batch.schema());
    if (auto ok = one.write(batch); !ok) fail(ok.error().message);
    if (auto ok = all.write(batch); !ok) fail(ok.error().message);
    batches.push_back(one.finish());
    input_bytes += batches.back().size();
  }
  const auto file = std::filesystem::temp_directory_path() / "rapidbyte_transform_sql_bench.arrows";
  {
    const std::vector<uint8_t> stream = all.finish();
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(stream.data()),
               static_cast<std::streamsize>(stream.size()));
  }
  std::printf("event profile: %lld rows in %zu batches of %lld rows, %.1f MB of Arrow IPC\n",
              static_cast<long long>(rows), batches.size(), static_cast<long long>(per_batch),
              static_cast<double>(input_bytes) / 1e6);
  std::printf("query: %s\n\n", kQuery);

  auto engine = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!engine) fail("cannot create the wasm engine");
  const Result wasm = run_wasm(**engine, "transform-sql",
                               std::string("{\"query\": \"") + kQuery + "\"}", batches, repeat);
  const Result passthrough = run_wasm(**engine, "transform-passthrough", "{}", batches, repeat);
  const Result native = run_native(batches, repeat);
  Result duck_one, duck_all;
  const bool have_duckdb = run_duckdb(file, repeat, duck_one, duck_all);
  std::filesystem::remove(file);

  auto line = [&](const char* what, const Result& r) {
    std::printf("%-40s %8.3f s %8.2f M rows/s  (%llu rows out)\n", what, r.seconds,
                static_cast<double>(rows) / r.seconds / 1e6,
                static_cast<unsigned long long>(r.rows_out));
  };
  line("transform-sql in wasmtime (IPC in/out)", wasm);
  line("SQL engine native (IPC in/out)", native);
  line("transform-passthrough in wasmtime", passthrough);
  if (!have_duckdb) {
    std::printf("duckdb: not available (pip install duckdb pyarrow)\n");
    return 0;
  }
  line("DuckDB, 1 thread (Arrow in/out)", duck_one);
  line("DuckDB, all cores (Arrow in/out)", duck_all);
  if (wasm.rows_out != native.rows_out || wasm.rows_out != duck_one.rows_out ||
      wasm.rows_out != duck_all.rows_out) {
    fail("the result row counts differ");
  }
  std::printf("\nratios (time; lower is better for rapidbyte)\n");
  std::printf("wasm / DuckDB 1 thread:   %.2fx  target <= 3x\n", wasm.seconds / duck_one.seconds);
  std::printf("wasm / DuckDB all cores:  %.2fx\n", wasm.seconds / duck_all.seconds);
  std::printf("wasm / native:            %.2fx\n", wasm.seconds / native.seconds);
  return 0;
}
