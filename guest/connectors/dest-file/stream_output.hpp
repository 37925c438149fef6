// StreamOutput: the files of one stream's write, from the first batch to
// the moment they are visible, exact across crashes and reruns.
//
// Files are written under hidden names and renamed into view only when
// complete, so a reader (or a crash) never meets a file without its footer.
// How the files of a run become visible depends on the stream:
//
//   direct    append of an incremental or cdc stream. Each commit renames
//             the files written since the last one into <stream>/, tagged
//             with the cursor committed before them (output_layout.hpp);
//             the engine persists the cursor that covers them when the
//             commit is confirmed. A crash between the two leaves files
//             whose tag is the cursor the stream resumes from: start()
//             removes them, and the source reads their rows again.
//   staged    full refresh append, and replace: the run's files go to a
//             new generation under <root>/.rapidbyte/<stream>/. finish()
//             publishes it: replace switches the symbolic link <stream> to
//             it in one rename (readers see the old table or the new one,
//             never half of it); append lists the files in a marker, moves
//             them in, and drops the generation. A run that stopped before
//             (or while) publishing is rolled back by the next start():
//             its generation is deleted and the files it had moved are
//             removed, so the rerun's copy is the only one.
//   slice     one slice of a partitioned stream: its files go to the
//             stream's generation g<N>, named after the slice (a slice read
//             again replaces its files); finalize publishes the generation
//             as above once every slice is written.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/dest-file/output_layout.hpp"
#include "guest/connectors/dest-file/partition_spec.hpp"
#include "guest/connectors/dest-file/record_file_writer.hpp"
#include "guest/sdk/context.hpp"

namespace rapidbyte::connectors::dest_file {

struct OutputOptions {
  FormatOptions format;
  // A file is closed, and the next one started, at this size.
  uint64_t max_file_bytes = 256u << 20;
  std::vector<PartitionKey> partition_by;
  // Partitions written at once; the least recently used file is closed
  // when a batch needs one more.
  size_t max_open_files = 32;
};

enum class Publication : uint8_t { kDirect, kStaged, kSlice };
Publication publication_of(const protocol::StreamContext& stream);

class StreamOutput {
 public:
  StreamOutput(OutputLayout layout, OutputOptions options, protocol::StreamContext stream,
               sdk::Context& ctx);
  ~StreamOutput();

  // Cleans up after an earlier run that stopped (see above) and prepares
  // the directories.
  sdk::Result<void> start();

  sdk::Result<void> write(const arrow::RecordBatch& batch);

  // Direct: makes the files written so far visible, tagged with
  // `committed` (the cursor the engine has now). Returns whether there was
  // anything to commit. Staged and slice streams commit only in finish().
  sdk::Result<bool> commit(const std::optional<protocol::CursorValue>& committed);

  // Completes the run's files; publishes a staged generation.
  sdk::Result<void> finish(const std::optional<protocol::CursorValue>& committed);

  Publication publication() const { return publication_; }
  uint64_t records_written() const { return records_; }
  uint64_t files_written() const { return files_; }

 private:
  struct OpenFile {
    std::unique_ptr<RecordFileWriter> writer;
    std::shared_ptr<const arrow::Schema> schema;
    std::string stem;
    uint64_t last_use = 0;
  };
  struct ClosedFile {
    std::string dir;  // partition directory, relative ("" for none)
    std::string stem;
  };

  // The directory files are written in: <stream>/ or the generation.
  std::string target_dir() const;
  sdk::Result<void> write_to(const std::string& partition, const arrow::RecordBatch& rows);
  sdk::Result<void> close_file(const std::string& partition);
  sdk::Result<void> close_all();
  // Renames the closed files to their names in view (with `tag` when set).
  sdk::Result<void> rename_closed(const std::optional<std::string>& tag);
  sdk::Result<void> remove_uncommitted_direct_files();
  sdk::Result<void> remove_slice_files();

  OutputLayout layout_;
  OutputOptions options_;
  protocol::StreamContext stream_;
  sdk::Context& ctx_;
  Publication publication_;
  std::string session_;     // random: names this run's files apart from others'
  std::string generation_;  // staged and slice: the generation written
  std::optional<Partitioner> partitioner_;
  std::map<std::string, OpenFile> open_;
  std::vector<ClosedFile> closed_;
  uint64_t uses_ = 0;
  uint64_t sequence_ = 0;
  uint64_t records_ = 0;
  uint64_t files_ = 0;
};

// Removes what earlier runs of the stream left in its work directory (a
// generation never published, an append stopped while publishing),
// keeping `keep` and the generation <stream> links to.
sdk::Result<void> roll_back_unpublished(const OutputLayout& layout, sdk::Context& ctx,
                                        const std::optional<std::string>& keep);

// Publishes generation `generation` of the stream: replace switches the
// link to it; append moves its files in. Nothing when it is gone (published
// before).
sdk::Result<void> publish_generation(const OutputLayout& layout, std::string_view generation,
                                     protocol::WriteMode mode, sdk::Context& ctx);

}  // namespace rapidbyte::connectors::dest_file
