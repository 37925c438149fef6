// SnapshotGate: holds back a run's cdc changes until the partitioned
// initial snapshots of its cdc streams have ended.
//
// A partitioned snapshot's slices are units of work like any other stream's,
// and its stream's cursor (the LSN its changes begin after) is committed
// once every slice is done. Reading the pipeline's changes meanwhile would
// confirm the shared replication slot past that LSN for the other streams,
// and the snapshot's stream would never get its changes in between. So the
// changes' group waits at the gate; when a snapshot failed, they are not
// read in this run at all (the slot keeps them for the next).
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace rapidbyte::engine {

class SnapshotGate {
 public:
  // One more snapshot to wait for. REQUIRES: no one waits yet.
  void expect() { ++pending_; }
  // A snapshot has ended, whether or not it succeeded.
  void ended();
  // Waits until every expected snapshot has ended (a stopped run's end
  // soon: their slices are cancelled too).
  void wait();

 private:
  std::mutex mu_;
  std::condition_variable ended_;
  size_t pending_ = 0;
};

}  // namespace rapidbyte::engine
