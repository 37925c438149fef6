// RAII ownership of wasmtime C API objects, and readable messages from its
// error and trap values.
#pragma once

#include <wasmtime.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

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

// What caused a trap or error, in one line: wasmtime puts a backtrace
// first and the cause (for a trap a host call raised: what was wrong with
// the call) after "Caused by:", either one line or a numbered chain
// ("0: memory fault at wasm address 0x... / 1: wasm trap: out of bounds
// memory access"), which becomes "memory fault ...: wasm trap: ...".
inline std::string trap_cause(std::string_view message) {
  const size_t at = message.find("Caused by:");
  if (at == std::string_view::npos) return std::string(message.substr(0, message.find('\n')));
  message.remove_prefix(at + std::string_view("Caused by:").size());
  std::string cause;
  while (!message.empty()) {
    std::string_view line = message.substr(0, message.find('\n'));
    message.remove_prefix(std::min(message.size(), line.size() + 1));
    line.remove_prefix(std::min(line.size(), line.find_first_not_of(' ')));
    // The chain's "N: ".
    if (const size_t digits = line.find_first_not_of("0123456789");
        digits > 0 && digits != std::string_view::npos && line.substr(digits).starts_with(": ")) {
      line.remove_prefix(digits + 2);
    }
    if (!line.empty()) cause += (cause.empty() ? "" : ": ") + std::string(line);
  }
  return cause;
}

}  // namespace rapidbyte::runtime
