#include "host/engine/snapshot_gate.hpp"

namespace rapidbyte::engine {

void SnapshotGate::ended() {
  {
    std::lock_guard lock(mu_);
    if (pending_ > 0) --pending_;
  }
  ended_.notify_all();
}

void SnapshotGate::wait() {
  std::unique_lock lock(mu_);
  ended_.wait(lock, [&] { return pending_ == 0; });
}

}  // namespace rapidbyte::engine
