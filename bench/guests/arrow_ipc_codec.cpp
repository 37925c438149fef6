// bench-arrow-ipc.wasm: the guest half of bench/arrow_ipc_bench. Config
// "<rows>:<repeat>": builds the benchmark table, then times the Arrow IPC
// encode and decode inside the sandbox (best of `repeat`) and reports
//   "encode_s=<s> decode_s=<s> bytes=<n>"
// as an info log line, which the benchmark host parses.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/arrow_bench_table.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"

namespace {

using namespace rapidbyte;
using Clock = std::chrono::steady_clock;

class ArrowIpcCodec final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config) override {
    config_ = config;
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    char* rest = nullptr;
    const int64_t rows = std::strtoll(config_.c_str(), &rest, 10);
    const int repeat = *rest == ':' ? std::atoi(rest + 1) : 1;
    const arrow::RecordBatch batch = bench::make_arrow_bench_batch(rows);
    double encode = 1e9, decode = 1e9;
    std::vector<uint8_t> bytes;
    for (int i = 0; i < repeat; ++i) {
      bytes.clear();
      auto start = Clock::now();
      arrow::IpcStreamWriter writer(batch.schema(), std::move(bytes));
      (void)writer.write(batch);
      bytes = writer.finish();
      encode = std::min(encode, std::chrono::duration<double>(Clock::now() - start).count());
      start = Clock::now();
      auto contents = arrow::read_ipc_stream(bytes);
      decode = std::min(decode, std::chrono::duration<double>(Clock::now() - start).count());
      if (!contents) {
        return sdk::internal_error("decode failed: " + contents.error().message);
      }
    }
    char line[128];
    std::snprintf(line, sizeof(line), "encode_s=%.6f decode_s=%.6f bytes=%zu", encode, decode,
                  bytes.size());
    ctx.info(line);
    protocol::ReadSummary read;
    read.records = static_cast<uint64_t>(rows);
    read.bytes = bytes.size();
    return sdk::summary(read);
  }

 private:
  std::string config_;
};

}  // namespace

RAPIDBYTE_EXPORT_SOURCE(ArrowIpcCodec)

RAPIDBYTE_MANIFEST({
  "id" : "bench-arrow-ipc",
  "version" : "0.1.0",
  "protocol_version" : 4,
  "roles" : ["source"],
  "description" : "Benchmark guest: times Arrow IPC encode/decode inside the sandbox.",
  "capabilities" : {"sync_modes" : ["full_refresh"], "write_modes" : []},
  "permissions" :
      {"network" : {"hosts" : [], "hosts_from_config" : []}, "env" : [], "filesystem" : []},
  "resources" : {"memory_mb" : 3584},
  "config_schema" : {}
});
