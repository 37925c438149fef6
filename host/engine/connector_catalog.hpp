// Finds connector modules by the name a pipeline uses ("generator",
// "source-generator", "dest-null", "null" ...) in an ordered list of
// directories: an explicit --connector-dir, $RAPIDBYTE_CONNECTOR_DIR, the
// directory the binary was built with, ~/.rapidbyte/connectors.
#pragma once

#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "host/runtime/wasm_engine.hpp"

namespace rapidbyte::engine {

class ConnectorCatalog {
 public:
  ConnectorCatalog(const runtime::WasmEngine& engine, std::vector<std::filesystem::path> dirs)
      : engine_(engine), dirs_(std::move(dirs)) {}

  // The default search path: `explicit_dir` when given, $RAPIDBYTE_CONNECTOR_DIR,
  // an installed binary's <prefix>/lib/rapidbyte/connectors, the build tree's
  // connectors/, ~/.rapidbyte/connectors.
  static std::vector<std::filesystem::path> default_dirs(const std::filesystem::path& explicit_dir);

  // Loads the connector named `name` for `role` (the role prefix may be
  // omitted: "generator" finds source-generator.wasm for a source).
  std::expected<std::shared_ptr<const runtime::ConnectorModule>, std::string> find(
      const std::string& name, protocol::ConnectorRole role) const;

  // Every loadable module in the search path (first one wins per file name),
  // with the errors of the ones that failed to load.
  struct Listing {
    std::vector<std::shared_ptr<const runtime::ConnectorModule>> modules;
    std::vector<std::string> errors;
  };
  Listing list() const;

  const std::vector<std::filesystem::path>& dirs() const { return dirs_; }

 private:
  const runtime::WasmEngine& engine_;
  std::vector<std::filesystem::path> dirs_;
};

}  // namespace rapidbyte::engine
