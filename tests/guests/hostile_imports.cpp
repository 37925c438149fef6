// test-hostile-imports.wasm: a source that calls the host's imports the way a
// broken or hostile guest would, so host tests can prove that every import
// refuses bad input with a clear error and that the host comes to no harm.
// The SDK's bindings only make well-formed calls, so this guest declares the
// raw core-wasm imports itself, with the flattened signatures the canonical
// ABI gives them. The config string given to `open` picks what `run` does:
//
//   "<fault>:<import>"  one call of <import> with one argument made bad:
//     oob-ptr            its first string or list starts at the end of memory,
//     wrap-len           ... starts at 16 with a length that wraps ptr+len past 2^32,
//     huge-list          its list of records claims 2^28 elements (2^32 bytes),
//     misaligned-list    its list of records starts at a misaligned address,
//     bad-utf8           its first string is not UTF-8,
//     bad-enum           its enum is one past the last case,
//     bad-variant        its variant or option discriminant is one past the last case,
//     bool-2             a bool byte of 2 (dlq: the error's `retryable`),
//     oob-retptr         its return area starts at the end of memory,
//     wrap-retptr        ... at 0xFFFFFFF8, so that its end wraps past 2^32,
//     misaligned-retptr  ... one byte past an aligned address,
//     oob-params         (dlq) its parameter area starts at the end of memory,
//     misaligned-params  (dlq) ... four bytes past an 8-aligned address;
//   a scripted mode (kScripted below): well-formed calls made out of order
//     ("reentrant:..."), a result allocated through a misbehaving
//     cabi_realloc ("realloc-...:state-get"), a CA file the host must not
//     read, invalid UTF-8 on stdout, or nothing at all ("ok").
//
// `run` first logs "memory=<bytes> ret=<address> params=<address>" (the size
// of linear memory and the valid return and parameter areas the faults start
// from), so a test can expect exact messages; a scripted mode then logs what
// its calls returned. The network modes connect to 127.0.0.1 at the port in
// the environment variable HOSTILE_PORT; "tls-ca-file" names the CA file in
// HOSTILE_CA_FILE.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

// ---- the raw imports: pointers and lengths are i32, u64 and s64 are i64 -------

#define TELEMETRY(name) \
  __attribute__((import_module("rapidbyte:connector/telemetry@4.0.0"), import_name(name)))
#define HOST_IO(name) \
  __attribute__((import_module("rapidbyte:connector/host-io@4.0.0"), import_name(name)))

extern "C" {
TELEMETRY("log") void raw_log(uint32_t level, uint32_t ptr, uint32_t len);
TELEMETRY("checkpoint")
void raw_checkpoint(uint32_t kind, uint32_t stream_ptr, uint32_t stream_len, uint32_t field_is_some,
                    uint32_t field_ptr, uint32_t field_len, uint32_t cursor_is_some,
                    uint32_t cursor_case, uint64_t cursor_payload, uint32_t cursor_len,
                    uint64_t records, uint64_t bytes);
TELEMETRY("metric")
void raw_metric(uint32_t name_ptr, uint32_t name_len, uint32_t value_case, uint64_t value,
                uint32_t labels_ptr, uint32_t labels_len);
TELEMETRY("dlq") void raw_dlq(uint32_t record_ptr);
HOST_IO("batch-emit")
void raw_batch_emit(uint32_t stream_ptr, uint32_t stream_len, uint32_t batch_ptr,
                    uint32_t batch_len, uint32_t retptr);
HOST_IO("batch-next") void raw_batch_next(uint32_t retptr);
HOST_IO("committed-cursor")
void raw_committed_cursor(uint32_t stream_ptr, uint32_t stream_len, uint32_t retptr);
HOST_IO("state-get")
void raw_state_get(uint32_t scope, uint32_t key_ptr, uint32_t key_len, uint32_t retptr);
HOST_IO("state-put")
void raw_state_put(uint32_t scope, uint32_t key_ptr, uint32_t key_len, uint32_t value_ptr,
                   uint32_t value_len, uint32_t retptr);
HOST_IO("state-cas")
void raw_state_cas(uint32_t scope, uint32_t key_ptr, uint32_t key_len, uint32_t expected_is_some,
                   uint32_t expected_ptr, uint32_t expected_len, uint32_t new_ptr, uint32_t new_len,
                   uint32_t retptr);
HOST_IO("tcp-connect")
void raw_tcp_connect(uint32_t host_ptr, uint32_t host_len, uint32_t port, uint32_t timeout_ms,
                     uint32_t retptr);
HOST_IO("tcp-read") void raw_tcp_read(uint64_t handle, uint32_t max_bytes, uint32_t retptr);
HOST_IO("tcp-write")
void raw_tcp_write(uint64_t handle, uint32_t data_ptr, uint32_t data_len, uint32_t retptr);
HOST_IO("tcp-close") void raw_tcp_close(uint64_t handle);
HOST_IO("tcp-start-tls")
void raw_tcp_start_tls(uint64_t handle, uint32_t name_ptr, uint32_t name_len, uint32_t verify,
                       uint32_t ca_is_some, uint32_t ca_ptr, uint32_t ca_len, uint32_t retptr);
}

