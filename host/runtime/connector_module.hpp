// A compiled connector module, checked before anything of it runs: it targets
// a rapidbyte:connector@4.0.0 world (read from the component-type section the
// bindings generator embeds), carries a valid manifest, and its role matches.
//
// Immutable once loaded and safe to share between threads: every stage
// instantiates it in a store of its own.
#pragma once

#include <expected>
#include <filesystem>
#include <span>
#include <string>

#include "host/runtime/manifest.hpp"
#include "host/runtime/wasm_sections.hpp"
#include "host/runtime/wasmtime_handles.hpp"

namespace rapidbyte::runtime {

struct ConnectorModule {
  std::filesystem::path path;
  Manifest manifest;
  protocol::ConnectorRole role = protocol::ConnectorRole::kSource;
  // The world the module was built for, e.g. "rapidbyte:connector/rapidbyte-source@4.0.0".
  std::string world;
  ModulePtr module;
  // True when the machine code came from the AOT cache rather than a compile.
  bool from_aot_cache = false;
};

// What the module's custom sections say about it: its world and role, and its
// manifest. Fails with a message naming what the module targets instead, or
// what is missing or malformed.
struct ModuleIdentity {
  std::string world;
  protocol::ConnectorRole role;
  Manifest manifest;
};
std::expected<ModuleIdentity, std::string> identify_module(std::span<const uint8_t> wasm);

}  // namespace rapidbyte::runtime
