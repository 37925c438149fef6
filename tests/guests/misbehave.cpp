// test-misbehave.wasm: a source whose `run` misbehaves on purpose, so host
// tests can prove the sandbox ends runaway guests with clear errors. The
// config string given to `open` (not JSON) picks the behaviour:
//   "loop"  spins forever without host calls (wall-clock timeout),
//   "hog"   allocates and touches 1 MiB blocks forever (memory cap),
//   "trap"  executes an unreachable instruction (trap -> structured error),
//   "flood" logs one 2 MiB line and puts a 2 MiB state value (host-side
//           copy bounds),
//   "ok"    returns an empty read summary.
#include <cstdlib>
#include <cstring>
#include <string>

#include "guest/sdk/sdk.hpp"

namespace {

using namespace rapidbyte;

class Misbehave final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config) override {
    mode_ = config;
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    if (mode_ == "flood") {
      const std::string big(2u << 20, 'x');
      ctx.info(big);
      if (auto put = ctx.state_put(protocol::StateScope::kPipeline, "k", big); !put)
        return std::unexpected(put.error());
    }
    if (mode_ == "loop") {
      volatile uint64_t counter = 0;
      for (;;) counter = counter + 1;
    }
    if (mode_ == "hog") {
      constexpr size_t kBlock = 1 << 20;
      for (;;) {
        auto* block = static_cast<volatile uint8_t*>(std::malloc(kBlock));
        if (block == nullptr) std::abort();
        for (size_t i = 0; i < kBlock; i += 4096) block[i] = 1;
      }
    }
    if (mode_ == "trap") __builtin_trap();
    return sdk::summary(protocol::ReadSummary{});
  }

 private:
  std::string mode_;
};

}  // namespace

RAPIDBYTE_EXPORT_SOURCE(Misbehave)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "test-misbehave",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Test guest that loops, hogs memory or traps on request.",
  "capabilities": {"sync_modes": ["full_refresh"], "write_modes": []},
  "permissions": {"network": {"hosts": [], "hosts_from_config": []}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 64},
  "config_schema": {}
});
// clang-format on
