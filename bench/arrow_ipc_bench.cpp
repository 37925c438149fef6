// Arrow IPC encode/decode throughput: rapidbyte's portable library natively
// and inside wasmtime (guest bench-arrow-ipc), next to pyarrow's own IPC
// writer/reader on the same table, all measured in the same run.
//
// The table is bench/arrow_bench_table.hpp: 14 columns, ~500 B/row. MB/s is
// IPC stream bytes per second (1 MB = 10^6 bytes); every figure is the best
// of `repeat` runs. Decode includes the reader's full validation (UTF-8,
// offsets, bitmaps); pyarrow's decode is shown without and with
// validate(full=True). Targets: native within 1.5x of pyarrow, wasm within
// 2x of native.
//
//   arrow_ipc_bench [rows=1000000] [repeat=3] [guest.wasm]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/arrow_bench_table.hpp"
#include "bench/null_host_services.hpp"
#include "host/runtime/connector_instance.hpp"
#include "host/runtime/wasm_engine.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"

namespace {

using namespace rapidbyte;
using Clock = std::chrono::steady_clock;

struct Timing {
  double encode_s = 0;
  double decode_s = 0;
  double bytes = 0;
};

template <class F>
double best_of(int repeat, F&& f) {
  double best = 1e9;
  for (int i = 0; i < repeat; ++i) {
    const auto start = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

Timing run_native(const arrow::RecordBatch& batch, int repeat, std::vector<uint8_t>& bytes) {
  Timing t;
  t.encode_s = best_of(repeat, [&] {
    bytes.clear();  // keeps the capacity: no page faults after the first run
    arrow::IpcStreamWriter writer(batch.schema(), std::move(bytes));
    if (auto ok = writer.write(batch); !ok) fail("encode failed: " + ok.error().message);
    bytes = writer.finish();
  });
  t.decode_s = best_of(repeat, [&] {
    auto contents = arrow::read_ipc_stream(bytes);
    if (!contents) fail("decode failed: " + contents.error().message);
  });
  t.bytes = static_cast<double>(bytes.size());
  return t;
}

// Collects the guest's report line.
class ReportServices final : public bench::NullHostServices {
 public:
  std::string report;
  void log(protocol::LogLevel, std::string_view message) override { report = message; }
};

Timing run_wasm(const std::filesystem::path& module_path, int64_t rows, int repeat) {
  auto engine = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!engine) std::exit(1);
  auto module = (*engine)->load(module_path);
  if (!module) {
    std::fprintf(stderr, "%s\n", module.error().c_str());
    std::exit(1);
  }
  ReportServices services;
  runtime::SandboxPolicy policy;
  policy.memory_limit_bytes = 3584ull << 20;
  auto instance = runtime::ConnectorInstance::create(**engine, *module, &services, policy);
  if (!instance || !(*instance)->open(std::to_string(rows) + ":" + std::to_string(repeat))) {
    std::fprintf(stderr, "cannot start bench-arrow-ipc\n");
    std::exit(1);
  }
  auto summary = (*instance)->run(protocol::RunRequest{});
  if (!summary) {
    std::fprintf(stderr, "guest run failed: %s\n", summary.error().message.c_str());
    std::exit(1);
  }
  Timing t;
  if (std::sscanf(services.report.c_str(), "encode_s=%lf decode_s=%lf bytes=%lf", &t.encode_s,
                  &t.decode_s, &t.bytes) != 3) {
    std::fprintf(stderr, "unexpected guest report: %s\n", services.report.c_str());
    std::exit(1);
  }
  return t;
}

// pyarrow on the same stream: {encode, decode, decode + full validation}.
bool run_pyarrow(const std::vector<uint8_t>& bytes, int repeat, double out[3], double& size) {
  const auto path = std::filesystem::temp_directory_path() / "rapidbyte_arrow_ipc_bench.arrows";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  const std::string command = "python3 " RAPIDBYTE_BENCH_DIR "/arrow_pyarrow_ipc.py " +
                              path.string() + " " + std::to_string(repeat);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  const int n = std::fscanf(pipe, "%lf %lf %lf %lf", &out[0], &out[1], &out[2], &size);
  const int status = pclose(pipe);
  std::filesystem::remove(path);
  return n == 4 && status == 0;
}

double mbps(double bytes, double seconds) {
  return bytes / seconds / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::filesystem::path guest =
      argc > 3 ? std::filesystem::path(argv[3])
               : std::filesystem::path(RAPIDBYTE_TEST_GUEST_DIR) / "bench-arrow-ipc.wasm";

  const arrow::RecordBatch batch = bench::make_arrow_bench_batch(rows);
  std::vector<uint8_t> bytes;
  const Timing native = run_native(batch, repeat, bytes);
  std::printf("table: %lld rows x 14 columns, IPC stream %.1f MB (%.0f B/row)\n",
              static_cast<long long>(rows), native.bytes / 1e6, native.bytes / rows);
  std::printf("%-34s %10s %10s\n", "", "encode", "decode");
  std::printf("%-34s %7.0f MB/s %7.0f MB/s\n", "rapidbyte native",
              mbps(native.bytes, native.encode_s), mbps(native.bytes, native.decode_s));

  double py[3];
  double py_bytes = 0;
  const bool have_pyarrow = run_pyarrow(bytes, repeat, py, py_bytes);
  if (have_pyarrow) {
    std::printf("%-34s %7.0f MB/s %7.0f MB/s\n", "pyarrow", mbps(py_bytes, py[0]),
                mbps(py_bytes, py[1]));
    std::printf("%-34s %12s %7.0f MB/s\n", "pyarrow, decode + validate(full)", "",
                mbps(py_bytes, py[2]));
  } else {
    std::printf("pyarrow: not available (pip install pyarrow)\n");
  }

  const Timing wasm = run_wasm(guest, rows, repeat);
  std::printf("%-34s %7.0f MB/s %7.0f MB/s\n", "rapidbyte in wasmtime",
              mbps(wasm.bytes, wasm.encode_s), mbps(wasm.bytes, wasm.decode_s));

  std::printf("\nratios (time; lower is better for rapidbyte)\n");
  if (have_pyarrow) {
    std::printf(
        "native / pyarrow:            encode %.2fx, decode %.2fx (vs validated: %.2fx)"
        "  target <= 1.5x\n",
        native.encode_s / py[0], native.decode_s / py[1], native.decode_s / py[2]);
  }
  std::printf("wasm / native:               encode %.2fx, decode %.2fx  target <= 2x\n",
              wasm.encode_s / native.encode_s, wasm.decode_s / native.decode_s);
  return 0;
}