#undef TELEMETRY
#undef HOST_IO

namespace {

using namespace rapidbyte;

uint32_t addr(const void* p) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p));
}
uint32_t u32(uint64_t v) {
  return static_cast<uint32_t>(v);
}
uint32_t memory_end() {
  return static_cast<uint32_t>(__builtin_wasm_memory_size(0) * 65536);
}

// A valid return area (every result of the contract fits in 64 bytes,
// aligned to 8), and room for a dlq-record (72 bytes) moved 4 bytes up.
alignas(8) uint8_t g_ret[64];
alignas(8) uint8_t g_params[80];
constexpr uint32_t kDlqRecordSize = 72;
constexpr char kBadUtf8[] = "\xC3\x28";  // a lead byte without its continuation
constexpr uint8_t kBatch[] = {1, 2, 3};

// Where a fault writes: a flat argument, or a field of a record in memory.
struct Slot {
  void* at = nullptr;
  size_t size = 0;
  explicit operator bool() const { return at != nullptr; }
};

bool set(const Slot& slot, uint64_t value) {
  if (!slot) return false;
  std::memcpy(slot.at, &value, slot.size);  // little-endian, like wasm
  return true;
}

// One well-formed call of an import, and the arguments a fault may spoil.
struct Call {
  uint64_t args[12] = {};
  void (*invoke)(const uint64_t* args) = nullptr;
  Slot span, span_len;  // its first string or list
  bool span_is_text = false;
  Slot records, records_len;  // a list of records
  Slot enum_value;
  uint32_t enum_cases = 0;
  Slot variant;
  uint32_t variant_cases = 0;
  Slot boolean;
  Slot retptr;
  Slot params;  // the pointer to its parameters, when they are passed in memory

  Slot arg(int i) { return {&args[i], sizeof(uint32_t)}; }
  void text(int i, std::string_view s) {
    args[i] = addr(s.data());
    args[i + 1] = s.size();
    if (!span) {
      span = arg(i);
      span_len = arg(i + 1);
      span_is_text = true;
    }
  }
  void bytes(int i) {
    args[i] = addr(kBatch);
    args[i + 1] = sizeof kBatch;
    if (!span) {
      span = arg(i);
      span_len = arg(i + 1);
    }
  }
  void enum_at(int i, uint32_t cases) {
    enum_value = arg(i);
    enum_cases = cases;
  }
  void variant_at(int i, uint32_t cases) {
    variant = arg(i);
    variant_cases = cases;
  }
  void retptr_at(int i) {
    args[i] = addr(g_ret);
    retptr = arg(i);
  }
};

// ---- one builder per import with something to spoil ----------------------------

void log_call(Call& c) {
  c.invoke = [](const uint64_t* a) { raw_log(u32(a[0]), u32(a[1]), u32(a[2])); };
  c.args[0] = 2;  // info
  c.enum_at(0, 5);
  c.text(1, "hostile");
}

