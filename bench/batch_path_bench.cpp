// Host <-> guest batch throughput and host-call cost.
//
// A guest (bench-echo) takes every batch the host hands it through
// batch-next and gives it back through batch-emit: each batch crosses the
// boundary once in each direction (one copy each way). The baseline is the
// same two copies done with plain memcpy, measured in the same run. Prints
// GB/s of both and their ratio (target: within 2x), and the cost of one
// empty host call.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "bench/null_host_services.hpp"
#include "host/runtime/connector_instance.hpp"
#include "host/runtime/wasm_engine.hpp"

namespace {

using namespace rapidbyte;
using Clock = std::chrono::steady_clock;

constexpr size_t kBatchBytes = 1 << 20;
constexpr int kBatches = 4000;
constexpr int kEmptyCalls = 2'000'000;

// Hands the same buffer back and forth: what the guest emits is what it gets
// next, so the host side adds no copies of its own.
class EchoServices final : public bench::NullHostServices {
 public:
  EchoServices(std::vector<uint8_t> first, int batches)
      : next_(std::move(first)), remaining_(batches) {}
  runtime::ConnectorResult<void> batch_emit(std::string_view, std::vector<uint8_t> batch) override {
    next_ = std::move(batch);
    return {};
  }
  runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next() override {
    if (remaining_ <= 0) return std::nullopt;
    --remaining_;
    return std::move(next_);
  }

 private:
  std::vector<uint8_t> next_;
  int remaining_;
};

double run_guest(runtime::WasmEngine& engine, const std::filesystem::path& module_path,
                 const std::string& config, EchoServices& services) {
  auto module = engine.load(module_path);
  if (!module) {
    std::fprintf(stderr, "%s\n", module.error().c_str());
    std::exit(1);
  }
  auto instance = runtime::ConnectorInstance::create(engine, *module, &services, {});
  if (!instance || !(*instance)->open(config)) {
    std::fprintf(stderr, "cannot start bench-echo\n");
    std::exit(1);
  }
  protocol::RunRequest request;
  const auto start = Clock::now();
  auto summary = (*instance)->run(request);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!summary) {
    std::fprintf(stderr, "run failed: %s\n", summary.error().message.c_str());
    std::exit(1);
  }
  return seconds;
}

// The same bytes moved the same way without a guest: into a buffer standing
// for guest memory, then out into a fresh host vector.
double run_memcpy() {
  std::vector<uint8_t> host(kBatchBytes, 7);
  std::vector<uint8_t> guest(kBatchBytes);
  const auto start = Clock::now();
  for (int i = 0; i < kBatches; ++i) {
    std::memcpy(guest.data(), host.data(), kBatchBytes);
    std::vector<uint8_t> back(guest.begin(), guest.end());
    host = std::move(back);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (host[kBatchBytes / 2] != 7) std::abort();  // keeps the copies observable
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path module_path =
      argc > 1 ? argv[1] : std::filesystem::path(RAPIDBYTE_TEST_GUEST_DIR) / "bench-echo.wasm";
  auto engine = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!engine) return 1;

  const double gigabytes = 2.0 * kBatches * kBatchBytes / 1e9;  // both directions
  EchoServices echo(std::vector<uint8_t>(kBatchBytes, 7), kBatches);
  run_guest(**engine, module_path, "echo", echo);  // warm-up: compile, fault in memory
  EchoServices timed(std::vector<uint8_t>(kBatchBytes, 7), kBatches);
  const double guest_seconds = run_guest(**engine, module_path, "echo", timed);
  const double memcpy_seconds = run_memcpy();

  EchoServices none(std::vector<uint8_t>{}, 0);
  const double call_seconds =
      run_guest(**engine, module_path, "calls:" + std::to_string(kEmptyCalls), none);

  std::printf("batch path (1 MiB batches, batch-next + batch-emit): %.2f GB/s\n",
              gigabytes / guest_seconds);
  std::printf("memcpy baseline (same two copies):                  %.2f GB/s\n",
              gigabytes / memcpy_seconds);
  std::printf("ratio batch path / memcpy time:                     %.2fx (target <= 2x)\n",
              guest_seconds / memcpy_seconds);
  std::printf("empty host call (batch-next answered with none):    %.1f ns\n",
              call_seconds / kEmptyCalls * 1e9);
  return 0;
}
