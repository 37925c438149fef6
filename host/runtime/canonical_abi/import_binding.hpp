// Binds a C++ handler to a function the guest imports, implementing the
// canonical ABI on the host side: the guest's flat arguments (or the tuple
// they point at) are lifted, the handler runs, and its result is lowered into
// the return slot or stored at the guest's `retptr`, allocating strings and
// lists inside the guest.
//
// A malformed call (bad pointer, invalid UTF-8, unknown discriminant, a
// parameter or return area out of bounds or misaligned) traps the guest with
// a message naming the function; it never reaches the handler.
// A handler may trap the guest too, for an outcome the WIT signature has no
// way to return: it returns TrapOr<R>, and an error is the trap's message.
#pragma once

#include <expected>
#include <functional>
#include <string>

#include "host/runtime/canonical_abi/function_signature.hpp"
#include "host/runtime/store_data.hpp"

namespace rapidbyte::runtime::abi {

// A handler's result, or the message of a trap that ends the guest's call.
template <class R>
using TrapOr = std::expected<R, std::string>;

template <class R, class... Args>
class ImportBinding {
 public:
  using Handler = std::function<TrapOr<R>(StoreData&, Args...)>;
  using Sig = FunctionSignature<R, Args...>;

  ImportBinding(std::string qualified_name, Handler handler)
      : name_(std::move(qualified_name)), handler_(std::move(handler)) {}

  // Adds the function to `linker` as `module`.`name`.
  static wasmtime_error_t* define(wasmtime_linker_t* linker, std::string_view module,
                                  std::string_view name, Handler handler) {
    auto functype = make_functype(Sig::import_core_params(), Sig::import_core_results());
    auto* binding =
        new ImportBinding(std::string(module) + "#" + std::string(name), std::move(handler));
    return wasmtime_linker_define_func_unchecked(
        linker, module.data(), module.size(), name.data(), name.size(), functype.get(), &invoke,
        binding, [](void* env) { delete static_cast<ImportBinding*>(env); });
  }

 private:
  wasm_trap_t* fail(const std::string& what) const {
    const std::string message = "bad call to " + name_ + ": " + what;
    return wasmtime_trap_new(message.data(), message.size());
  }

  // A parameter or return area the guest passed: aligned for what it holds
  // and inside guest memory as a whole, as the canonical ABI requires. The
  // area is checked before the handler runs, so a malformed call has no
  // effect (a state-put whose result cannot be stored must not write the
  // state), and the offsets of its fields cannot wrap past 2^32. The check
  // stays true while the call allocates: guest memory only grows.
  static AbiResult<void> check_area(const GuestMemory& memory, const char* what, uint32_t ptr,
                                    uint32_t size, uint32_t align) {
    if (ptr % align != 0) {
      return std::unexpected("misaligned " + std::string(what) + " pointer " + std::to_string(ptr) +
                             " (alignment " + std::to_string(align) + ")");
    }
    if (auto area = memory.bytes(ptr, size); !area)
      return std::unexpected(std::string(what) + " area: " + area.error());
    return {};
  }

  static wasm_trap_t* invoke(void* env, wasmtime_caller_t* caller, wasmtime_val_raw_t* values,
                             size_t count) {
    return static_cast<ImportBinding*>(env)->call(caller, std::span(values, count));
  }

  wasm_trap_t* call(wasmtime_caller_t* caller, std::span<wasmtime_val_raw_t> values) const {
    wasmtime_context_t* context = wasmtime_caller_context(caller);
    auto& data = *static_cast<StoreData*>(wasmtime_context_get_data(context));
    // Calling the host is progress; the time spent in the call is not the
    // guest's (see StoreData::last_host_call).
    struct Progress {
      StoreData& data;
      ~Progress() { data.last_host_call = std::chrono::steady_clock::now(); }
    } progress{data};
    data.last_host_call = std::chrono::steady_clock::now();
    auto memory = data.guest_memory(context);
    if (!memory) return fail("called before the instance was initialised");

    AbiResult<std::tuple<Args...>> args;
    if (Sig::params_in_memory()) {
      const auto ptr = static_cast<uint32_t>(values[0].i32);
      using Params = typename Sig::Params;
      if (auto area = check_area(*memory, "parameter", ptr, Params::kSize, Params::kAlign); !area)
        return fail(area.error());
      args = load_params<Args...>(*memory, ptr);
    } else {
      FlatReader reader(values.first(Sig::param_types().size()));
      args = lift_params<Args...>(*memory, reader);
    }
    if (!args) return fail(args.error());
    [[maybe_unused]] uint32_t retptr = 0;
    if constexpr (!std::is_void_v<R>) {
      if (Sig::result_in_memory()) {
        retptr = static_cast<uint32_t>(values[Sig::import_core_params().size() - 1].i32);
        if (auto area = check_area(*memory, "return", retptr, Abi<R>::kSize, Abi<R>::kAlign); !area)
          return fail(area.error());
      }
    }

    TrapOr<R> result =
        std::apply([&](auto&&... a) { return handler_(data, std::move(a)...); }, std::move(*args));
    if (!result) return wasmtime_trap_new(result.error().data(), result.error().size());
    // Lowering the result may call back into the guest (cabi_realloc), where
    // the deadline is checked: the time the handler waited is not the guest's.
    data.last_host_call = std::chrono::steady_clock::now();
    if constexpr (std::is_void_v<R>) {
      return nullptr;
    } else {
      AbiResult<void> lowered;
      if (Sig::result_in_memory()) {
        lowered = Abi<R>::store(*memory, retptr, *result);
      } else {
        FlatWriter writer(values.first(1));
        lowered = Abi<R>::lower(*memory, writer, *result);
      }
      if (!lowered) return fail(lowered.error());
      return nullptr;
    }
  }

  std::string name_;
  Handler handler_;
};

// Defines `module`.`name` in `linker` with `handler`, deducing the WIT
// signature from the handler's C++ signature R(StoreData&, Args...).
template <class R, class... Args>
wasmtime_error_t* define_import(wasmtime_linker_t* linker, std::string_view module,
                                std::string_view name, R (*handler)(StoreData&, Args...)) {
  return ImportBinding<R, Args...>::define(linker, module, name,
                                           [handler](StoreData& data, Args... args) -> TrapOr<R> {
                                             if constexpr (std::is_void_v<R>) {
                                               handler(data, std::move(args)...);
                                               return {};
                                             } else {
                                               return handler(data, std::move(args)...);
                                             }
                                           });
}

// The same for a handler that may trap the guest: the WIT result is R.
template <class R, class... Args>
wasmtime_error_t* define_import(wasmtime_linker_t* linker, std::string_view module,
                                std::string_view name, TrapOr<R> (*handler)(StoreData&, Args...)) {
  return ImportBinding<R, Args...>::define(linker, module, name, handler);
}

}  // namespace rapidbyte::runtime::abi