void checkpoint_call(Call& c) {
  c.invoke = [](const uint64_t* a) {
    raw_checkpoint(u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), u32(a[4]), u32(a[5]), u32(a[6]),
                   u32(a[7]), a[8], u32(a[9]), a[10], a[11]);
  };
  c.enum_at(0, 3);  // kind: source
  c.text(1, "s");
  c.args[6] = 1;  // some(cursor-value::int64(42))
  c.variant_at(7, 7);
  c.args[8] = 42;
}

void metric_call(Call& c) {
  c.invoke = [](const uint64_t* a) {
    raw_metric(u32(a[0]), u32(a[1]), u32(a[2]), a[3], u32(a[4]), u32(a[5]));
  };
  c.text(0, "m");
  c.variant_at(2, 3);  // counter(1)
  c.args[3] = 1;
  c.args[4] = addr(g_ret);  // no labels
  c.records = c.arg(4);
  c.records_len = c.arg(5);
}

void put_span(uint8_t* at, std::string_view s) {
  const uint32_t span[2] = {addr(s.data()), static_cast<uint32_t>(s.size())};
  std::memcpy(at, span, sizeof span);
}

// dlq's 18 flat parameters are too many: they go in memory, as a dlq-record
// at g_params (stream-name @0, record-json @8, connector-error @16).
void dlq_call(Call& c) {
  c.invoke = [](const uint64_t* a) { raw_dlq(u32(a[0])); };
  uint8_t* record = g_params;
  std::memset(g_params, 0, sizeof g_params);
  put_span(record, "s");
  put_span(record + 8, "{}");
  uint8_t* error = record + 16;  // category @0, code @4, message @12, retryable @20,
                                 // retry-after-ms @24, details @44
  put_span(error + 4, "CODE");
  put_span(error + 12, "message");
  put_span(error + 44, std::string_view(reinterpret_cast<const char*>(g_ret), 0));  // aligned
  c.args[0] = addr(record);
  c.params = c.arg(0);
  c.span = {record, 4};
  c.span_len = {record + 4, 4};
  c.span_is_text = true;
  c.enum_value = {error, 1};
  c.enum_cases = 9;
  c.boolean = {error + 20, 1};
  c.variant = {error + 24, 1};
  c.variant_cases = 2;
  c.records = {error + 44, 4};
  c.records_len = {error + 48, 4};
}

void batch_emit_call(Call& c) {
  c.invoke = [](const uint64_t* a) {
    raw_batch_emit(u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), u32(a[4]));
  };
  c.text(0, "s");
  c.bytes(2);
  c.retptr_at(4);
}

void batch_next_call(Call& c) {
  c.invoke = [](const uint64_t* a) { raw_batch_next(u32(a[0])); };
  c.retptr_at(0);
}

void committed_cursor_call(Call& c) {
  c.invoke = [](const uint64_t* a) { raw_committed_cursor(u32(a[0]), u32(a[1]), u32(a[2])); };
  c.text(0, "s");
  c.retptr_at(2);
}

void state_get_call(Call& c) {
  c.invoke = [](const uint64_t* a) { raw_state_get(u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3])); };
  c.enum_at(0, 3);  // pipeline
  c.text(1, "k");
  c.retptr_at(3);
}

void state_put_call(Call& c) {
  c.invoke = [](const uint64_t* a) {
    raw_state_put(u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), u32(a[4]), u32(a[5]));
  };
  c.enum_at(0, 3);
  c.text(1, "k");
  c.text(3, "written");
  c.retptr_at(5);
}

void state_cas_call(Call& c) {
  c.invoke = [](const uint64_t* a) {
    raw_state_cas(u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), u32(a[4]), u32(a[5]), u32(a[6]),
                  u32(a[7]), u32(a[8]));
  };
  c.enum_at(0, 3);
  c.text(1, "k");
  c.variant_at(3, 2);  // expected: none
  c.text(6, "written");
  c.retptr_at(8);
}

uint16_t port() {
  const char* p = std::getenv("HOSTILE_PORT");
  return p ? static_cast<uint16_t>(std::atoi(p)) : 0;
}

