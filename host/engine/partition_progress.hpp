// Which slices of a partitioned stream are done, kept in the state backend
// across runs so that a run that was killed or failed resumes only the
// unfinished slices.
//
// Stored as JSON under the stream's own state prefix (so `state reset
// --stream` and teardown forget it), key "rapidbyte.partitions":
//   {"count":8,"key":"id"|null,"mode":"range"|null,"generation":17,
//    "write_mode":"replace","sync_mode":"full_refresh",
//    "cursor":null|{"field":"updated_at","value":...},
//    "slices":[...],"done":[0,3]}
// The slices are the source's, as its plan gave them; a resumed run reads
// the unfinished ones with the same slices (in a new snapshot: the old one
// died with the run). An incremental stream's first read keeps the cursor
// its plan gave (cursor_codec.hpp's form), committed once every slice is
// done. The generation names this set of slices to the
// destination (the run id of the run that planned it). A record is written
// when a stream's slices are planned, updated as each slice's destination
// finishes, and deleted when every slice is done and the destination
// finalized the stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/state/state_backend.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

inline constexpr const char* kPartitionProgressKey = "rapidbyte.partitions";

struct PartitionProgress {
  std::vector<protocol::Partition> slices;  // without snapshots; with the generation
  std::vector<uint32_t> done;               // ascending
  uint64_t generation = 0;
  protocol::WriteMode write_mode = protocol::WriteMode::kAppend;
  protocol::SyncMode sync_mode = protocol::SyncMode::kFullRefresh;
  std::optional<StoredCursor> cursor;  // the stream's, once every slice is done

  bool is_done(uint32_t index) const;
  bool all_done() const { return done.size() == slices.size(); }
  // Whether `slices` were planned for a request like `request` (count, key
  // and mode) of a stream read with `sync` and written with `write_mode`,
  // so that a run asking for that may resume them. (Slices an upsert
  // committed are not in a replace's staging table, for one; a cdc plan's
  // cursor is an LSN.)
  bool matches(const protocol::Partition& request, protocol::WriteMode write_mode,
               protocol::SyncMode sync) const;

  std::string to_json() const;
  // nullopt when `json` is not a record this engine wrote.
  static std::optional<PartitionProgress> from_json(const std::string& json);

  // The record of `stream`, if an earlier run left one.
  static StateResult<std::optional<PartitionProgress>> load(StateBackend& state,
                                                            const std::string& pipeline,
                                                            const std::string& stream);
  StateResult<void> save(StateBackend& state, const std::string& pipeline,
                         const std::string& stream) const;
  // Adds slice `index` to the stored record's done slices, atomically
  // (compare-and-set), so processes that finish slices of one plan at once
  // lose none of each other's marks; then this is the stored record. False
  // when the stored record is gone or is another generation's: a newer plan
  // superseded this one.
  StateResult<bool> record_done(StateBackend& state, const std::string& pipeline,
                                const std::string& stream, uint32_t index);
  static StateResult<void> forget(StateBackend& state, const std::string& pipeline,
                                  const std::string& stream);
};

}  // namespace rapidbyte::engine
