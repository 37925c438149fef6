// Per-store state of one connector instance: what the host functions the
// guest calls need to reach (its memory, its allocator, the engine's services
// for this stage, its TCP broker) and the bookkeeping of the call in progress
// (for the wall-clock limit and error messages).
//
// Owned by ConnectorInstance; wasmtime hands its address back to every host
// function through the store's data pointer.
#pragma once

#include <wasmtime.h>

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>

#include "host/runtime/canonical_abi/guest_memory.hpp"
#include "host/runtime/host_services.hpp"
#include "host/runtime/tcp_broker.hpp"

namespace rapidbyte::runtime {

struct StoreData {
  StoreData(std::string id, HostServices* host_services, std::vector<std::string> allowed_hosts)
      : connector_id(id), services(host_services), tcp(std::move(id), std::move(allowed_hosts)) {}

  std::string connector_id;
  HostServices* services;
  TcpBroker tcp;

  // Set once the instance exists; host functions called before (during
  // `_initialize`) have no guest allocator to use.
  std::optional<wasmtime_memory_t> memory;
  std::optional<wasmtime_func_t> realloc;

  // The call in progress.
  std::string phase = "load";
  std::chrono::steady_clock::time_point call_started{};
  std::chrono::milliseconds call_timeout{0};
  bool timed_out = false;
  // When the guest last entered or left a host call (or the call began).
  std::chrono::steady_clock::time_point last_host_call{};
  std::chrono::milliseconds no_progress_timeout{0};
  bool stalled = false;
  std::stop_token stop;
  // Set by batch-next when it trapped because the stream was cancelled.
  bool stream_cancelled = false;

  // What one host call may copy out of the guest (0: no bound).
  uint64_t max_copy_out = 0;

  std::optional<abi::GuestMemory> guest_memory(wasmtime_context_t* context) const {
    if (!memory || !realloc) return std::nullopt;
    abi::GuestMemory m(context, *memory, *realloc);
    m.limit_copy_out(max_copy_out);
    return m;
  }
};

}  // namespace rapidbyte::runtime