void tcp_connect_call(Call& c) {
  c.invoke = [](const uint64_t* a) {
    raw_tcp_connect(u32(a[0]), u32(a[1]), u32(a[2]), u32(a[3]), u32(a[4]));
  };
  c.text(0, "127.0.0.1");
  c.args[2] = port();
  c.args[3] = 1000;
  c.retptr_at(4);
}

// The tcp calls name handle 7, which was never opened: a bad argument must
// be refused before the host looks the handle up.
void tcp_read_call(Call& c) {
  c.invoke = [](const uint64_t* a) { raw_tcp_read(a[0], u32(a[1]), u32(a[2])); };
  c.args[0] = 7;
  c.args[1] = 16;
  c.retptr_at(2);
}

void tcp_write_call(Call& c) {
  c.invoke = [](const uint64_t* a) { raw_tcp_write(a[0], u32(a[1]), u32(a[2]), u32(a[3])); };
  c.args[0] = 7;
  c.bytes(1);
  c.retptr_at(3);
}

void tcp_start_tls_call(Call& c) {
  c.invoke = [](const uint64_t* a) {
    raw_tcp_start_tls(a[0], u32(a[1]), u32(a[2]), u32(a[3]), u32(a[4]), u32(a[5]), u32(a[6]),
                      u32(a[7]));
  };
  c.args[0] = 7;
  c.text(1, "localhost");
  c.enum_at(3, 3);     // verify: none
  c.variant_at(4, 2);  // ca-file: none
  c.retptr_at(7);
}

// batch-ready and tcp-close take only numbers: nothing to spoil; the
// scripted modes call them.
const std::pair<std::string_view, void (*)(Call&)> kCalls[] = {
    {"log", log_call},
    {"checkpoint", checkpoint_call},
    {"metric", metric_call},
    {"dlq", dlq_call},
    {"batch-emit", batch_emit_call},
    {"batch-next", batch_next_call},
    {"committed-cursor", committed_cursor_call},
    {"state-get", state_get_call},
    {"state-put", state_put_call},
    {"state-cas", state_cas_call},
    {"tcp-connect", tcp_connect_call},
    {"tcp-read", tcp_read_call},
    {"tcp-write", tcp_write_call},
    {"tcp-start-tls", tcp_start_tls_call},
};

// ---- the faults: each spoils one argument; false when the call has none ------

using Fault = bool (*)(Call&, uint32_t memory_end);

const std::pair<std::string_view, Fault> kFaults[] = {
    {"oob-ptr", [](Call& c, uint32_t end) { return set(c.span, end) && set(c.span_len, 1); }},
    {"wrap-len", [](Call& c, uint32_t) { return set(c.span, 16) && set(c.span_len, 0xFFFFFFF1u); }},
    {"huge-list",
     [](Call& c, uint32_t) { return set(c.records, 16) && set(c.records_len, 1u << 28); }},
    {"misaligned-list",
     [](Call& c, uint32_t) { return set(c.records, 18) && set(c.records_len, 1); }},
    {"bad-utf8",
     [](Call& c, uint32_t) {
       return c.span_is_text && set(c.span, addr(kBadUtf8)) && set(c.span_len, 2);
     }},
    {"bad-enum", [](Call& c, uint32_t) { return set(c.enum_value, c.enum_cases); }},
    {"bad-variant", [](Call& c, uint32_t) { return set(c.variant, c.variant_cases); }},
    {"bool-2", [](Call& c, uint32_t) { return set(c.boolean, 2); }},
    {"oob-retptr", [](Call& c, uint32_t end) { return set(c.retptr, end); }},
    {"wrap-retptr", [](Call& c, uint32_t) { return set(c.retptr, 0xFFFFFFF8u); }},
    {"misaligned-retptr", [](Call& c, uint32_t) { return set(c.retptr, addr(g_ret) + 1); }},
    {"oob-params", [](Call& c, uint32_t end) { return set(c.params, end); }},
    {"misaligned-params",
     [](Call& c, uint32_t) {
       if (!c.params) return false;
       std::memmove(g_params + 4, g_params, kDlqRecordSize);  // a valid record, misaligned
       return set(c.params, addr(g_params) + 4);
     }},
};

