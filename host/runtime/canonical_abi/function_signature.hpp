// How a WIT function's parameters and result map onto a core wasm signature
// under the canonical ABI: at most 16 flat parameters (otherwise one pointer
// to them in memory) and at most one flat result (otherwise a pointer: for an
// import, an extra `retptr` parameter the guest provides; for an export, the
// returned i32 that points at the result in guest memory).
#pragma once

#include <type_traits>

#include "host/runtime/canonical_abi/abi_traits.hpp"
#include "host/runtime/wasmtime_handles.hpp"

namespace rapidbyte::runtime::abi {

inline constexpr size_t kMaxFlatParams = 16;
inline constexpr size_t kMaxFlatResults = 1;

template <class R, class... Args>
struct FunctionSignature {
  using Params = FieldLayout<Args...>;

  static const FlatTypes& param_types() {
    static const FlatTypes kTypes = flat_types_of<Args...>();
    return kTypes;
  }
  static const FlatTypes& result_types() {
    static const FlatTypes kTypes = [] {
      if constexpr (std::is_void_v<R>) {
        return FlatTypes{};
      } else {
        return flat_types_of<R>();
      }
    }();
    return kTypes;
  }
  static bool params_in_memory() { return param_types().size() > kMaxFlatParams; }
  static bool result_in_memory() { return result_types().size() > kMaxFlatResults; }

  // Core parameter list of the function as an import (the guest calls it).
  static FlatTypes import_core_params() {
    FlatTypes out = params_in_memory() ? FlatTypes{CoreType::kI32} : param_types();
    if (result_in_memory()) out.push_back(CoreType::kI32);  // retptr
    return out;
  }
  static FlatTypes import_core_results() {
    return result_in_memory() ? FlatTypes{} : result_types();
  }
  // Core parameter and result lists of the function as an export.
  static FlatTypes export_core_params() {
    return params_in_memory() ? FlatTypes{CoreType::kI32} : param_types();
  }
  static FlatTypes export_core_results() {
    return result_in_memory() ? FlatTypes{CoreType::kI32} : result_types();
  }
};

// A wasm_functype_t for the given core parameter and result lists.
FuncTypePtr make_functype(const FlatTypes& params, const FlatTypes& results);

// The error of the first part that failed, or an empty string.
template <class... Parts>
std::string first_error(const std::tuple<Parts...>& parts) {
  std::string error;
  std::apply(
      [&](const auto&... part) {
        [[maybe_unused]] auto note = [&](const auto& p) {
          if (!p && error.empty()) error = p.error();
        };
        (note(part), ...);
      },
      parts);
  return error;
}

// Lifts a parameter pack from flat values, left to right.
template <class... Args>
AbiResult<std::tuple<Args...>> lift_params(const GuestMemory& m, FlatReader& r) {
  std::tuple<AbiResult<Args>...> parts{Abi<Args>::lift(m, r)...};  // braces: left-to-right
  if (std::string error = first_error(parts); !error.empty()) return std::unexpected(error);
  return std::apply([](auto&... p) { return std::tuple<Args...>(std::move(*p)...); }, parts);
}

// Loads a parameter pack stored as a tuple at `ptr` in guest memory.
template <class... Args>
AbiResult<std::tuple<Args...>> load_params(const GuestMemory& m, uint32_t ptr) {
  using Layout = FieldLayout<Args...>;
  return [&]<size_t... I>(std::index_sequence<I...>) -> AbiResult<std::tuple<Args...>> {
    std::tuple<AbiResult<Args>...> parts{Abi<Args>::load(m, ptr + Layout::kOffsets[I])...};
    if (std::string error = first_error(parts); !error.empty()) return std::unexpected(error);
    return std::apply([](auto&... p) { return std::tuple<Args...>(std::move(*p)...); }, parts);
  }(std::index_sequence_for<Args...>{});
}

}  // namespace rapidbyte::runtime::abi
