// The `rapidbyte` command line. Exit codes: host/cli/exit_codes.hpp.
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "host/cli/config_schema_table.hpp"
#include "host/cli/exit_codes.hpp"
#include "host/cli/metrics_endpoint.hpp"
#include "host/cli/progress_display.hpp"
#include "host/cli/progress_events.hpp"
#include "host/cli/report_printer.hpp"
#include "host/cli/scaffold.hpp"
#include "host/cli/session.hpp"
#include "host/cli/split_commands.hpp"
#include "host/cli/state_commands.hpp"
#include "host/cli/stop_on_signal.hpp"
#include "host/cli/temporal_handoff.hpp"
#include "host/engine/closest_name.hpp"
#include "host/engine/connector_catalog.hpp"
#include "host/engine/install_layout.hpp"
#include "host/engine/pipeline_probe.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/split_run.hpp"
#include "host/runtime/wasm_engine.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/base/join.hpp"

namespace {

using namespace rapidbyte;
using cli::engine_failed;
using cli::exit_code;
using cli::kExitFailed;
using cli::kExitOk;
using cli::kExitUsage;

// `text` as a JSON string, quoted and escaped.
std::string json_string(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

// What `run` prints of a dry run: each batch leaving the last transform, as a
// table or (with --json) as JSON lines {"stream": ..., "record": {...}},
// the rows of one batch never interleaved with another's.
class BatchPrinter {
 public:
  explicit BatchPrinter(bool json) : json_(json) {}
  void print(const std::string& stream, const std::vector<uint8_t>& ipc_stream) {
    auto contents = arrow::read_ipc_stream(ipc_stream);
    std::lock_guard lock(mu_);
    if (!contents) {
      std::cout << "stream " << stream << ": batch does not decode: " << contents.error().message
                << "\n";
      return;
    }
    for (const auto& batch : contents->batches) {
      if (json_) {
        std::string lines;
        const std::string prefix = "{\"stream\":" + json_string(stream) + ",\"record\":";
        for (int64_t row = 0; row < batch.num_rows(); ++row)
          lines += prefix + arrow::row_json(batch, row) + "}\n";
        std::cout << lines;
      } else {
        std::cout << "stream " << stream << " (" << batch.num_rows() << " rows)\n"
                  << arrow::format_table(batch) << "\n";
      }
    }
  }

 private:
  bool json_;
  std::mutex mu_;
};

// How `run` reports besides its summary.
struct RunReporting {
  bool json = false;                          // the summary (or the dry run's rows) as JSON
  std::string progress = "auto";              // auto (a display on a terminal) | json | none
  std::optional<std::string> metrics_listen;  // HOST:PORT of the Prometheus endpoint
};

// Which part of the pipeline `run` runs: some streams, or one slice of a
// stream that `rapidbyte plan` split.
struct RunSelection {
  std::vector<std::string> streams;  // empty: all
  std::optional<engine::SliceAssignment> slice;
};

// The options of `run` that make its RunSelection: --stream, and one slice
// (--partition, --snapshot, --generation).
class SelectionOptions {
 public:
  void add_to(CLI::App& run, CLI::Option* dry_run_flag) {
    auto* stream_option =
        run.add_option("--stream", streams_, "Run only this stream (repeat for several)");
    partition_ =
        run.add_option("--partition", index_,
                       "Run only this slice of the one --stream, as `rapidbyte plan` recorded it")
            ->needs(stream_option)
            ->excludes(dry_run_flag);
    snapshot_ = run.add_option("--snapshot", snapshot_value_,
                               "With --partition: read in the plan's snapshot")
                    ->needs(partition_);
    generation_ = run.add_option("--generation", generation_value_,
                                 "With --partition: refuse the slice unless the recorded plan is "
                                 "this one")
                      ->needs(partition_);
  }

  // What was chosen; nullopt after printing why for bad usage.
  std::optional<RunSelection> selection() const {
    RunSelection out{streams_, std::nullopt};
    if (partition_->count() == 0) return out;
    if (streams_.size() != 1) {
      std::cerr << "error: --partition: name exactly one --stream\n";
      return std::nullopt;
    }
    out.slice = engine::SliceAssignment{
        .index = index_,
        .snapshot = snapshot_->count() > 0 ? std::optional(snapshot_value_) : std::nullopt,
        .generation = generation_->count() > 0 ? std::optional(generation_value_) : std::nullopt};
    return out;
  }

 private:
  std::vector<std::string> streams_;
  uint32_t index_ = 0;
  std::string snapshot_value_;
  uint64_t generation_value_ = 0;
  CLI::Option* partition_ = nullptr;
  CLI::Option* snapshot_ = nullptr;
  CLI::Option* generation_ = nullptr;
};

int run_command(const std::string& pipeline_path, const std::string& connector_dir,
                const RunReporting& reporting, const RunSelection& selection,
                std::optional<uint64_t> dry_run_limit, std::shared_ptr<spdlog::logger> log) {
  const bool json = reporting.json;
  // Before any thread exists, so that every thread inherits the blocked mask.
  cli::StopOnSignal stop;
  auto session = cli::open_session(pipeline_path, connector_dir, log);
  if (!session) return session.error();
  if (!selection.streams.empty()) {
    auto selected = engine::select_streams(session->pipeline, selection.streams);
    if (!selected) {
      std::cerr << "error: " << selected.error() << "\n";
      return kExitUsage;
    }
    session->pipeline = std::move(*selected);
  }
  engine::PipelineRunner runner(*session->wasm, *session->catalog, *session->state);
  std::vector<std::string> streams;
  for (const auto& s : session->pipeline.streams) streams.push_back(s.name);
  engine::RunProgress progress(streams);
  BatchPrinter printer(json);
  engine::FaultPoints faults;
  if (const char* spec = std::getenv("RAPIDBYTE_TEST_KILL_AT")) {
    if (auto armed = faults.arm(spec); !armed) {
      std::cerr << "error: RAPIDBYTE_TEST_KILL_AT: " << armed.error() << "\n";
      return kExitUsage;
    }
  }
  engine::RunOptions options;
  options.stop = stop.token();
  options.log = std::move(log);
  options.faults = &faults;
  options.slice = selection.slice;
  if (dry_run_limit) {
    options.dry_run_limit = dry_run_limit;
    options.preview = [&](const std::string& stream, const std::vector<uint8_t>& ipc) {
      printer.print(stream, ipc);
    };
  } else {
    options.progress = &progress;
  }
  std::unique_ptr<cli::MetricsEndpoint> endpoint;
  if (reporting.metrics_listen && !dry_run_limit) {
    auto started = cli::MetricsEndpoint::start(*reporting.metrics_listen, progress,
                                               session->pipeline.pipeline);
    if (!started) {
      std::cerr << "error: " << started.error() << "\n";
      return kExitUsage;
    }
    endpoint = std::move(*started);
  }
  std::expected<engine::RunReport, engine::EngineError> report;
  {
    std::optional<cli::ProgressDisplay> display;
    std::optional<cli::ProgressEvents> events;
    if (!dry_run_limit && reporting.progress == "auto") display.emplace(progress, options.log);
    if (!dry_run_limit && reporting.progress == "json")
      events.emplace(progress, session->pipeline.pipeline);
    report = runner.run(session->pipeline, options);
  }
  if (!report) return engine_failed(report.error());
  if (dry_run_limit) {
    if (!json) std::cout << cli::report_text(*report);
  } else {
    std::cout << (json ? cli::report_json(*report) + "\n" : cli::report_text(*report));
  }
  return exit_code(report->status());
}

int check_command(const std::string& pipeline_path, const std::string& connector_dir,
                  const std::shared_ptr<spdlog::logger>& log) {
  auto session = cli::open_session(pipeline_path, connector_dir, log);
  if (!session) return session.error();
  auto lines = engine::check_pipeline(*session->wasm, *session->catalog, *session->state,
                                      session->pipeline, log);
  std::cout << cli::check_text(lines);
  return cli::exit_code(lines);
}

int discover_command(const std::string& pipeline_path, const std::string& connector_dir, bool json,
                     const std::shared_ptr<spdlog::logger>& log) {
  // A source block alone is enough: discovering is how streams are chosen.
  auto session =
      cli::open_session(pipeline_path, connector_dir, log, engine::PipelineScope::kSource);
  if (!session) return session.error();
  auto catalog = engine::discover_catalog(*session->wasm, *session->catalog, *session->state,
                                          session->pipeline, log);
  if (!catalog) {
    std::cerr << "error: " << catalog.error().message << "\n";
    return exit_code(catalog.error());
  }
  std::cout << (json ? cli::catalog_json(*catalog) + "\n" : cli::catalog_text(*catalog));
  return kExitOk;
}

int teardown_command(const std::string& pipeline_path, const std::string& connector_dir,
                     const std::shared_ptr<spdlog::logger>& log) {
  auto session = cli::open_session(pipeline_path, connector_dir, log);
  if (!session) return session.error();
  auto done = engine::teardown_pipeline(*session->wasm, *session->catalog, *session->state,
                                        session->pipeline, log);
  if (!done) {
    std::cerr << "error: " << done.error().message << "\n";
    return exit_code(done.error());
  }
  std::cout << "torn down: " << session->pipeline.pipeline << "\n";
  return kExitOk;
}

// Every connector found, or, given a name, that connector with its config
// schema as a table.
int connectors_command(const std::string& connector_dir, const std::string& name) {
  auto wasm = runtime::WasmEngine::create({runtime::default_aot_cache_dir()});
  if (!wasm) return engine_failed({engine::EngineError::Kind::kRuntime, wasm.error()});
  engine::ConnectorCatalog catalog(**wasm, engine::ConnectorCatalog::default_dirs(connector_dir));
  const auto started = std::chrono::steady_clock::now();
  auto listing = catalog.list();
  // The first listing compiles every module for this machine, which takes
  // seconds: say why, and that it is once.
  const auto compiled =
      std::ranges::count_if(listing.modules, [](const auto& m) { return !m->from_aot_cache; });
  if (compiled > 0) {
    std::cerr << fmt::format(
        "note: compiled {} connector module{} for this machine in {:.1f} s; they are cached in "
        "{}, so later commands start at once\n",
        compiled, compiled == 1 ? "" : "s",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
        runtime::default_aot_cache_dir().string());
  }
  if (name.empty()) {
    std::cout << cli::connectors_table(listing.modules);
    for (const auto& e : listing.errors) std::cerr << "warning: " << e << "\n";
    return kExitOk;
  }
  // "postgres" names both source-postgres and dest-postgres: both print.
  std::vector<std::string> ids;
  std::vector<std::string> names;  // ids and their short names, for "did you mean"
  bool printed = false;
  for (const auto& m : listing.modules) {
    const std::string& id = m->manifest.id;
    ids.push_back(id);
    names.push_back(id);
    const size_t dash = id.find('-');
    if (dash != std::string::npos) names.push_back(id.substr(dash + 1));
    if (id != name && !(dash != std::string::npos && id.substr(dash + 1) == name)) continue;
    std::cout << (printed ? "\n" : "") << cli::connectors_table({m})
              << cli::config_schema_table(m->manifest.config_schema);
    printed = true;
  }
  if (printed) return kExitOk;
  const std::string found = join(ids);
  std::cerr << "error: no connector '" << name << "'" << engine::did_you_mean(name, names)
            << " (found: " << (found.empty() ? "none" : found) << ")\n";
  return kExitUsage;
}

// The generated project builds against the SDK of this binary's installation,
// or, for a binary in a build tree, the SDK that build stages in sdk/.
int scaffold_command(const std::string& name, const std::string& dir) {
  const std::filesystem::path self = engine::running_binary();
  const auto layout = engine::install_layout_of(self);
  const cli::ScaffoldTools tools{layout ? layout->prefix : RAPIDBYTE_BUILD_SDK_DIR,
                                 self.empty() ? "rapidbyte" : self};
  auto files = cli::scaffold_connector(name, dir, tools);
  if (!files) {
    std::cerr << "error: " << files.error() << "\n";
    return kExitUsage;
  }
  for (const auto& f : *files) std::cout << "created " << f.string() << "\n";
  std::cout << "build and test it: " << (std::filesystem::path(dir) / name / "test.sh").string()
            << "\n";
  return kExitOk;
}

// The log of every command: stderr at `level`, and `file` too when given
// (rotated at 16 MiB, 3 kept); exit code 2 when the file cannot be written.
std::expected<std::shared_ptr<spdlog::logger>, int> make_log(const std::string& level,
                                                             const std::string& file) {
  std::shared_ptr<spdlog::logger> log = engine::stderr_log();
  log->set_pattern("%H:%M:%S.%e %^%l%$ %v");
  log->set_level(spdlog::level::from_str(level));
  if (file.empty()) return log;
  try {
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 16u << 20, 3);
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    log->sinks().push_back(std::move(sink));
  } catch (const spdlog::spdlog_ex& e) {
    std::cerr << "error: --log-file: cannot write " << file << ": " << e.what() << "\n";
    return std::unexpected(kExitUsage);
  }
  return log;
}

// The command line: parses the arguments and runs the subcommand.
int run_cli(int argc, char** argv) {
  if (auto handoff = cli::temporal_handoff(std::vector<std::string>(argv + 1, argv + argc),
                                           engine::running_binary())) {
    return cli::exec_handoff(*handoff);
  }
  CLI::App app{"Rapidbyte: data ingestion with sandboxed WebAssembly connectors"};
  app.set_version_flag("--version", cli::version_string());
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 failed, 2 bad usage or config, 3 partial failure, 130 interrupted.");

  std::string log_level = "warn";
  int verbosity = 0;
  bool quiet = false;
  std::string connector_dir;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_flag("-v,--verbose", verbosity, "Log at info level; -vv: debug");
  app.add_flag("-q,--quiet", quiet, "Log errors only");
  app.add_option("--connector-dir", connector_dir,
                 "Directory searched first for connector modules");

  std::string log_file;
  app.add_option("--log-file", log_file,
                 "Also write the log to this file (rotated at 16 MiB, 3 files kept)");

  std::string pipeline_path;
  bool json = false;
  RunReporting reporting;
  auto* run = app.add_subcommand("run", "Run a pipeline");
  run->add_option("pipeline", pipeline_path, "Pipeline YAML file")->required();
  run->add_flag("--json", json, "Print the summary (or, with --dry-run, the rows) as JSON");
  run->add_option("--progress", reporting.progress,
                  "auto: a live display on a terminal; json: JSON lines on stderr every second; "
                  "none")
      ->check(CLI::IsMember({"auto", "json", "none"}));
  run->add_option("--metrics-listen", reporting.metrics_listen,
                  "Serve Prometheus metrics at http://HOST:PORT/metrics while the run lasts");
  bool dry_run = false;
  uint64_t limit = 20;
  auto* dry_run_flag =
      run->add_flag("--dry-run", dry_run,
                    "Run the source and transforms only and print their batches; write nothing");
  // A limit on a real run would be a partial write that looks like a test:
  // refused rather than ignored.
  run->add_option("--limit", limit, "With --dry-run: records per stream (default 20)")
      ->check(CLI::PositiveNumber)
      ->needs(dry_run_flag);
  SelectionOptions selection;
  selection.add_to(*run, dry_run_flag);
  cli::SplitCommandOptions split_options;
  cli::add_split_commands(app, split_options);
  auto* check =
      app.add_subcommand("check", "Check configs, manifests and each connector's own validation");
  check->add_option("pipeline", pipeline_path, "Pipeline YAML file")->required();
  auto* discover = app.add_subcommand("discover", "Print the source's catalog of streams");
  discover->add_option("pipeline", pipeline_path, "Pipeline YAML file")->required();
  discover->add_flag("--json", json, "Print the catalog as JSON");
  auto* teardown =
      app.add_subcommand("teardown",
                         "Drop what the source created for the pipeline (cdc replication slots, "
                         "publications)");
  teardown->add_option("pipeline", pipeline_path, "Pipeline YAML file")->required();
  auto* connectors =
      app.add_subcommand("connectors",
                         "List the connectors found in the connector directories; with a name, "
                         "that connector and its config keys");
  std::string connector_name;
  connectors->add_option("name", connector_name, "A connector (e.g. postgres or source-postgres)");
  std::string scaffold_name;
  std::string scaffold_dir = ".";
  auto* scaffold = app.add_subcommand(
      "scaffold", "Create a connector project that builds and passes its own test");
  scaffold->add_option("name", scaffold_name, "source-<x>, dest-<x> or transform-<x>")->required();
  scaffold->add_option("--dir", scaffold_dir, "Where to create the project (default: .)");

  cli::list_temporal_commands(app);

  cli::StateCommandOptions state_options;
  cli::add_state_commands(app, state_options);

  // Bad usage exits with 2, as every other usage error does (CLI11's own
  // codes are 100 and up).
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int shown = app.exit(e);
    return shown == 0 ? kExitOk : kExitUsage;
  }

