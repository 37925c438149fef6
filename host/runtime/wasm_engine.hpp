// The process-wide WebAssembly engine: one wasmtime engine configured for
// connectors (Cranelift, epoch interruption for wall-clock limits), the thread
// that advances the epoch, and the on-disk cache of compiled modules.
//
// Thread-safe: modules are loaded and instantiated from any stage thread.
#pragma once

#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "host/runtime/connector_module.hpp"
#include "host/runtime/wasmtime_handles.hpp"

namespace rapidbyte::runtime {

class WasmEngine {
 public:
  struct Options {
    // Where compiled modules are kept between runs; empty disables the cache.
    std::filesystem::path aot_cache_dir;
  };

  // How often the epoch advances, i.e. the granularity of wall-clock limits.
  static constexpr std::chrono::milliseconds kEpochTick{10};

  static std::expected<std::unique_ptr<WasmEngine>, std::string> create(Options options);
  ~WasmEngine();
  WasmEngine(const WasmEngine&) = delete;
  WasmEngine& operator=(const WasmEngine&) = delete;

  // Reads, checks and compiles (or fetches from the AOT cache) the connector
  // module at `path`. Errors name the file.
  std::expected<std::shared_ptr<const ConnectorModule>, std::string> load(
      const std::filesystem::path& path) const;

  wasm_engine_t* raw() const { return engine_.get(); }

  // Held while a store is created and instantiated, and while one is
  // dropped, in a ThreadSanitizer build; an empty lock otherwise. wasmtime
  // maps and unmaps guest linear memory with raw system calls the sanitizer
  // cannot see, so an address reused by an instance on another thread would
  // look like a data race, and thousands of such reports (each one looked up
  // against every earlier one) slow a run from seconds to many minutes.
  // Ordering the two under one mutex shows the sanitizer the real order.
  std::unique_lock<std::mutex> order_memory_reuse() const;

 private:
  WasmEngine(EnginePtr engine, Options options);

  std::expected<ModulePtr, std::string> compile(std::span<const uint8_t> wasm,
                                                bool* from_cache) const;

  EnginePtr engine_;
  Options options_;
  std::jthread epoch_ticker_;
  mutable std::mutex memory_reuse_;
};

// The default AOT cache directory: $RAPIDBYTE_CACHE_DIR/aot or ~/.cache/rapidbyte/aot.
std::filesystem::path default_aot_cache_dir();

}  // namespace rapidbyte::runtime
