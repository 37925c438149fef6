// Engine overhead: the same generator -> null work (a) through the engine
// (stage threads, bounded queues, in-band checkpoints, SQLite state) and
// (b) through the runtime alone (the two guests called back to back, batches
// handed over in memory); and 8 streams at parallelism 1 vs 2. Prints times
// and ratios measured in this run.
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>

#include "bench/null_host_services.hpp"
#include "host/engine/connector_catalog.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "host/runtime/connector_instance.hpp"

namespace {

using namespace rapidbyte;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kRows = 2'000'000;

// Collects what a source emits and hands it to a destination.
class MemoryServices final : public bench::NullHostServices {
 public:
  std::deque<std::vector<uint8_t>> batches;
  runtime::ConnectorResult<void> batch_emit(std::string_view, std::vector<uint8_t> b) override {
    batches.push_back(std::move(b));
    return {};
  }
  runtime::ConnectorResult<std::optional<std::vector<uint8_t>>> batch_next() override {
    if (batches.empty()) return std::nullopt;
    auto b = std::move(batches.front());
    batches.pop_front();
    return b;
  }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void die(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

// Source, then destination, on this thread, batches kept in memory.
double runtime_alone(const runtime::WasmEngine& engine, const engine::ConnectorCatalog& catalog) {
  MemoryServices services;
  protocol::RunRequest request;
  protocol::StreamContext stream;
  stream.stream_name = "s";
  stream.limits.max_batch_bytes = 1 << 20;
  request.streams.push_back(stream);
  const auto start = Clock::now();
  for (auto [name, role, phase, config] :
       {std::tuple{"generator", protocol::ConnectorRole::kSource, protocol::RunPhase::kRead,
                   "{\"rows\": " + std::to_string(kRows) + "}"},
        std::tuple{"null", protocol::ConnectorRole::kDestination, protocol::RunPhase::kWrite,
                   std::string("{}")}}) {
    auto module = catalog.find(name, role);
    if (!module) die(module.error());
    auto instance = runtime::ConnectorInstance::create(engine, *module, &services, {});
    if (!instance) die(instance.error().message);
    if (!(*instance)->open(config)) die("open failed");
    request.phase = phase;
    if (auto r = (*instance)->run(request); !r) die(r.error().message);
  }
  return seconds_since(start);
}

double through_engine(const runtime::WasmEngine& engine, const engine::ConnectorCatalog& catalog,
                      engine::StateBackend& state, const std::string& yaml) {
  auto pipeline = engine::parse_pipeline(yaml, "bench.yaml");
  if (!pipeline) die(pipeline.error());
  engine::PipelineRunner runner(engine, catalog, state);
  const auto start = Clock::now();
  auto report = runner.run(*pipeline);
  const double seconds = seconds_since(start);
  if (!report || !report->succeeded()) die(report ? report->first_error() : report.error().message);
  return seconds;
}

std::string streams_yaml(int parallelism) {
  std::string yaml =
      "pipeline: streams\nsource:\n  use: generator\n  config: {rows: 250000}\n  streams:\n";
  for (int i = 0; i < 8; ++i) yaml += "    - name: s" + std::to_string(i) + "\n";
  return yaml +
         "destination: {use: \"null\"}\nresources: {max_batch_bytes: 1048576, parallelism: " +
         std::to_string(parallelism) + "}\n";
}

}  // namespace

int main() {
  auto engine = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!engine) die(engine.error());
  engine::ConnectorCatalog catalog(**engine, {RAPIDBYTE_CONNECTOR_DIR});
  const auto db = std::filesystem::temp_directory_path() / "rapidbyte-engine-bench.db";
  std::filesystem::remove(db);
  auto state = engine::SqliteStateBackend::open(db);
  if (!state) die(state.error().message);

  const std::string one_stream =
      "pipeline: one\nsource:\n  use: generator\n  config: {rows: " + std::to_string(kRows) +
      "}\n  streams: [{name: s}]\ndestination: {use: \"null\"}\n"
      "resources: {max_batch_bytes: 1048576}\n";
  runtime_alone(**engine, catalog);  // warm-up: AOT cache, page faults
  const double alone = runtime_alone(**engine, catalog);
  const double engine_time = through_engine(**engine, catalog, **state, one_stream);
  const double p1 = through_engine(**engine, catalog, **state, streams_yaml(1));
  const double p2 = through_engine(**engine, catalog, **state, streams_yaml(2));

  std::printf("generator -> null, %llu rows\n", static_cast<unsigned long long>(kRows));
  std::printf("  runtime alone (stages back to back): %.3f s\n", alone);
  std::printf("  through the engine (stages overlap): %.3f s  ratio engine/alone %.2fx\n",
              engine_time, engine_time / alone);
  std::printf("8 streams x 250000 rows\n");
  std::printf("  parallelism 1: %.3f s\n  parallelism 2: %.3f s  speed-up %.2fx\n", p1, p2,
              p1 / p2);
  std::filesystem::remove(db);
  return 0;
}
