#include "host/runtime/canonical_abi/guest_memory.hpp"

#include "host/runtime/wasmtime_handles.hpp"

namespace rapidbyte::runtime::abi {

AbiResult<uint32_t> GuestMemory::allocate(uint32_t align, uint64_t size) {
  if (size > UINT32_MAX)
    return std::unexpected("allocation of " + std::to_string(size) + " bytes exceeds wasm32");
  if (size == 0) return align;  // The ABI allows any aligned pointer for empty lists.
  wasmtime_val_raw_t args[4];
  args[0].i32 = 0;
  args[1].i32 = 0;
  args[2].i32 = static_cast<int32_t>(align);
  args[3].i32 = static_cast<int32_t>(size);
  wasm_trap_t* trap = nullptr;
  ErrorPtr error(wasmtime_func_call_unchecked(context_, &realloc_, args, 4, &trap));
  TrapPtr trap_owner(trap);
  if (error) return std::unexpected("cabi_realloc failed: " + error_message(error.get()));
  // Only the cause: this message ends up inside the trap of the import call,
  // whose first line is all an error keeps (see trap_cause).
  if (trap) return std::unexpected("cabi_realloc trapped: " + trap_cause(trap_message(trap)));
  const uint32_t ptr = static_cast<uint32_t>(args[0].i32);
  if (ptr == 0)
    return std::unexpected("cabi_realloc returned null for " + std::to_string(size) + " bytes");
  if (ptr % align != 0) return std::unexpected("cabi_realloc returned a misaligned pointer");
  if (uint64_t{ptr} + size > this->size()) {
    return std::unexpected(
        "cabi_realloc returned a block outside guest memory: " + std::to_string(ptr) + "+" +
        std::to_string(size) + " > memory size " + std::to_string(this->size()));
  }
  return ptr;
}

}  // namespace rapidbyte::runtime::abi
