// Calls a function a guest exports, implementing the canonical ABI on the
// caller's side: arguments are lowered to flat values (or stored as a tuple in
// a guest allocation when there are more than 16), the result is lifted from
// the flat return value or loaded from the pointer the guest returns, and the
// guest's `cabi_post_*` function then frees what it returned.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "host/runtime/canonical_abi/function_signature.hpp"

namespace rapidbyte::runtime::abi {

// A resolved export and its post-return function, if the guest has one.
struct ExportFunction {
  std::string name;
  wasmtime_func_t func;
  std::optional<wasmtime_func_t> post_return;
};

// Why a call into the guest produced no value.
struct CallFailure {
  enum class Kind { kTrap, kAbi };
  Kind kind;
  std::string message;
  std::optional<wasmtime_trap_code_t> trap_code;
};

// Runs `func` with raw values in place; a trap or error becomes a CallFailure.
std::optional<CallFailure> call_raw(wasmtime_context_t* context, const wasmtime_func_t& func,
                                    std::span<wasmtime_val_raw_t> values);

template <class R, class... Args>
std::expected<R, CallFailure> call_export(wasmtime_context_t* context, GuestMemory& memory,
                                          const ExportFunction& fn, const Args&... args) {
  using Sig = FunctionSignature<R, Args...>;
  auto abi_failure = [&](const std::string& what) {
    return std::unexpected(
        CallFailure{CallFailure::Kind::kAbi, fn.name + ": " + what, std::nullopt});
  };
  const size_t param_count = Sig::export_core_params().size();
  const size_t result_count = Sig::export_core_results().size();
  std::vector<wasmtime_val_raw_t> values(std::max<size_t>({param_count, result_count, 1}));

  AbiResult<void> lowered{};
  if (Sig::params_in_memory()) {
    using Layout = typename Sig::Params;
    auto ptr = memory.allocate(Layout::kAlign, Layout::kSize);
    if (!ptr) return abi_failure(ptr.error());
    size_t i = 0;
    ((lowered = lowered ? Abi<Args>::store(memory, *ptr + Layout::kOffsets[i++], args) : lowered),
     ...);
    values[0].i64 = *ptr;
  } else {
    FlatWriter writer(values);
    ((lowered = lowered ? Abi<Args>::lower(memory, writer, args) : lowered), ...);
  }
  if (!lowered) return abi_failure(lowered.error());

  if (auto failure = call_raw(context, fn.func, values)) return std::unexpected(*failure);

  std::vector<wasmtime_val_raw_t> returned(values.begin(), values.begin() + result_count);
  AbiResult<R> result;
  if (Sig::result_in_memory()) {
    result = Abi<R>::load(memory, static_cast<uint32_t>(values[0].i32));
  } else {
    FlatReader reader(returned);
    result = Abi<R>::lift(memory, reader);
  }
  if (fn.post_return) {
    if (auto failure = call_raw(context, *fn.post_return, returned))
      return std::unexpected(*failure);
  }
  if (!result) return abi_failure(result.error());
  return std::move(*result);
}

}  // namespace rapidbyte::runtime::abi
