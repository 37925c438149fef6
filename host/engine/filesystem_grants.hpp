// The directories a connector is granted: each one its manifest asks for
// (a fixed path, or the path a config field names), resolved to an absolute
// path, narrowed by the pipeline's `permissions.filesystem`.
//
// Paths are compared after resolving symbolic links, so a config path that
// is a link into somewhere else is judged by where it leads; the guest still
// sees the directory under the name its config gives (made absolute), which
// is the name WASI resolves its paths against. A source's grants are
// read-only, whatever its manifest asks for: a source only reads.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "host/engine/pipeline_config.hpp"
#include "host/runtime/manifest.hpp"
#include "host/runtime/sandbox_policy.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

struct FilesystemGrants {
  // The connector's config with every path its manifest reads from the
  // config made absolute (relative paths are relative to the working
  // directory), so the guest opens what the host granted.
  std::string config_json;
  std::vector<runtime::GrantedDirectory> directories;
};

// Resolves and checks the grants of a connector whose config (already typed
// by its schema) is `config`. A value with a URL scheme (`s3://...`) names no
// local directory and is left alone. Errors name the connector, the config
// field and the path, one line each.
std::expected<FilesystemGrants, std::string> grant_filesystem(const runtime::Manifest& manifest,
                                                              protocol::ConnectorRole role,
                                                              const ConnectorConfig& config);

// Creates each writable granted directory that does not exist yet (a
// destination's output root), so it can be opened for the guest. A failure
// shows when the directory is opened.
void create_writable_directories(const std::vector<runtime::GrantedDirectory>& directories);

}  // namespace rapidbyte::engine
