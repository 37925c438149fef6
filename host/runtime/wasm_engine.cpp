#include "host/runtime/wasm_engine.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "portable/crypto/hex.hpp"

namespace rapidbyte::runtime {

namespace {

std::expected<std::vector<uint8_t>, std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected("cannot open " + path.string());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) return std::unexpected("cannot read " + path.string());
  return bytes;
}

// Cache key: the module bytes and everything that changes the machine code.
std::string cache_key(std::span<const uint8_t> wasm) {
  const std::string salt = std::string("wasmtime-" WASMTIME_VERSION "-epoch-x86_64");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx.get(), wasm.data(), wasm.size());
  EVP_DigestUpdate(ctx.get(), salt.data(), salt.size());
  EVP_DigestFinal_ex(ctx.get(), digest, &digest_len);
  return crypto::to_hex(std::span<const uint8_t>(digest, digest_len));
}

}  // namespace

std::filesystem::path default_aot_cache_dir() {
  if (const char* dir = std::getenv("RAPIDBYTE_CACHE_DIR"); dir && *dir) {
    return std::filesystem::path(dir) / "aot";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "rapidbyte" / "aot";
  }
  return {};
}

std::expected<std::unique_ptr<WasmEngine>, std::string> WasmEngine::create(Options options) {
  wasm_config_t* config = wasm_config_new();
  wasmtime_config_epoch_interruption_set(config, true);
  wasmtime_config_cranelift_opt_level_set(config, WASMTIME_OPT_LEVEL_SPEED);
#ifdef __SANITIZE_THREAD__
  // Cranelift's worker threads synchronize in uninstrumented Rust, which
  // ThreadSanitizer cannot see; compiling on the calling thread keeps its
  // reports about this program's threads.
  wasmtime_config_parallel_compilation_set(config, false);
#else
  wasmtime_config_parallel_compilation_set(config, true);
#endif
  // For profiling guests with `perf`: wasmtime writes /tmp/perf-<pid>.map so
  // perf can name JIT-compiled guest functions.
  if (const char* perfmap = std::getenv("RAPIDBYTE_WASM_PERFMAP"); perfmap && *perfmap == '1') {
    wasmtime_config_profiler_set(config, WASMTIME_PROFILING_STRATEGY_PERFMAP);
  }
  EnginePtr engine(wasm_engine_new_with_config(config));  // takes ownership of config
  if (!engine) return std::unexpected("cannot create the wasmtime engine");
  return std::unique_ptr<WasmEngine>(new WasmEngine(std::move(engine), std::move(options)));
}

WasmEngine::WasmEngine(EnginePtr engine, Options options)
    : engine_(std::move(engine)), options_(std::move(options)) {
  epoch_ticker_ = std::jthread([engine = engine_.get()](const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      std::this_thread::sleep_for(kEpochTick);
      wasmtime_engine_increment_epoch(engine);
    }
  });
}

std::unique_lock<std::mutex> WasmEngine::order_memory_reuse() const {
#ifdef __SANITIZE_THREAD__
  return std::unique_lock(memory_reuse_);
#else
  return {};
#endif
}

WasmEngine::~WasmEngine() {
  epoch_ticker_.request_stop();
  if (epoch_ticker_.joinable()) epoch_ticker_.join();
}

std::expected<ModulePtr, std::string> WasmEngine::compile(std::span<const uint8_t> wasm,
                                                          bool* from_cache) const {
  *from_cache = false;
  std::filesystem::path cached;
  if (!options_.aot_cache_dir.empty()) {
    cached = options_.aot_cache_dir / (cache_key(wasm) + ".cwasm");
    std::error_code ec;
    if (std::filesystem::exists(cached, ec)) {
      wasmtime_module_t* module = nullptr;
      ErrorPtr error(wasmtime_module_deserialize_file(engine_.get(), cached.c_str(), &module));
      if (!error) {
        *from_cache = true;
        return ModulePtr(module);
      }
      // A stale or damaged entry: compile again and replace it.
    }
  }

  wasmtime_module_t* module = nullptr;
  ErrorPtr error(wasmtime_module_new(engine_.get(), wasm.data(), wasm.size(), &module));
  if (error) return std::unexpected("compile failed: " + error_message(error.get()));
  ModulePtr owned(module);

  if (!cached.empty()) {
    wasm_byte_vec_t serialized;
    ErrorPtr ser_error(wasmtime_module_serialize(owned.get(), &serialized));
    if (!ser_error) {
      std::error_code ec;
      std::filesystem::create_directories(cached.parent_path(), ec);
      // Write beside the final name, then rename: readers never see half a file.
      const auto temp = cached.string() + ".tmp." + std::to_string(::getpid());
      {
        std::ofstream out(temp, std::ios::binary);
        out.write(serialized.data, static_cast<std::streamsize>(serialized.size));
      }
      std::filesystem::rename(temp, cached, ec);
      if (ec) std::filesystem::remove(temp, ec);
      wasm_byte_vec_delete(&serialized);
    }
  }
  return owned;
}

std::expected<std::shared_ptr<const ConnectorModule>, std::string> WasmEngine::load(
    const std::filesystem::path& path) const {
  auto fail = [&](const std::string& what) {
    return std::unexpected("connector module " + path.string() + ": " + what);
  };
  auto bytes = read_file(path);
  if (!bytes) return fail(bytes.error());
  auto identity = identify_module(*bytes);
  if (!identity) return fail(identity.error());

  auto module = std::make_shared<ConnectorModule>();
  module->path = path;
  module->world = identity->world;
  module->role = identity->role;
  module->manifest = std::move(identity->manifest);
  auto compiled = compile(*bytes, &module->from_aot_cache);
  if (!compiled) return fail(compiled.error());
  module->module = std::move(*compiled);
  return module;
}

}  // namespace rapidbyte::runtime
