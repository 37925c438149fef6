// RAII ownership of wasmtime C API objects, and readable messages from its
// error and trap values.
#pragma once

#include <wasmtime.h>

#include <memory>
#include <string>

namespace rapidbyte::runtime {

template <auto Deleter>
struct CallDeleter {
  template <class T>
  void operator()(T* p) const {
    if (p) Deleter(p);
  }
};

using EnginePtr = std::unique_ptr<wasm_engine_t, CallDeleter<wasm_engine_delete>>;
using ModulePtr = std::unique_ptr<wasmtime_module_t, CallDeleter<wasmtime_module_delete>>;
using StorePtr = std::unique_ptr<wasmtime_store_t, CallDeleter<wasmtime_store_delete>>;
using LinkerPtr = std::unique_ptr<wasmtime_linker_t, CallDeleter<wasmtime_linker_delete>>;
using ErrorPtr = std::unique_ptr<wasmtime_error_t, CallDeleter<wasmtime_error_delete>>;
using TrapPtr = std::unique_ptr<wasm_trap_t, CallDeleter<wasm_trap_delete>>;
using FuncTypePtr = std::unique_ptr<wasm_functype_t, CallDeleter<wasm_functype_delete>>;

inline std::string error_message(const wasmtime_error_t* error) {
  wasm_byte_vec_t msg;
  wasmtime_error_message(error, &msg);
  std::string out(msg.data, msg.size);
  wasm_byte_vec_delete(&msg);
  return out;
}

inline std::string trap_message(const wasm_trap_t* trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  std::string out(msg.data, msg.size);
  wasm_byte_vec_delete(&msg);
  // The message is NUL-terminated by the C API.
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

}  // namespace rapidbyte::runtime
