// test-flaky-dest.wasm: a destination that fails transiently on its first
// `fail_times` attempts (counted in pipeline-scoped state, so the count
// survives the engine's retries), then counts every row it receives. Lets
// engine tests prove that retries follow the connector's error and end with
// exact data. With `commit_batches: N`, a failing attempt first "commits"
// N batches (a destination checkpoint counting their rows), as a real
// destination that commits at intervals would before its connection drops.
#include <string>

#include "guest/sdk/sdk.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/base/try.hpp"

namespace {

using namespace rapidbyte;

class FlakyDest final : public sdk::Destination {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto config, sdk::JsonConfig::parse(config_json));
    auto fail_times = config.get_u64("fail_times", 0);
    if (!fail_times) return std::unexpected(fail_times.error());
    fail_times_ = *fail_times;
    auto commit_batches = config.get_u64("commit_batches", 0);
    if (!commit_batches) return std::unexpected(commit_batches.error());
    commit_batches_ = *commit_batches;
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& request) override {
    RB_ASSIGN_OR_RETURN(auto seen,
                        ctx.state_get(protocol::StateScope::kPipeline, "flaky-attempts"));
    const uint64_t attempt = (seen ? std::stoull(*seen) : 0) + 1;
    RB_TRY(
        ctx.state_put(protocol::StateScope::kPipeline, "flaky-attempts", std::to_string(attempt)));
    protocol::WriteSummary summary;
    while (auto batch = ctx.batch_next()) {
      if (attempt <= fail_times_ && summary.batches == commit_batches_) {
        if (summary.batches > 0) {
          ctx.checkpoint({protocol::CheckpointKind::kDestination, request.streams[0].stream_name,
                          std::nullopt, std::nullopt, summary.records_written, 0});
        }
        return sdk::transient_db_error(
            "connection to the target lost (attempt " + std::to_string(attempt) + ")", "FLAKY");
      }
      auto reader = arrow::IpcStreamReader::open(*batch);
      if (!reader) return sdk::data_error(reader.error().message, "BAD_BATCH");
      while (auto rb = reader->next()) {
        if (!*rb) break;
        summary.records_written += static_cast<uint64_t>((*rb)->num_rows());
      }
      ++summary.batches;
    }
    return sdk::summary(summary);
  }

 private:
  uint64_t fail_times_ = 0;
  uint64_t commit_batches_ = 0;
};

}  // namespace

RAPIDBYTE_EXPORT_DESTINATION(FlakyDest)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "test-flaky-dest",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["destination"],
  "description": "Test destination that fails transiently a given number of times.",
  "capabilities": {"sync_modes": ["full_refresh", "incremental"], "write_modes": ["append", "upsert"]},
  "permissions": {"network": {"hosts": [], "hosts_from_config": []}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 64},
  "config_schema": {"type": "object", "properties": {"fail_times": {"type": "integer", "minimum": 0},
                                                    "commit_batches": {"type": "integer", "minimum": 0}},
                    "additionalProperties": false}
});
// clang-format on
