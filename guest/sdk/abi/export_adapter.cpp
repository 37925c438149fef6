#include "guest/sdk/abi/export_adapter.hpp"

#include <string>

#include "guest/sdk/abi/lift.hpp"
#include "guest/sdk/abi/lower.hpp"
#include "guest/sdk/abi/owned.hpp"
#include "guest/sdk/session_registry.hpp"

namespace rapidbyte::sdk::abi {

namespace {

bool fail(const protocol::ConnectorError& error, ConnectorError* err) {
  *err = lower<ConnectorError>(error);
  return false;
}

bool unknown_session(uint64_t session, ConnectorError* err) {
  return fail(
      make_error(protocol::ErrorCategory::kInternal,
                 "unknown or closed session " + std::to_string(session), "SDK_UNKNOWN_SESSION"),
      err);
}

}  // namespace

bool export_open(ConnectorFactory factory, String* config, uint64_t* ret, ConnectorError* err) {
  AbiOwned<String, free_string> owned_config(*config);
  std::unique_ptr<Connector> connector = factory();
  const std::string_view json(reinterpret_cast<const char*>(owned_config->ptr), owned_config->len);
  if (Result<void> opened = connector->open(json); !opened) return fail(opened.error(), err);
  *ret = SessionRegistry::instance().add(std::move(connector));
  return true;
}

bool export_validate(uint64_t session, ValidationReport* ret, ConnectorError* err) {
  Connector* connector = SessionRegistry::instance().find(session);
  if (connector == nullptr) return unknown_session(session, err);
  Context ctx(kWorldRole);
  Result<protocol::ValidationReport> report = connector->validate(ctx);
  if (!report) return fail(report.error(), err);
  *ret = lower<ValidationReport>(*report);
  return true;
}

bool export_run(uint64_t session, RunRequest* request, RunSummary* ret, ConnectorError* err) {
  protocol::RunRequest lifted;
  {
    AbiOwned<RunRequest, rapidbyte_connector_stream_types_run_request_free> owned(*request);
    lifted = lift<protocol::RunRequest>(*owned);
  }
  Connector* connector = SessionRegistry::instance().find(session);
  if (connector == nullptr) return unknown_session(session, err);
  if (!role_runs(kWorldRole, lifted.phase)) {
    return fail(unsupported_phase(kWorldRole, lifted.phase).error(), err);
  }
  Context ctx(kWorldRole);
  if (lifted.streams.size() == 1) ctx.set_run_stream(lifted.streams[0].stream_name);
  Result<protocol::RunSummary> summary = connector->run(ctx, lifted);
  if (!summary) return fail(summary.error(), err);
  summary->role = kWorldRole;
  *ret = lower<RunSummary>(*summary);
  return true;
}

bool export_close(uint64_t session, ConnectorError* err) {
  std::unique_ptr<Connector> connector = SessionRegistry::instance().remove(session);
  if (connector == nullptr) return unknown_session(session, err);
  if (Result<void> closed = connector->close(); !closed) return fail(closed.error(), err);
  return true;
}

}  // namespace rapidbyte::sdk::abi
