#!/usr/bin/env bash
# The sanitizer builds of the native half, run by scripts/test.sh after the
# main suite. Assumes scripts/build.sh has built build/, whose connector and
# test modules these builds reuse (the guests are wasm: a sanitizer sees
# nothing inside them).
#
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer: the portable
#                libraries' tests, the runtime, the engine and the CLI end to
#                end (host_tests), the PostgreSQL client's tests, the
#                connector and fault suites against a real PostgreSQL.
#   build-tsan/  ThreadSanitizer: host_tests, where the engine's stage threads,
#                the state backends' concurrent writers and the AOT cache run.
#
# The PostgreSQL connector and fault suites run here too: the engine's
# retries, resumes, state backends and network handling are host code. The
# fuzzers are built with ASan+UBSan of their own (fuzz/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

# Wasmtime catches a guest's out-of-bounds access through SIGSEGV on its guard
# pages; the sanitizers must leave that signal to it.
export ASAN_OPTIONS="handle_segv=0:allow_user_segv_handler=1:detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizer/lsan.supp:print_suppressions=0"
# A trap leaves the guest by unwinding out of that signal handler, and
# wasmtime then allocates the trap's description; ThreadSanitizer would call
# that an allocation inside a signal handler.
export TSAN_OPTIONS="handle_segv=0:report_signal_unsafe=0:halt_on_error=1:second_deadlock_stack=1:suppressions=$root/scripts/sanitizer/tsan.supp"

sanitized_build() {  # <dir> <sanitizers> <targets...>
  local dir="$1" sanitizers="$2"
  shift 2
  cmake -S "$root" -B "$root/$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRAPIDBYTE_SANITIZE="$sanitizers" -DRAPIDBYTE_BUILD_GUESTS=OFF \
    -DRAPIDBYTE_BUILD_BENCH=OFF -DRAPIDBYTE_BUILD_FUZZERS=OFF -DRAPIDBYTE_BUILD_ORCHESTRATOR=OFF \
    -DRAPIDBYTE_GUEST_MODULES_FROM="$root/build" >/dev/null
  cmake --build "$root/$dir" -j2 --target "$@"
}

not_here="fuzz|wit_codegen|scaffold|temporal"

echo "[sanitize] address;undefined"
sanitized_build build-asan "address;undefined" all
ctest --test-dir "$root/build-asan" --output-on-failure -j2 -E "$not_here"

echo "[sanitize] thread"
sanitized_build build-tsan thread host_tests rapidbyte
ctest --test-dir "$root/build-tsan" --output-on-failure -j2 -R "^[A-Za-z/]*(Engine|EndToEnd|HostMemoryBudget|StateBackendContract|StageServices|TransformSql|AotCache)"
