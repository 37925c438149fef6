// A connector's manifest: who it is, which roles and modes it supports, what
// it needs (network, env, filesystem, memory) and the JSON Schema of its
// config. Embedded by the SDK in the module's `rapidbyte.manifest` custom
// section; read by the host before the guest ever runs.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "portable/protocol/types.hpp"

namespace rapidbyte::runtime {

inline constexpr std::string_view kManifestSection = "rapidbyte.manifest";

// A directory the connector asks to be granted (a WASI preopen): a fixed
// path, or the one a top-level config field names (e.g. dest-file's `path`).
struct FilesystemNeed {
  enum class Access { kRead, kReadWrite };
  std::string path;
  std::string from_config;
  Access access = Access::kRead;
};

struct Manifest {
  std::string id;
  std::string version;
  std::string description;
  uint32_t protocol_version = 0;
  std::vector<protocol::ConnectorRole> roles;
  std::vector<protocol::SyncMode> sync_modes;
  std::vector<protocol::WriteMode> write_modes;
  // How a source orders an incremental read: by the stream's cursor_field
  // (a column), or by a position the connector keeps itself in the cursor
  // (source-file: the files read), with no cursor_field.
  enum class Cursor : uint8_t { kColumn, kConnector };
  Cursor cursor = Cursor::kColumn;
  // Hosts the connector may always reach.
  std::vector<std::string> network_hosts;
  // Config fields whose values name hosts the connector may reach.
  std::vector<std::string> network_hosts_from_config;
  std::vector<std::string> env;
  std::vector<FilesystemNeed> filesystem;
  uint64_t memory_mb = 0;
  // The config's JSON Schema, as JSON text ("{}" when absent).
  std::string config_schema;

  // Parses and checks the manifest JSON; errors name the offending field.
  static std::expected<Manifest, std::string> parse(std::string_view json);
};

}  // namespace rapidbyte::runtime
