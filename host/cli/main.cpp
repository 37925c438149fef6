// The `rapidbyte` command line: run a pipeline, list connectors, print the
// version. Exit codes: 0 success, 1 the run failed, 2 bad usage or config,
// 3 some streams failed while others succeeded.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "host/cli/report_printer.hpp"
#include "host/engine/connector_catalog.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/state/open_state_backend.hpp"
#include "host/runtime/wasm_engine.hpp"

namespace {

using namespace rapidbyte;

constexpr int kExitOk = 0;
constexpr int kExitRunFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitPartial = 3;

std::unique_ptr<runtime::WasmEngine> make_engine() {
  auto engine = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!engine) {
    spdlog::critical("{}", engine.error());
    std::exit(kExitRunFailed);
  }
  return std::move(*engine);
}

int run_command(const std::string& pipeline_path, const std::string& connector_dir, bool json) {
  auto pipeline = engine::load_pipeline(pipeline_path);
  if (!pipeline) {
    std::cerr << "error: " << pipeline.error() << "\n";
    return kExitUsage;
  }
  auto wasm = make_engine();
  engine::ConnectorCatalog catalog(*wasm, engine::ConnectorCatalog::default_dirs(connector_dir));
  auto state = engine::open_state_backend(pipeline->state);
  if (!state) {
    std::cerr << "error: " << state.error() << "\n";
    return kExitRunFailed;
  }
  engine::PipelineRunner runner(*wasm, catalog, **state);
  auto report = runner.run(*pipeline);
  if (!report) {
    std::cerr << "error: " << report.error() << "\n";
    return kExitUsage;
  }
  if (json) {
    std::cout << cli::report_json(*report) << "\n";
  } else {
    std::cout << cli::report_text(*report);
  }
  if (report->succeeded()) return kExitOk;
  return report->partially_succeeded() ? kExitPartial : kExitRunFailed;
}

int connectors_command(const std::string& connector_dir) {
  auto wasm = make_engine();
  engine::ConnectorCatalog catalog(*wasm, engine::ConnectorCatalog::default_dirs(connector_dir));
  auto listing = catalog.list();
  std::cout << cli::connectors_table(listing.modules);
  for (const auto& e : listing.errors) std::cerr << "warning: " << e << "\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Rapidbyte: data ingestion with sandboxed WebAssembly connectors"};
  app.set_version_flag("--version", cli::version_string());
  app.require_subcommand(1);

  std::string log_level = "warn";
  bool verbose = false, quiet = false;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_flag("-v,--verbose", verbose, "Log at info level");
  app.add_flag("-q,--quiet", quiet, "Log errors only");
  std::string connector_dir;
  app.add_option("--connector-dir", connector_dir,
                 "Directory searched first for connector modules");

  std::string pipeline_path;
  bool json = false;
  auto* run = app.add_subcommand("run", "Run a pipeline");
  run->add_option("pipeline", pipeline_path, "Pipeline YAML file")->required();
  run->add_flag("--json", json, "Print the summary as JSON");

  app.add_subcommand("connectors", "List the connectors found in the connector directories");

  CLI11_PARSE(app, argc, argv);

  auto logger = spdlog::stderr_color_mt("rapidbyte");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(verbose ? "info" : quiet ? "error" : log_level));

  if (run->parsed()) return run_command(pipeline_path, connector_dir, json);
  if (app.got_subcommand("connectors")) return connectors_command(connector_dir);
  return kExitUsage;
}
