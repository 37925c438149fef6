// test-misbehave.wasm: a source whose `run` misbehaves on purpose, so host
// tests can prove the sandbox ends runaway guests with clear errors, and
// that what the host keeps on a guest's behalf stays bounded. The config
// string given to `open` picks the behaviour (as is, or as {"mode": ...}
// from a pipeline):
//   "loop"  spins forever without host calls (wall-clock timeout),
//   "hog"   allocates and touches 1 MiB blocks forever (memory cap),
//   "trap"  executes an unreachable instruction (trap -> structured error),
//   "garbage_ipc" emits 64 bytes that are not Arrow IPC as a batch,
//   "oob"   stores to address 0xfffffff0, past the end of its memory,
//   "recurse" recurses without end on the wasm call stack (small frames),
//   "deep_frames" recurses with 64 KiB frames on the shadow stack in
//           linear memory,
//   "flood" logs one 2 MiB line and puts a 2 MiB state value (host-side
//           copy bounds),
//   "metrics" reports 200,000 distinct metrics with 1 KB names,
//   "dead_letters" sends 300 dead letters of 1 MiB each,
//   "logs"  logs 100 MiB in lines of 1 MiB,
//   "state" puts 20 state values of 2 MiB each,
//   "checkpoints" sends 300,000 checkpoints with 1 KiB cursors,
//   "ignore_limit" emits 3 batches of 10 rows (column n: 1..30) whatever
//           max-records asks,
//   "ok"    returns an empty read summary.
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "guest/sdk/sdk.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/base/try.hpp"

namespace {

using namespace rapidbyte;

// Recursion the compiler cannot turn into a loop: the result of each call
// is used after it returns.
[[gnu::noinline]] uint64_t recurse(volatile uint64_t* depth) {
  *depth = *depth + 1;
  return recurse(depth) + *depth;
}

// Each frame holds 64 KiB on the shadow stack (the 1 MiB region of linear
// memory below the data): it runs out after 16 calls.
[[gnu::noinline]] uint64_t deep_frames(uint64_t depth) {
  volatile uint8_t frame[64 << 10];
  frame[depth % sizeof frame] = static_cast<uint8_t>(depth);
  return deep_frames(depth + 1) + frame[0];
}

class Misbehave final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config) override {
    mode_ = config;
    if (config.starts_with("{")) {
      RB_ASSIGN_OR_RETURN(auto parsed, sdk::JsonConfig::parse(config));
      auto mode = parsed.require_string("mode");
      if (!mode) return std::unexpected(mode.error());
      mode_ = *mode;
    }
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    if (mode_ == "flood") {
      const std::string big(2u << 20, 'x');
      ctx.info(big);
      RB_TRY(ctx.state_put(protocol::StateScope::kPipeline, "k", big));
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
    if (mode_ == "metrics") {
      const std::string padding(1000, 'm');  // 200 MB of names in all
      for (int i = 0; i < 200'000; ++i) ctx.gauge(padding + std::to_string(i), i);
    }
    if (mode_ == "dead_letters") {
      const std::string record = "{\"x\":\"" + std::string(1u << 20, 'x') + "\"}";
      protocol::DlqRecord letter{"s", record, {}};
      letter.error.category = protocol::ErrorCategory::kData;
      letter.error.code = "BAD_ROW";
      for (int i = 0; i < 300; ++i) {
        letter.error.message = "row " + std::to_string(i);
        ctx.dlq(letter);
      }
    }
    if (mode_ == "logs") {
      const std::string line(1u << 20, 'l');
      for (int i = 0; i < 100; ++i) ctx.info(line);
    }
    if (mode_ == "state") {
      const std::string value(2u << 20, 'v');
      for (int i = 0; i < 20; ++i) {
        auto put = ctx.state_put(protocol::StateScope::kPipeline, "k" + std::to_string(i), value);
        if (!put) return std::unexpected(put.error());
      }
    }
    if (mode_ == "checkpoints") {
      protocol::CheckpointInfo info;
      info.stream_name = "s";
      info.cursor_field = "c";
      for (int i = 0; i < 300'000; ++i) {
        info.cursor_value = protocol::CursorValue(std::in_place_index<protocol::cursor_kind::kText>,
                                                  std::string(1000, 'c') + std::to_string(i));
        ctx.checkpoint(info);
      }
    }
    if (mode_ == "ignore_limit") {
      auto schema = arrow::make_schema({arrow::field("n", arrow::int64(), false)});
      for (int64_t first = 1; first <= 21; first += 10) {
        arrow::Int64Builder n;
        for (int64_t i = first; i < first + 10; ++i) n.append(i);
        auto column = n.finish();
        if (!column) return sdk::internal_error(column.error().message);
        auto batch = arrow::RecordBatch::make(schema, {*column});
        if (!batch) return sdk::internal_error(batch.error().message);
        arrow::IpcStreamWriter writer(schema);
        if (auto w = writer.write(*batch); !w) return sdk::internal_error(w.error().message);
        RB_TRY(ctx.batch_emit(writer.finish()));
      }
    }
    if (mode_ == "garbage_ipc") {
      const std::vector<uint8_t> garbage(64, 0xAB);
      RB_TRY(ctx.batch_emit(garbage));
    }
    if (mode_ == "trap") __builtin_trap();
    if (mode_ == "oob") *reinterpret_cast<volatile uint32_t*>(uintptr_t{0xfffffff0}) = 1;
    volatile uint64_t depth = 0;
    if (mode_ == "recurse") return sdk::summary(protocol::ReadSummary{recurse(&depth)});
    if (mode_ == "deep_frames") return sdk::summary(protocol::ReadSummary{deep_frames(0)});
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
