// The stack-protector symbols that Debian's wasm32 compiler-rt expects.
//
// libclang_rt.builtins-wasm32.a is compiled with -fstack-protector, so its
// 128-bit remainder helpers (__modti3, __umodti3, __divmodti4, what `%` on
// __int128 lowers to) reference __stack_chk_guard and __stack_chk_fail,
// which wasi-libc does not define. Defining them here lets guest code use
// 128-bit arithmetic (the SQL engine's numeric type). A failed check traps
// the module, which the host reports as a trap of the connector.
#include <cstdint>

extern "C" {

// The names are the ABI's, reserved as they are.
// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming)
uintptr_t __stack_chk_guard = 0x5a17c0deu;

// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming)
[[noreturn]] void __stack_chk_fail() {
  __builtin_trap();
}
}
