// One running connector: a wasmtime store with the module instantiated in it,
// a restricted WASI (only the granted directories, allow-listed env, stdout/stderr to the host
// log), the v4 imports bound to the stage's HostServices, and typed calls to
// the role's open / validate / run / close.
//
// Every guest fault comes back as a structured ConnectorError naming the
// connector, the phase and, for limits, the limit: a trap, the memory cap, the
// wall-clock limit, a broken canonical ABI. After a fault the instance refuses
// further calls; the host itself is never affected.
//
// Not thread-safe: one instance belongs to one stage thread.
#pragma once

#include <memory>
#include <string>

#include "host/runtime/canonical_abi/export_call.hpp"
#include "host/runtime/connector_module.hpp"
#include "host/runtime/host_services.hpp"
#include "host/runtime/sandbox_policy.hpp"
#include "host/runtime/store_data.hpp"
#include "host/runtime/wasm_engine.hpp"

namespace rapidbyte::runtime {

class ConnectorInstance {
 public:
  // REQUIRES: `engine` and `services` outlive the instance.
  static ConnectorResult<std::unique_ptr<ConnectorInstance>> create(
      const WasmEngine& engine, std::shared_ptr<const ConnectorModule> module,
      HostServices* services, SandboxPolicy policy);
  ~ConnectorInstance();
  ConnectorInstance(const ConnectorInstance&) = delete;
  ConnectorInstance& operator=(const ConnectorInstance&) = delete;

  ConnectorResult<protocol::Session> open(const std::string& config_json);
  ConnectorResult<protocol::ValidationReport> validate();
  ConnectorResult<protocol::RunSummary> run(const protocol::RunRequest& request);
  ConnectorResult<void> close();

  const ConnectorModule& module() const { return *module_; }
  const std::string& id() const { return module_->manifest.id; }

 private:
  ConnectorInstance(std::shared_ptr<const ConnectorModule> module, HostServices* services,
                    SandboxPolicy policy);

  ConnectorResult<void> instantiate(const WasmEngine& engine);
  ConnectorResult<abi::ExportFunction> find_export(const std::string& name);

  // Calls export `fn` as phase `phase` with the wall-clock limit armed, turning
  // a guest fault into a ConnectorError.
  template <class T, class... Args>
  ConnectorResult<T> call(const std::string& phase, const abi::ExportFunction& fn,
                          const Args&... args);
  protocol::ConnectorError fault_error(const std::string& phase, const abi::CallFailure& failure);
  // Which of the guest's stacks `failure` ran out of, if that was its cause.
  std::optional<std::string> exhausted_stack(const abi::CallFailure& failure);

  const WasmEngine* engine_ = nullptr;  // set by instantiate; outlives the instance
  std::shared_ptr<const ConnectorModule> module_;
  SandboxPolicy policy_;
  std::unique_ptr<StoreData> data_;
  StorePtr store_;
  wasmtime_instance_t instance_{};
  // The shadow stack's pointer, for modules that export it (the SDK's do).
  std::optional<wasmtime_global_t> stack_pointer_;
  abi::ExportFunction open_, validate_, run_, close_;
  protocol::Session session_ = 0;
  bool opened_ = false;
  std::optional<std::string> poisoned_;  // why the instance is unusable
};

}  // namespace rapidbyte::runtime
