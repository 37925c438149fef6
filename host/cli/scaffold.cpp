#include "host/cli/scaffold.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <regex>

namespace rapidbyte::cli {

namespace {

struct RoleTemplate {
  const char* prefix;
  const char* role;          // for rapidbyte_add_connector and the manifest
  const char* base_class;    // sdk::Source ...
  const char* export_macro;  // RAPIDBYTE_EXPORT_SOURCE ...
  const char* body;          // the class body; {class} is the class name
  const char* pipeline;      // test.yaml; {name} is the connector
  const char* capabilities;
};

constexpr const char* kSourceBody =
    R"(  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto config, sdk::JsonConfig::parse(config_json));
    auto rows = config.get_u64("rows", 10);
    if (!rows) return std::unexpected(rows.error());
    rows_ = *rows;
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest& request) override {
    const std::string stream = request.streams.empty() ? "greetings" : request.streams[0].stream_name;
    auto schema = arrow::make_schema({arrow::field("id", arrow::int64(), false),
                                      arrow::field("greeting", arrow::utf8())});
    arrow::Int64Builder ids;
    arrow::StringBuilder greetings;
    for (uint64_t i = 1; i <= rows_; ++i) {
      ids.append(static_cast<int64_t>(i));
      greetings.append("hello " + std::to_string(i));
    }
    auto id_array = ids.finish();
    auto greeting_array = greetings.finish();
    if (!id_array || !greeting_array) return sdk::internal_error("cannot build the batch", "BUILD");
    auto batch = arrow::RecordBatch::make(schema, {*id_array, *greeting_array});
    if (!batch) return sdk::internal_error(batch.error().message, "BUILD");
    arrow::IpcStreamWriter writer(schema);
    if (auto w = writer.write(*batch); !w) return sdk::internal_error(w.error().message, "ENCODE");
    const std::vector<uint8_t> bytes = writer.finish();
    RB_TRY(ctx.batch_emit(bytes));
    ctx.checkpoint({protocol::CheckpointKind::kSource, stream, "id",
                    protocol::CursorValue(std::in_place_index<protocol::cursor_kind::kInt64>,
                                          static_cast<int64_t>(rows_)),
                    rows_, bytes.size()});
    protocol::ReadSummary summary;
    summary.records = rows_;
    summary.bytes = bytes.size();
    summary.batches = 1;
    summary.checkpoints = 1;
    return sdk::summary(summary);
  }

 private:
  uint64_t rows_ = 10;
)";

constexpr const char* kDestinationBody =
    R"(  sdk::Result<void> open(std::string_view) override { return {}; }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    protocol::WriteSummary summary;
    while (auto batch = ctx.batch_next()) {
      auto reader = arrow::IpcStreamReader::open(*batch);
      if (!reader) return sdk::data_error(reader.error().message, "BAD_BATCH");
      while (true) {
        auto next = reader->next();
        if (!next) return sdk::data_error(next.error().message, "BAD_BATCH");
        if (!*next) break;
        // Write (*next) to the target system here.
        summary.records_written += static_cast<uint64_t>((*next)->num_rows());
      }
      summary.bytes_written += batch->size();
      ++summary.batches;
    }
    ctx.counter("records", summary.records_written);
    return sdk::summary(summary);
  }
)";

constexpr const char* kTransformBody =
    R"(  sdk::Result<void> open(std::string_view) override { return {}; }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    protocol::TransformSummary summary;
    while (auto batch = ctx.batch_next()) {
      auto reader = arrow::IpcStreamReader::open(*batch);
      if (!reader) return sdk::data_error(reader.error().message, "BAD_BATCH");
      while (true) {
        auto next = reader->next();
        if (!next) return sdk::data_error(next.error().message, "BAD_BATCH");
        if (!*next) break;
        summary.records_in += static_cast<uint64_t>((*next)->num_rows());
      }
      // Change the batch here; this template passes it on unchanged.
      RB_TRY(ctx.batch_emit(*batch));
      summary.records_out = summary.records_in;
      summary.bytes_in += batch->size();
      summary.bytes_out += batch->size();
      ++summary.batches_in;
      ++summary.batches_out;
    }
    return sdk::summary(summary);
  }
)";

constexpr RoleTemplate kTemplates[] = {
    {"source-", "source", "Source", "RAPIDBYTE_EXPORT_SOURCE", kSourceBody,
     "version: 1\npipeline: {name}-test\nsource:\n  use: {name}\n  config: {{rows: 10}}\n"
     "  streams: [{{name: greetings}}]\ndestination:\n  use: \"null\"\n",
     R"("sync_modes": ["full_refresh"], "write_modes": [])"},
    {"dest-", "destination", "Destination", "RAPIDBYTE_EXPORT_DESTINATION", kDestinationBody,
     "version: 1\npipeline: {name}-test\nsource:\n  use: generator\n  config: {{rows: 10}}\n"
     "  streams: [{{name: generated}}]\ndestination:\n  use: {name}\n",
     R"("sync_modes": ["full_refresh", "incremental"], "write_modes": ["append"])"},
    {"transform-", "transform", "Transform", "RAPIDBYTE_EXPORT_TRANSFORM", kTransformBody,
     "version: 1\npipeline: {name}-test\nsource:\n  use: generator\n  config: {{rows: 10}}\n"
     "  streams: [{{name: generated}}]\ntransforms:\n  - use: {name}\ndestination:\n  use: "
     "\"null\"\n",
     R"("sync_modes": ["full_refresh", "incremental"], "write_modes": [])"},
};