  auto log = make_log(verbosity >= 2   ? "debug"
                      : verbosity == 1 ? "info"
                      : quiet          ? "error"
                                       : log_level,
                      log_file);
  if (!log) return log.error();

  if (run->parsed()) {
    reporting.json = json;
    auto selected = selection.selection();
    if (!selected) return kExitUsage;
    return run_command(pipeline_path, connector_dir, reporting, *selected,
                       dry_run ? std::optional<uint64_t>(limit) : std::nullopt, *log);
  }
  if (split_options.command != cli::SplitCommandOptions::Command::kNone)
    return cli::run_split_command(split_options, connector_dir, *log);
  if (check->parsed()) return check_command(pipeline_path, connector_dir, *log);
  if (discover->parsed()) return discover_command(pipeline_path, connector_dir, json, *log);
  if (teardown->parsed()) return teardown_command(pipeline_path, connector_dir, *log);
  if (connectors->parsed()) return connectors_command(connector_dir, connector_name);
  if (state_options.command) return state_options.command(state_options);
  if (scaffold->parsed()) return scaffold_command(scaffold_name, scaffold_dir);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values everywhere below; an exception reaching here is a bug
  // or an allocation failure, reported as one line rather than an abort.
  try {
    return run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "rapidbyte: internal error: " << e.what() << "\n";
    return kExitFailed;
  }
}
