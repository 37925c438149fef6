// Shared setup of runtime tests: one engine with a private AOT cache, and
// loading of the test guests and connectors the build produced.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "host/runtime/connector_instance.hpp"
#include "host/runtime/wasm_engine.hpp"
#include "tests/host/recording_services.hpp"

namespace rapidbyte::test {

inline std::filesystem::path test_guest(const std::string& name) {
  return std::filesystem::path(RAPIDBYTE_TEST_GUEST_DIR) / (name + ".wasm");
}
inline std::filesystem::path connector(const std::string& name) {
  return std::filesystem::path(RAPIDBYTE_CONNECTOR_DIR) / (name + ".wasm");
}

class RuntimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cache_dir_ = std::filesystem::temp_directory_path() /
                 ("rapidbyte-test-aot-" + std::to_string(::getpid()));
    auto engine = runtime::WasmEngine::create({cache_dir_});
    ASSERT_TRUE(engine) << engine.error();
    engine_ = std::move(*engine);
  }
  static void TearDownTestSuite() {
    engine_.reset();
    std::filesystem::remove_all(cache_dir_);
  }

  std::shared_ptr<const runtime::ConnectorModule> load(const std::filesystem::path& path) {
    auto module = engine_->load(path);
    EXPECT_TRUE(module) << module.error();
    return module ? *module : nullptr;
  }

  std::unique_ptr<runtime::ConnectorInstance> instantiate(const std::filesystem::path& path,
                                                          runtime::SandboxPolicy policy = {}) {
    auto module = load(path);
    if (!module) return nullptr;
    auto instance = runtime::ConnectorInstance::create(*engine_, module, &services_, policy);
    EXPECT_TRUE(instance) << instance.error().message;
    return instance ? std::move(*instance) : nullptr;
  }

  static inline std::unique_ptr<runtime::WasmEngine> engine_;
  static inline std::filesystem::path cache_dir_;
  RecordingServices services_;
};

}  // namespace rapidbyte::test
