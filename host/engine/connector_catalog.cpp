#include "host/engine/connector_catalog.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "host/engine/install_layout.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {

namespace fs = std::filesystem;

std::vector<fs::path> ConnectorCatalog::default_dirs(const fs::path& explicit_dir) {
  std::vector<fs::path> dirs;
  if (!explicit_dir.empty()) dirs.push_back(explicit_dir);
  if (const char* env = std::getenv("RAPIDBYTE_CONNECTOR_DIR"); env && *env) dirs.emplace_back(env);
  // An installed binary's own connectors come before the build tree's.
  if (auto layout = install_layout_of(running_binary())) dirs.push_back(layout->connector_dir());
#ifdef RAPIDBYTE_BUILD_CONNECTOR_DIR
  dirs.emplace_back(RAPIDBYTE_BUILD_CONNECTOR_DIR);
#endif
  if (const char* home = std::getenv("HOME"); home && *home) {
    dirs.push_back(fs::path(home) / ".rapidbyte" / "connectors");
  }
  return dirs;
}

std::expected<std::shared_ptr<const runtime::ConnectorModule>, std::string> ConnectorCatalog::find(
    const std::string& name, protocol::ConnectorRole role) const {
  const std::string prefix = role == protocol::ConnectorRole::kSource        ? "source-"
                             : role == protocol::ConnectorRole::kDestination ? "dest-"
                                                                             : "transform-";
  std::vector<std::string> candidates{name};
  if (!name.starts_with(prefix)) candidates.push_back(prefix + name);
  if (role == protocol::ConnectorRole::kDestination && !name.starts_with("destination-")) {
    candidates.push_back("destination-" + name);
  }
  for (const auto& dir : dirs_) {
    for (const auto& candidate : candidates) {
      const fs::path path = dir / (candidate + ".wasm");
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) continue;
      auto module = engine_.load(path);
      if (!module) return std::unexpected(module.error());
      if ((*module)->role != role) {
        return std::unexpected("connector '" + name + "' (" + path.string() + ") is a " +
                               std::string(protocol::role_name((*module)->role)) + ", not a " +
                               std::string(protocol::role_name(role)));
      }
      return module;
    }
  }
  std::string searched;
  for (const auto& dir : dirs_) searched += (searched.empty() ? "" : ", ") + dir.string();
  return std::unexpected("no " + std::string(protocol::role_name(role)) + " connector named '" +
                         name + "' in " +
                         (searched.empty() ? "(no connector directories)" : searched));
}

ConnectorCatalog::Listing ConnectorCatalog::list() const {
  Listing listing;
  std::set<std::string> seen;
  for (const auto& dir : dirs_) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".wasm") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      if (!seen.insert(file.filename().string()).second) continue;
      auto module = engine_.load(file);
      if (module) {
        listing.modules.push_back(*module);
      } else {
        listing.errors.push_back(module.error());
      }
    }
  }
  return listing;
}

}  // namespace rapidbyte::engine
