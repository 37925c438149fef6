#include "host/runtime/connector_instance.hpp"

#include "portable/protocol/mode_names.hpp"

#include "host/runtime/canonical_abi/contract_abi.hpp"
#include "host/runtime/connector_errors.hpp"
#include "host/runtime/contract_imports.hpp"
#include "portable/arrow/utf8.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::runtime {

namespace {

namespace p = rapidbyte::protocol;

p::ConnectorError internal_error(std::string code, std::string message) {
  return make_error(p::ErrorCategory::kInternal, std::move(code), std::move(message));
}

// `text` with each byte that does not begin a valid UTF-8 sequence
// replaced by U+FFFD. Guest output is raw bytes, but the log it goes to is
// text (a terminal, a JSON report).
std::string replace_invalid_utf8(std::string_view text) {
  if (arrow::is_valid_utf8(text)) return std::string(text);
  std::string out;
  while (!text.empty()) {
    // The length the lead byte announces; validated below, so a byte that
    // leads nothing is caught too.
    const size_t n =
        std::min(arrow::code_point_length(static_cast<unsigned char>(text.front())), text.size());
    if (arrow::is_valid_utf8(text.substr(0, n))) {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
    } else {
      out += "\xEF\xBF\xBD";
      text.remove_prefix(1);
    }
  }
  return out;
}

// Guest stdout/stderr: each write goes to the stage's log (HostServices),
// tagged with the stream it came from.
struct GuestOutput {
  HostServices* services;
  const char* stream;
};

ptrdiff_t write_guest_output(void* env, const unsigned char* buf, size_t len) {
  const auto* out = static_cast<const GuestOutput*>(env);
  std::string_view text(reinterpret_cast<const char*>(buf), len);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.empty()) {
    out->services->log(p::LogLevel::kInfo,
                       std::string(out->stream) + ": " + replace_invalid_utf8(text));
  }
  return static_cast<ptrdiff_t>(len);
}

// The context the epoch callback receives: const from wasmtime 50 on (the
// prebuilt library), mutable before (the source build's 48).
#if WASMTIME_VERSION_MAJOR >= 50
using EpochCallbackContext = const wasmtime_context_t;
#else
using EpochCallbackContext = wasmtime_context_t;
#endif

// Called by wasmtime whenever the epoch passes the store's deadline: end the
// call once it has run longer than its wall-clock limit, else look again on
// the next tick.
wasmtime_error_t* on_epoch_deadline(EpochCallbackContext*, void* env, uint64_t* delta,
                                    wasmtime_update_deadline_kind_t* kind) {
  auto* data = static_cast<StoreData*>(env);
  if (data->stop.stop_requested()) return wasmtime_error_new("run cancelled");
  const auto now = std::chrono::steady_clock::now();
  if (data->call_timeout.count() > 0 && now - data->call_started > data->call_timeout) {
    data->timed_out = true;
    static constexpr std::string_view kMessage = "wall-clock limit exceeded";
    return wasmtime_error_new(std::string(kMessage).c_str());
  }
  if (data->no_progress_timeout.count() > 0 &&
      now - data->last_host_call > data->no_progress_timeout) {
    data->stalled = true;
    return wasmtime_error_new("no progress");
  }
  *delta = 1;
  *kind = WASMTIME_UPDATE_DEADLINE_CONTINUE;
  return nullptr;
}

std::string describe_export(p::ConnectorRole role, const char* fn) {
  return std::string("rapidbyte:connector/") + std::string(protocol::role_name(role)) + "@4.0.0#" +
         fn;
}

}  // namespace

ConnectorInstance::ConnectorInstance(std::shared_ptr<const ConnectorModule> module,
                                     HostServices* services, SandboxPolicy policy)
    : module_(std::move(module)), policy_(std::move(policy)) {
  data_ = std::make_unique<StoreData>(module_->manifest.id, services, policy_.allowed_hosts);
  data_->stop = policy_.stop;
  data_->tcp.set_stop(policy_.stop);
  data_->tcp.set_io_timeout(policy_.network_timeout);
  data_->max_copy_out = policy_.max_copy_out_bytes;
}