template <class Table>
auto find(const Table& table, std::string_view name) -> decltype(table[0].second) {
  for (const auto& [key, value] : table) {
    if (key == name) return value;
  }
  return nullptr;
}

// ---- a cabi_realloc that misbehaves once, when armed ---------------------------

enum class ReallocFault { kNone, kNull, kOutOfBounds, kTrap, kReenter };
ReallocFault g_realloc_fault = ReallocFault::kNone;
sdk::Context* g_ctx = nullptr;  // the context of the run in progress

}  // namespace

// Replaces the bindings' weak default, which it otherwise matches.
extern "C" __attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* ptr,
                                                                           size_t old_size,
                                                                           size_t align,
                                                                           size_t new_size) {
  (void)old_size;
  switch (std::exchange(g_realloc_fault, ReallocFault::kNone)) {
    case ReallocFault::kNull:
      return nullptr;
    case ReallocFault::kOutOfBounds:
      return reinterpret_cast<void*>(static_cast<uintptr_t>(memory_end()));
    case ReallocFault::kTrap:
      __builtin_trap();
    case ReallocFault::kReenter:
      g_ctx->info("reentered the host from cabi_realloc");
      break;
    case ReallocFault::kNone:
      break;
  }
  if (new_size == 0) return reinterpret_cast<void*>(align);
  void* out = std::realloc(ptr, new_size);
  if (out == nullptr) std::abort();
  return out;
}