std::string class_name(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return out;
}

}  // namespace

std::expected<std::vector<std::filesystem::path>, std::string> scaffold_connector(
    const std::string& name, const std::filesystem::path& parent,
    const std::filesystem::path& rapidbyte_root) {
  static const std::regex kName("(source|dest|transform)-[a-z][a-z0-9-]*");
  if (!std::regex_match(name, kName)) {
    return std::unexpected(
        "connector name '" + name +
        "' must be source-<x>, dest-<x> or transform-<x> (lower case letters, digits, "
        "dashes)");
  }
  const RoleTemplate* t = nullptr;
  for (const auto& candidate : kTemplates) {
    if (name.starts_with(candidate.prefix)) t = &candidate;
  }
  const std::filesystem::path dir = parent / name;
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return std::unexpected(dir.string() + " already exists");
  if (!std::filesystem::create_directories(dir, ec)) {
    return std::unexpected("cannot create " + dir.string() + ": " + ec.message());
  }
  std::string file_stem = name;
  std::replace(file_stem.begin(), file_stem.end(), '-', '_');
  const std::string cls = class_name(name);

  const std::string source = fmt::format(
      R"text(// {name}: a Rapidbyte {role} connector (generated by `rapidbyte scaffold`).
// Build and test it with ./test.sh; see docs/PROTOCOL.md for the contract.
#include <string>

#include "portable/base/try.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/record_batch.hpp"

namespace {{

using namespace rapidbyte;

class {cls} final : public sdk::{base} {{
 public:
{body}}};

}}  // namespace

{export_macro}({cls})

// clang-format off
RAPIDBYTE_MANIFEST({{
  "id": "{name}",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["{role}"],
  "description": "{name} (generated)",
  "capabilities": {{{capabilities}}},
  "permissions": {{"network": {{"hosts": [], "hosts_from_config": []}}, "env": [], "filesystem": []}},
  "resources": {{"memory_mb": 64}},
  "config_schema": {{"type": "object"}}
}});
// clang-format on
)text",
      fmt::arg("name", name), fmt::arg("role", t->role), fmt::arg("cls", cls),
      fmt::arg("base", t->base_class), fmt::arg("body", t->body),
      fmt::arg("export_macro", t->export_macro), fmt::arg("capabilities", t->capabilities));

  const std::string cmake = fmt::format(
      "# Built by the Rapidbyte guest build: configure Rapidbyte with\n"
      "#   -DRAPIDBYTE_EXTRA_CONNECTORS=<this directory>\n"
      "rapidbyte_add_connector(NAME {name} ROLE {role}\n  SOURCES {stem}.cpp\n  LIBRARIES "
      "rapidbyte_arrow)\n",
      fmt::arg("name", name), fmt::arg("role", t->role), fmt::arg("stem", file_stem));

  const std::string pipeline = fmt::format(fmt::runtime(t->pipeline), fmt::arg("name", name));

  const std::string test =
      fmt::format(R"script(#!/usr/bin/env bash
# Builds {name}.wasm against a Rapidbyte source tree and runs test.yaml, which
# must move exactly 10 records. RAPIDBYTE_ROOT defaults to the tree this
# project was generated from; RAPIDBYTE (the binary) to its build.
set -euo pipefail
here="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
root="${{RAPIDBYTE_ROOT:-{root}}}"
rapidbyte="${{RAPIDBYTE:-$root/build/rapidbyte}}"
build="$here/build"
export PATH="$HOME/.cargo/bin:$PATH"
cmake -S "$root/guest" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/wasm32-wasi.toolchain.cmake" -DRAPIDBYTE_ROOT="$root" \
  -DRAPIDBYTE_BUILD_TESTS=OFF -DRAPIDBYTE_EXTRA_CONNECTORS="$here" \
  -DRAPIDBYTE_CONNECTOR_OUTPUT_DIR="$build/connectors" >/dev/null
cmake --build "$build" --target {name} >/dev/null
out="$("$rapidbyte" --connector-dir "$build/connectors" run --json "$here/test.yaml")"
echo "$out"
grep -q '"status":"succeeded","records":10,' <<<"$out"
echo "{name}: test passed"
)script",
                  fmt::arg("name", name), fmt::arg("root", rapidbyte_root.string()));

  const std::vector<std::pair<std::string, std::string>> files = {{file_stem + ".cpp", source},
                                                                  {"CMakeLists.txt", cmake},
                                                                  {"test.yaml", pipeline},
                                                                  {"test.sh", test}};
  std::vector<std::filesystem::path> written;
  for (const auto& [file, text] : files) {
    const auto path = dir / file;
    std::ofstream out(path);
    out << text;
    if (!out) return std::unexpected("cannot write " + path.string());
    written.push_back(path);
  }
  std::filesystem::permissions(
      dir / "test.sh", std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec,
      std::filesystem::perm_options::add, ec);
  return written;
}

}  // namespace rapidbyte::cli