ConnectorInstance::~ConnectorInstance() {
  if (!engine_) return;
  auto ordered = engine_->order_memory_reuse();
  store_.reset();
}

ConnectorResult<std::unique_ptr<ConnectorInstance>> ConnectorInstance::create(
    const WasmEngine& engine, std::shared_ptr<const ConnectorModule> module, HostServices* services,
    SandboxPolicy policy) {
  std::unique_ptr<ConnectorInstance> instance(
      new ConnectorInstance(std::move(module), services, std::move(policy)));
  RB_TRY(instance->instantiate(engine));
  return instance;
}

ConnectorResult<void> ConnectorInstance::instantiate(const WasmEngine& engine) {
  const std::string& id = module_->manifest.id;
  auto fail = [&](const std::string& what) {
    return std::unexpected(
        internal_error("GUEST_LOAD", "connector '" + id + "' cannot start: " + what));
  };

  engine_ = &engine;
  auto ordered = engine.order_memory_reuse();
  store_.reset(wasmtime_store_new(engine.raw(), data_.get(), nullptr));
  wasmtime_context_t* context = wasmtime_store_context(store_.get());
  wasmtime_store_limiter(store_.get(), static_cast<int64_t>(policy_.memory_limit_bytes), -1, 4, 4,
                         2);
  wasmtime_store_epoch_deadline_callback(store_.get(), &on_epoch_deadline, data_.get(), nullptr);
  wasmtime_context_set_epoch_deadline(context, 1);

  wasi_config_t* wasi = wasi_config_new();
  std::vector<const char*> names, values;
  for (const auto& [k, v] : policy_.env) {
    names.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  wasi_config_set_env(wasi, names.size(), names.data(), values.data());
  wasi_config_set_stdout_custom(wasi, &write_guest_output,
                                new GuestOutput{data_->services, "stdout"},
                                [](void* p) { delete static_cast<GuestOutput*>(p); });
  wasi_config_set_stderr_custom(wasi, &write_guest_output,
                                new GuestOutput{data_->services, "stderr"},
                                [](void* p) { delete static_cast<GuestOutput*>(p); });
  for (const GrantedDirectory& dir : policy_.directories) {
    if (!wasi_config_preopen_dir(wasi, dir.host_path.c_str(), dir.guest_path.c_str(),
                                 dir.writable)) {
      wasi_config_delete(wasi);
      return fail("cannot open its granted directory '" + dir.host_path + "'");
    }
  }
  if (ErrorPtr e{wasmtime_context_set_wasi(context, wasi)}) return fail(error_message(e.get()));

  LinkerPtr linker(wasmtime_linker_new(engine.raw()));
  if (ErrorPtr e{wasmtime_linker_define_wasi(linker.get())}) return fail(error_message(e.get()));
  if (ErrorPtr e{define_contract_imports(linker.get())}) return fail(error_message(e.get()));

  wasm_trap_t* trap = nullptr;
  ErrorPtr error(
      wasmtime_linker_instantiate(linker.get(), context, module_->module.get(), &instance_, &trap));
  if (ordered.owns_lock()) ordered.unlock();
  TrapPtr trap_owner(trap);
  if (error) return fail(error_message(error.get()));
  if (trap) return fail("trapped while instantiating: " + trap_message(trap));

  wasmtime_extern_t item;
  auto get = [&](std::string_view name) {
    return wasmtime_instance_export_get(context, &instance_, name.data(), name.size(), &item);
  };
  if (!get("memory") || item.kind != WASMTIME_EXTERN_MEMORY)
    return fail("module exports no memory");
  data_->memory = item.of.memory;
  if (!get("cabi_realloc") || item.kind != WASMTIME_EXTERN_FUNC)
    return fail("module exports no cabi_realloc");
  data_->realloc = item.of.func;
  if (get("__stack_pointer") && item.kind == WASMTIME_EXTERN_GLOBAL)
    stack_pointer_ = item.of.global;

  for (auto [slot, name] :
       {std::pair{&open_, "open"}, {&validate_, "validate"}, {&run_, "run"}, {&close_, "close"}}) {
    RB_ASSIGN_OR_RETURN(auto fn, find_export(describe_export(module_->role, name)));
    *slot = std::move(fn);
  }

  // Reactor modules initialise their runtime (libc, constructors) here.
  if (get("_initialize") && item.kind == WASMTIME_EXTERN_FUNC) {
    auto init = abi::ExportFunction{"_initialize", item.of.func, std::nullopt};
    data_->phase = "initialize";
    data_->call_started = std::chrono::steady_clock::now();
    data_->call_timeout = policy_.call_timeout;
    data_->last_host_call = data_->call_started;
    data_->no_progress_timeout = policy_.no_progress_timeout;
    if (auto failure = abi::call_raw(context, init.func, {})) {
      auto e = fault_error("initialize", *failure);
      poisoned_ = e.message;
      return std::unexpected(e);
    }
  }
  return {};
}

ConnectorResult<abi::ExportFunction> ConnectorInstance::find_export(const std::string& name) {
  wasmtime_context_t* context = wasmtime_store_context(store_.get());
  wasmtime_extern_t item;
  if (!wasmtime_instance_export_get(context, &instance_, name.data(), name.size(), &item) ||
      item.kind != WASMTIME_EXTERN_FUNC) {
    return std::unexpected(
        internal_error("GUEST_LOAD", "connector '" + id() + "' does not export '" + name + "'"));
  }
  abi::ExportFunction fn{name, item.of.func, std::nullopt};
  const std::string post = "cabi_post_" + name;
  if (wasmtime_instance_export_get(context, &instance_, post.data(), post.size(), &item) &&
      item.kind == WASMTIME_EXTERN_FUNC) {
    fn.post_return = item.of.func;
  }
  return fn;
}

p::ConnectorError ConnectorInstance::fault_error(const std::string& phase,
                                                 const abi::CallFailure& failure) {
  const std::string who = "connector '" + id() + "'";
  if (data_->stop.stop_requested()) {
    return internal_error("CANCELLED",
                          who + " was stopped during phase " + phase + ": the run was cancelled");
  }
  if (data_->stream_cancelled) {
    return internal_error("CANCELLED", who + " was stopped during phase " + phase +
                                           ": another stage of the stream failed");
  }
  if (data_->timed_out) {
    return internal_error("GUEST_TIMEOUT", who + " exceeded its wall-clock limit of " +
                                               std::to_string(policy_.call_timeout.count()) +
                                               " ms during phase " + phase);
  }
  if (data_->stalled) {
    return internal_error(
        "GUEST_NO_PROGRESS",
        who + " ran its own code for " + std::to_string(policy_.no_progress_timeout.count()) +
            " ms without calling the host during phase " + phase +
            " (an endless loop?); the limit is resources.no_progress_timeout_seconds");
  }
  if (failure.kind == abi::CallFailure::Kind::kAbi) {
    return internal_error("GUEST_ABI", who + " broke the canonical ABI during phase " + phase +
                                           ": " + failure.message);
  }
  if (auto stack = exhausted_stack(failure)) {
    return internal_error("GUEST_STACK_EXHAUSTED",
                          who + " exhausted its " + *stack + " during phase " + phase +
                              " (a recursion too deep, or frames too large?)");
  }
  // A guest that hits the memory cap sees its allocation fail and usually
  // aborts; tell that apart from other traps by how full its memory is.
  if (data_->memory) {
    wasmtime_context_t* context = wasmtime_store_context(store_.get());
    const uint64_t used = wasmtime_memory_data_size(context, &*data_->memory);
    const uint64_t cap = policy_.memory_limit_bytes;
    const uint64_t slack = std::max<uint64_t>(cap / 16, 2u << 20);
    if (used + slack >= cap) {
      return internal_error("GUEST_MEMORY_LIMIT", who + " reached its memory limit of " +
                                                      std::to_string(cap >> 20) +
                                                      " MiB during phase " + phase + " (" +
                                                      trap_cause(failure.message) + ")");
    }
  }
  return internal_error(
      "GUEST_TRAP", who + " trapped during phase " + phase + ": " + trap_cause(failure.message));
}

// Two stacks can run out. wasmtime bounds the wasm call stack itself and
// says so with its trap code. C, C++ and Rust also keep a shadow stack in
// linear memory for locals whose address is taken; it grows down from
// `__stack_pointer`, and since the linker places it first in memory an
// overflow wraps the pointer below address 0, past the end of memory, and
// the next store faults out of bounds.
std::optional<std::string> ConnectorInstance::exhausted_stack(const abi::CallFailure& failure) {
  if (failure.trap_code == WASMTIME_TRAP_CODE_STACK_OVERFLOW) return "wasm call stack";
  if (failure.trap_code != WASMTIME_TRAP_CODE_MEMORY_OUT_OF_BOUNDS || !stack_pointer_ ||
      !data_->memory) {
    return std::nullopt;
  }
  wasmtime_context_t* context = wasmtime_store_context(store_.get());
  wasmtime_val_t pointer;
  wasmtime_global_get(context, &*stack_pointer_, &pointer);
  if (pointer.kind != WASMTIME_I32) return std::nullopt;
  const uint64_t at = static_cast<uint32_t>(pointer.of.i32);
  if (at < wasmtime_memory_data_size(context, &*data_->memory)) return std::nullopt;
  return "shadow stack in linear memory";
}

template <class T, class... Args>
ConnectorResult<T> ConnectorInstance::call(const std::string& phase, const abi::ExportFunction& fn,
                                           const Args&... args) {
  if (poisoned_) {
    return std::unexpected(
        internal_error("GUEST_POISONED", "connector '" + id() + "' cannot run phase " + phase +
                                             " after an earlier fault: " + *poisoned_));
  }
  wasmtime_context_t* context = wasmtime_store_context(store_.get());
  data_->phase = phase;
  data_->call_started = std::chrono::steady_clock::now();
  data_->call_timeout = policy_.call_timeout;
  data_->timed_out = false;
  data_->last_host_call = data_->call_started;
  data_->no_progress_timeout = policy_.no_progress_timeout;
  data_->stalled = false;
  wasmtime_context_set_epoch_deadline(context, 1);

  auto memory = data_->guest_memory(context);
  auto result = abi::call_export<ConnectorResult<T>>(context, *memory, fn, args...);
  if (!result) {
    auto e = fault_error(phase, result.error());
    poisoned_ = e.message;
    return std::unexpected(e);
  }
  return std::move(*result);
}

ConnectorResult<p::Session> ConnectorInstance::open(const std::string& config_json) {
  auto session = call<p::Session>("open", open_, config_json);
  if (session) {
    session_ = *session;
    opened_ = true;
  }
  return session;
}

ConnectorResult<p::ValidationReport> ConnectorInstance::validate() {
  return call<p::ValidationReport>("validate", validate_, session_);
}

ConnectorResult<p::RunSummary> ConnectorInstance::run(const p::RunRequest& request) {
  return call<p::RunSummary>(std::string(p::phase_name(request.phase)), run_, session_, request);
}

ConnectorResult<void> ConnectorInstance::close() {
  if (!opened_) return {};
  opened_ = false;
  return call<void>("close", close_, session_);
}

}  // namespace rapidbyte::runtime
