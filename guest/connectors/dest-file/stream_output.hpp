// StreamOutput: the files of one stream's write, from the first batch to
// the moment they are visible, exact across crashes and reruns. Two kinds:
// LocalOutput (local_output.hpp), files in a directory the host grants, and
// ObjectOutput (object_output.hpp), objects in an S3-compatible bucket.
//
// How the files of a run become visible depends on the stream:
//
//   direct    append of an incremental or cdc stream. Each commit makes
//             the files written since the last one visible, recorded with
//             the cursor committed before them; the engine persists the
//             cursor that covers them when the commit is confirmed. A
//             crash between the two leaves files recorded with the cursor
//             the stream resumes from: start() removes them, and the
//             source reads their rows again.
//   staged    full refresh append, and replace: the run's files become
//             visible together in finish(); a replace switches the stream
//             to the new files in one step (readers see the old table or
//             the new one, never half of it). A run that stopped before
//             (or while) publishing is rolled back by the next start().
//   slice     one slice of a partitioned stream: its files go to the
//             stream's generation g<N>, named after the slice (a slice read
//             again replaces its files); finalize publishes the generation
//             once every slice is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "guest/connectors/dest-file/partitioned_files.hpp"
#include "guest/sdk/context.hpp"

namespace rapidbyte::connectors::dest_file {

enum class Publication : uint8_t { kDirect, kStaged, kSlice };
Publication publication_of(const protocol::StreamContext& stream);

// 8 random hex digits: a run's session, naming its files apart from
// other runs'.
std::string random_session();

// "part-p<plan>-s<slice>-": how the files of a slice of a partitioned read
// start, the same for every attempt at the slice (so that one read again
// replaces them) and apart from every other plan's (whose files they join
// when an append publishes them).
std::string slice_file_prefix(const protocol::StreamContext& stream);

// How the files of a run of `stream` start: the slice's prefix for a slice,
// else "part-<session>-".
std::string file_name_prefix(const protocol::StreamContext& stream, const std::string& session);

class StreamOutput {
 public:
  virtual ~StreamOutput() = default;

  // Cleans up after an earlier run that stopped (see above) and prepares
  // the destination.
  virtual sdk::Result<void> start() = 0;

  virtual sdk::Result<void> write(const arrow::RecordBatch& batch) = 0;

  // Direct: makes the files written so far visible, recorded with
  // `committed` (the cursor the engine has now). Returns whether there was
  // anything to commit. Staged and slice streams commit only in finish().
  virtual sdk::Result<bool> commit(const std::optional<protocol::CursorValue>& committed) = 0;

  // Completes the run's files; publishes a staged stream.
  virtual sdk::Result<void> finish(const std::optional<protocol::CursorValue>& committed) = 0;

  virtual Publication publication() const = 0;
  virtual uint64_t records_written() const = 0;
  virtual uint64_t files_written() const = 0;
};

}  // namespace rapidbyte::connectors::dest_file
