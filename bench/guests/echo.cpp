// bench-echo.wasm: the guest half of bench/batch_path_bench. The config
// string picks the loop:
//   "echo"     returns every batch from batch_next to batch_emit unchanged,
//              so each batch crosses the boundary once in each direction;
//   "calls:N"  makes N batch_next calls that the host answers with none,
//              the cheapest round trip through the host.
#include <cstdlib>
#include <string>

#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

namespace {

using namespace rapidbyte;

class Echo final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config) override {
    mode_ = config;
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    protocol::ReadSummary read;
    if (mode_.starts_with("calls:")) {
      const uint64_t calls = std::strtoull(mode_.c_str() + 6, nullptr, 10);
      for (uint64_t i = 0; i < calls; ++i) (void)ctx.batch_next();
      read.records = calls;
      return sdk::summary(read);
    }
    while (auto batch = ctx.batch_next()) {
      RB_TRY(ctx.batch_emit(batch->span()));
      ++read.batches;
      read.bytes += batch->span().size();
    }
    return sdk::summary(read);
  }

 private:
  std::string mode_;
};

}  // namespace

RAPIDBYTE_EXPORT_SOURCE(Echo)

RAPIDBYTE_MANIFEST({
  "id" : "bench-echo",
  "version" : "0.1.0",
  "protocol_version" : 4,
  "roles" : ["source"],
  "description" : "Benchmark guest: echoes batches or makes empty host calls.",
  "capabilities" : {"sync_modes" : ["full_refresh"], "write_modes" : []},
  "permissions" :
      {"network" : {"hosts" : [], "hosts_from_config" : []}, "env" : [], "filesystem" : []},
  "resources" : {"memory_mb" : 64},
  "config_schema" : {}
});
