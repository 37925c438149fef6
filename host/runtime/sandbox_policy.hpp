// What a connector instance is allowed to do and use: the manifest's
// permissions narrowed by the pipeline, and the per-stage resource limits.
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

namespace rapidbyte::runtime {

// A host directory the guest may use (a WASI preopen), seen by the guest at
// guest_path. WASI resolves every path against a preopen, component by
// component, so `..` and symbolic links cannot lead out of it.
struct GrantedDirectory {
  std::string host_path;
  std::string guest_path;
  bool writable = false;
  bool operator==(const GrantedDirectory&) const = default;
};

struct SandboxPolicy {
  // Linear memory cap of the guest, in bytes.
  uint64_t memory_limit_bytes = 512ull << 20;
  // Wall-clock limit of one call into the guest (open, validate, run, close),
  // host calls it makes included; zero means none.
  std::chrono::milliseconds call_timeout{0};
  // How long the guest may run its own code without calling the host (a
  // loop that makes no progress); zero means no limit. Time spent inside
  // host calls (waiting for a batch, a socket) does not count.
  std::chrono::milliseconds no_progress_timeout{0};
  // How long a tcp-read or tcp-write may wait for the network before it
  // fails with a transient-network error; zero means no limit.
  std::chrono::milliseconds network_timeout{0};
  // What one host call may copy out of the guest, all its strings and lists
  // together (a batch, a log line, a state value); zero means no bound.
  uint64_t max_copy_out_bytes = 0;
  // Hosts the guest may reach with tcp-connect, exactly as named ("*" allows
  // any). Empty: no network.
  std::vector<std::string> allowed_hosts;
  // The only directories the guest sees; empty: no filesystem at all.
  std::vector<GrantedDirectory> directories;
  // Environment variables the guest sees (already filtered by the allowlist).
  std::vector<std::pair<std::string, std::string>> env;
  // When stop is requested the guest is interrupted at its next epoch tick
  // and the call fails with code CANCELLED.
  std::stop_token stop;
};

}  // namespace rapidbyte::runtime
