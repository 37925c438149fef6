#include "host/runtime/canonical_abi/export_call.hpp"

namespace rapidbyte::runtime::abi {

std::optional<CallFailure> call_raw(wasmtime_context_t* context, const wasmtime_func_t& func,
                                    std::span<wasmtime_val_raw_t> values) {
  wasm_trap_t* trap = nullptr;
  ErrorPtr error(wasmtime_func_call_unchecked(context, &func, values.data(), values.size(), &trap));
  TrapPtr trap_owner(trap);
  if (trap) {
    CallFailure failure{CallFailure::Kind::kTrap, trap_message(trap), std::nullopt};
    wasmtime_trap_code_t code;
    if (wasmtime_trap_code(trap, &code)) failure.trap_code = code;
    return failure;
  }
  if (error) {
    // Errors raised by host code on the guest's behalf (the epoch callback,
    // a failed host function) arrive here rather than as traps.
    return CallFailure{CallFailure::Kind::kTrap, error_message(error.get()), std::nullopt};
  }
  return std::nullopt;
}

}  // namespace rapidbyte::runtime::abi
