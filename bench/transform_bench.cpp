// Cost of the value-level transforms: the same generator -> X -> null
// pipeline through the engine with X = transform-passthrough (forwards bytes,
// the baseline), transform-validate (five rules on four columns, every row
// valid, so batches are forwarded unchanged after the checks), and
// transform-mask (hash, partial and null on three columns, so every batch is
// rebuilt and re-encoded). Best of 3 per pipeline; prints times, rows/s and
// the ratio to the passthrough measured in this run.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "host/engine/connector_catalog.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"

namespace {

using namespace rapidbyte;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kRows = 1'000'000;

void die(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

std::string pipeline_yaml(const std::string& transform) {
  return "pipeline: transform_bench\nsource:\n  use: generator\n  config: {rows: " +
         std::to_string(kRows) + ", seed: 42}\n  streams: [{name: s}]\ntransforms:\n  - " +
         transform + "\ndestination: {use: \"null\"}\nresources: {max_batch_bytes: 1048576}\n";
}

double best_of_3(const runtime::WasmEngine& engine, const engine::ConnectorCatalog& catalog,
                 engine::StateBackend& state, const std::string& yaml) {
  auto pipeline = engine::parse_pipeline(yaml, "bench.yaml");
  if (!pipeline) die(pipeline.error());
  engine::PipelineRunner runner(engine, catalog, state);
  double best = 1e9;
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    auto report = runner.run(*pipeline);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!report || !report->succeeded())
      die(report ? report->first_error() : report.error().message);
    if (report->records() != kRows) die("rows lost in " + yaml);
    best = std::min(best, seconds);
  }
  return best;
}

}  // namespace

int main() {
  auto engine = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!engine) die(engine.error());
  engine::ConnectorCatalog catalog(**engine, {RAPIDBYTE_CONNECTOR_DIR});
  const auto db = std::filesystem::temp_directory_path() / "rapidbyte-transform-bench.db";
  std::filesystem::remove(db);
  auto state = engine::SqliteStateBackend::open(db);
  if (!state) die(state.error().message);

  const std::string passthrough = "use: passthrough";
  const std::string validate =
      R"(use: validate
    config: {"on_fail": "fail", "columns": {
      "id": {"not_null": true, "range": {"min": 1}},
      "name": {"regex": "^[a-z0-9]+$", "max_length": 64},
      "value": {"range": {"min": 0, "max": 1000}}}})";
  const std::string unique_validate =
      R"(use: validate
    config: {"columns": {"id": {"unique": true}}})";
  const std::string mask =
      R"(use: mask
    config: {"salt": "bench-salt", "columns": {
      "name": {"method": "hash"},
      "id": {"method": "redact"},
      "ts": {"method": "null"}}})";

  const double base = best_of_3(**engine, catalog, **state, pipeline_yaml(passthrough));
  std::printf("generator -> X -> null, %llu rows (best of 3)\n",
              static_cast<unsigned long long>(kRows));
  auto line = [&](const char* name, double seconds) {
    std::printf("  %-34s %.3f s  %5.2f M rows/s  ratio to passthrough %.2fx\n", name, seconds,
                static_cast<double>(kRows) / seconds / 1e6, seconds / base);
  };
  line("transform-passthrough", base);
  line("transform-validate (5 rules)",
       best_of_3(**engine, catalog, **state, pipeline_yaml(validate)));
  line("transform-validate (unique id)",
       best_of_3(**engine, catalog, **state, pipeline_yaml(unique_validate)));
  line("transform-mask (hash, redact, null)",
       best_of_3(**engine, catalog, **state, pipeline_yaml(mask)));
  std::filesystem::remove(db);
  return 0;
}