namespace {

// ---- scripted modes: well-formed calls, each returning what it saw --------------

template <class T>
std::string outcome(std::string_view what, const sdk::Result<T>& r) {
  return std::string(what) + ": " +
         (r ? std::string("ok") : r.error().code + " " + r.error().message);
}

// A state-get of "k" whose result the host allocates through `fault`.
std::string state_get_through(ReallocFault fault, sdk::Context& ctx) {
  g_realloc_fault = fault;
  auto value = ctx.state_get(protocol::StateScope::kPipeline, "k");
  if (!value) return outcome("state-get", value);
  return "state-get: " + value->value_or("(none)");
}

// Connects, closes the handle twice, then reads from it.
std::string read_closed_handle(sdk::Context& ctx) {
  auto stream = ctx.tcp_connect("127.0.0.1", port(), 5000);
  if (!stream) return outcome("tcp-connect", stream);
  const protocol::TcpHandle handle = stream->handle();
  stream->close();
  raw_tcp_close(handle);
  return outcome("tcp-read", sdk::TcpStream(handle).read(16));
}

std::string start_tls_with_ca_file(sdk::Context& ctx) {
  auto stream = ctx.tcp_connect("127.0.0.1", port(), 5000);
  if (!stream) return outcome("tcp-connect", stream);
  const char* ca_file = std::getenv("HOSTILE_CA_FILE");
  return outcome("tcp-start-tls", stream->start_tls({"localhost", protocol::TlsVerify::kVerifyFull,
                                                     std::string(ca_file ? ca_file : "")}));
}

// Opens connections without closing any until the host refuses one.
std::string hold_every_connection(sdk::Context& ctx) {
  std::vector<sdk::TcpStream> held;
  for (;;) {
    auto stream = ctx.tcp_connect("127.0.0.1", port(), 5000);
    if (!stream)
      return std::to_string(held.size()) + " open, then " + outcome("tcp-connect", stream);
    held.push_back(std::move(*stream));
  }
}

using Script = std::string (*)(sdk::Context&);

const std::pair<std::string_view, Script> kScripted[] = {
    {"ok", [](sdk::Context&) { return std::string("ok"); }},
    {"reentrant:batch-next",  // a source has no input
     [](sdk::Context& ctx) {
       return std::string(ctx.batch_next() ? "batch-next: a batch" : "batch-next: end of input");
     }},
    {"reentrant:batch-ready",
     [](sdk::Context& ctx) {
       return std::string(ctx.batch_ready(std::chrono::milliseconds(UINT32_MAX))
                              ? "batch-ready: true"
                              : "batch-ready: false");
     }},
    {"reentrant:batch-emit",
     [](sdk::Context& ctx) { return outcome("batch-emit", ctx.batch_emit("nope", kBatch)); }},
    {"reentrant:committed-cursor",
     [](sdk::Context& ctx) {
       return std::string(ctx.committed_cursor("nope") ? "committed-cursor: a cursor"
                                                       : "committed-cursor: none");
     }},
    {"reentrant:tcp-read-unopened",
     [](sdk::Context&) { return outcome("tcp-read", sdk::TcpStream(7).read(16)); }},
    {"reentrant:tcp-write-unopened",
     [](sdk::Context&) { return outcome("tcp-write", sdk::TcpStream(7).write(kBatch)); }},
    {"reentrant:tcp-start-tls-unopened",
     [](sdk::Context&) {
       return outcome("tcp-start-tls",
                      sdk::TcpStream(7).start_tls({"localhost", protocol::TlsVerify::kNone, {}}));
     }},
    {"reentrant:tcp-close-unopened",
     [](sdk::Context&) {
       raw_tcp_close(7);
       raw_tcp_close(UINT64_MAX);
       return std::string("tcp-close: ok");
     }},
    {"reentrant:tcp-read-closed", read_closed_handle},
    {"realloc-null:state-get",
     [](sdk::Context& ctx) { return state_get_through(ReallocFault::kNull, ctx); }},
    {"realloc-oob:state-get",
     [](sdk::Context& ctx) { return state_get_through(ReallocFault::kOutOfBounds, ctx); }},
    {"realloc-trap:state-get",
     [](sdk::Context& ctx) { return state_get_through(ReallocFault::kTrap, ctx); }},
    {"realloc-reentrant:state-get",
     [](sdk::Context& ctx) { return state_get_through(ReallocFault::kReenter, ctx); }},
    {"tls-ca-file", start_tls_with_ca_file},
    {"tcp-connect-past-the-limit", hold_every_connection},
    {"stdout-bad-utf8",
     [](sdk::Context&) {
       std::fputs("ok \xC3\x28 \xFF\n", stdout);
       std::fflush(stdout);
       return std::string("wrote");
     }},
};

// Makes the one malformed call `mode` names ("<fault>:<import>").
sdk::Result<void> malformed_call(sdk::Context& ctx, std::string_view mode, uint32_t end) {
  const size_t colon = mode.find(':');
  const auto build = find(kCalls, mode.substr(colon + 1));
  const auto fault =
      colon == std::string_view::npos ? nullptr : find(kFaults, mode.substr(0, colon));
  static Call call;
  call = Call{};
  if (build) build(call);
  if (!build || !fault || !fault(call, end)) {
    return sdk::config_error("unknown mode '" + std::string(mode) + "'");
  }
  call.invoke(call.args);
  ctx.info("returned");  // reached only when the host accepted the call
  return {};
}

class HostileImports final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config) override {
    mode_ = config;
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    g_ctx = &ctx;
    // Measured and logged without allocating, so that memory cannot grow
    // between the marker and the call.
    const uint32_t end = memory_end();
    char marker[80];
    std::snprintf(marker, sizeof marker, "memory=%u ret=%u params=%u", end, addr(g_ret),
                  addr(g_params));
    ctx.info(marker);
    if (const Script script = find(kScripted, mode_)) {
      ctx.info(script(ctx));
    } else
      RB_TRY(malformed_call(ctx, mode_, end));
    return sdk::summary(protocol::ReadSummary{});
  }

 private:
  std::string mode_;
};

}  // namespace

RAPIDBYTE_EXPORT_SOURCE(HostileImports)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "test-hostile-imports",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Test guest that calls every host import with malformed arguments.",
  "capabilities": {"sync_modes": ["full_refresh"], "write_modes": []},
  "permissions": {"network": {"hosts": ["127.0.0.1"], "hosts_from_config": []}, "env": ["HOSTILE_PORT", "HOSTILE_CA_FILE"], "filesystem": []},
  "resources": {"memory_mb": 64},
  "config_schema": {}
});
// clang-format on
