// test-abi-echo.wasm: a source module that exercises every type shape of the
// v4 contract, so host tests can check the canonical ABI in both directions
// value by value. Each output is a fixed function of the inputs (see
// tests/host for the expectations):
//
//   open(config)   "fail" -> the full error of kFailError; otherwise
//                  session 1000 + byte length of config.
//   validate(s)    warning; checks [session: passed "<s>"], [empty: failed ""].
//   run(s, req)    if streams[0] is named "tcp": the error of tcp-connect to
//                  db.example.invalid:5432. Otherwise, per stream: a source
//                  checkpoint echoing the stream context, then batch-emit of
//                  the stream name; then every batch-next input re-emitted
//                  reversed; then state, log, metric and dlq calls; and a
//                  summary whose every field is derived from the request.
//   close(s)       ok.
//
// Unlike a connector, it defines the role's exports itself (sessions must be
// exactly the values above, not SDK-assigned ones), but it converts values
// with the SDK's lift/lower layer and calls the host through sdk::Context, so
// the host tests cover that layer too.
#include <algorithm>
#include <string>

#include "guest/sdk/abi/lift.hpp"
#include "guest/sdk/abi/lower.hpp"
#include "guest/sdk/abi/owned.hpp"
#include "guest/sdk/context.hpp"
#include "guest/sdk/error.hpp"
#include "guest/sdk/manifest.hpp"
#include "portable/base/try.hpp"

namespace {

using namespace rapidbyte;
namespace abi = sdk::abi;

protocol::ConnectorError fail_error() {
  protocol::ConnectorError e;
  e.category = protocol::ErrorCategory::kSchema;
  e.scope = protocol::ErrorScope::kPerRecord;
  e.code = "ECHO_FAIL";
  e.message = "open failed: fail";
  e.retryable = true;
  e.retry_after_ms = 1234;
  e.backoff_class = protocol::BackoffClass::kSlow;
  e.safe_to_retry = true;
  e.commit_state = protocol::CommitState::kAfterCommitUnknown;
  e.details = {{"k1", "v1"}, {"k2", ""}};
  return e;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

protocol::CatalogStream catalog_stream(const protocol::StreamContext& s) {
  protocol::CatalogStream c;
  c.name = s.stream_name;
  c.namespace_ = s.cursor_field;
  for (const std::string& column : s.selected_columns) {
    c.columns.push_back({column, "pk:" + join(s.primary_key, ","),
                         "write-mode:" + std::to_string(static_cast<int>(s.write_mode)),
                         s.partition.has_value()});
  }
  c.primary_key = s.primary_key;
  c.cursor_candidates = s.selected_columns;
  c.sync_modes = {s.sync_mode, protocol::SyncMode::kFullRefresh};
  return c;
}

sdk::Result<protocol::RunSummary> echo_run(sdk::Context& ctx, uint64_t session,
                                           const protocol::RunRequest& req) {
  if (!req.streams.empty() && req.streams[0].stream_name == "tcp") {
    RB_TRY(ctx.tcp_connect("db.example.invalid", 5432, 1000));
    return sdk::internal_error("tcp-connect unexpectedly succeeded");
  }

  protocol::ReadSummary read;
  protocol::Catalog catalog;
  for (const protocol::StreamContext& s : req.streams) {
    ctx.checkpoint({protocol::CheckpointKind::kSource, s.stream_name, s.cursor_field,
                    s.last_cursor_value, s.limits.max_batch_bytes,
                    s.limits.checkpoint_interval_rows});
    RB_TRY(ctx.batch_emit(s.stream_name, bytes_of(s.stream_name)));
    read.records += 1;
    read.bytes += s.stream_name.size();
    catalog.streams.push_back(catalog_stream(s));
  }
  while (std::optional<sdk::HostBytes> batch = ctx.batch_next()) {
    std::ranges::reverse(batch->mutable_span());
    const std::string last = req.streams.empty() ? "" : req.streams.back().stream_name;
    RB_TRY(ctx.batch_emit(last, *batch));
  }

  RB_ASSIGN_OR_RETURN(auto value, ctx.state_get(protocol::StateScope::kPipeline, "k"));
  if (value.has_value()) {
    auto put = ctx.state_put(protocol::StateScope::kPerStream, "k", *value + "!");
    if (!put) return std::unexpected(put.error());
  }
  RB_ASSIGN_OR_RETURN(auto swapped, ctx.state_cas(protocol::StateScope::kConnectorInstance, "c",
                                                  std::nullopt, "x"));
  ctx.info(swapped ? "cas=true" : "cas=false");
  ctx.metric({"m",
              protocol::MetricValue(std::in_place_index<protocol::metric_kind::kHistogram>, 2.5),
              {{"a", "b"}}});
  ctx.dlq({"s", R"({"a":1})", fail_error()});

  read.batches = req.dry_run ? 1 : 0;
  read.checkpoints = req.max_records.value_or(999);
  protocol::RunSummary summary;
  summary.role = protocol::ConnectorRole::kSource;
  summary.read = read;
  summary.transform =
      protocol::TransformSummary{session, session, session, session, session, session};
  summary.catalog = std::move(catalog);
  return summary;
}

}  // namespace

extern "C" bool exports_rapidbyte_connector_source_open(abi::String* config, uint64_t* ret,
                                                        abi::ConnectorError* err) {
  abi::AbiOwned<abi::String, abi::free_string> owned(*config);
  if (abi::lift<std::string>(*owned) == "fail") {
    *err = abi::lower<abi::ConnectorError>(fail_error());
    return false;
  }
  *ret = 1000 + owned->len;
  return true;
}

extern "C" bool exports_rapidbyte_connector_source_validate(uint64_t session,
                                                            abi::ValidationReport* ret,
                                                            abi::ConnectorError*) {
  protocol::ValidationReport report;
  report.status = protocol::CheckStatus::kWarning;
  report.checks = {{"session", protocol::CheckStatus::kPassed, std::to_string(session)},
                   {"empty", protocol::CheckStatus::kFailed, ""}};
  *ret = abi::lower<abi::ValidationReport>(report);
  return true;
}

extern "C" bool exports_rapidbyte_connector_source_run(uint64_t session, abi::RunRequest* request,
                                                       abi::RunSummary* ret,
                                                       abi::ConnectorError* err) {
  protocol::RunRequest req;
  {
    abi::AbiOwned<abi::RunRequest, rapidbyte_connector_stream_types_run_request_free> owned(
        *request);
    req = abi::lift<protocol::RunRequest>(*owned);
  }
  sdk::Context ctx(protocol::ConnectorRole::kSource);
  sdk::Result<protocol::RunSummary> summary = echo_run(ctx, session, req);
  if (!summary) {
    *err = abi::lower<abi::ConnectorError>(summary.error());
    return false;
  }
  *ret = abi::lower<abi::RunSummary>(*summary);
  return true;
}

extern "C" bool exports_rapidbyte_connector_source_close(uint64_t, abi::ConnectorError*) {
  return true;
}

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "test-abi-echo",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Test guest echoing every type shape of the v4 contract.",
  "capabilities": {"sync_modes": ["full_refresh", "incremental", "cdc"],
                   "write_modes": ["append", "replace", "upsert"]},
  "permissions": {"network": {"hosts": ["db.example.invalid"], "hosts_from_config": []},
                  "env": [], "filesystem": []},
  "resources": {"memory_mb": 64},
  "config_schema": {}
});
// clang-format on
