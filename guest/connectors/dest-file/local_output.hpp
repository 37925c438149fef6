// LocalOutput: a stream's files in a local directory (through the
// directory the host grants), with the publications of stream_output.hpp:
//
//   Files are written under hidden names and renamed into view only when
//   complete, so a reader (or a crash) never meets a file without its
//   footer.
//   direct    each commit renames the files written since the last one
//             into <stream>/, tagged with the cursor committed before them
//             (output_layout.hpp); start() removes the files tagged with
//             the cursor the stream resumes from.
//   staged    the run's files go to a new generation under
//             <root>/.rapidbyte/<stream>/. finish() publishes it: replace
//             switches the symbolic link <stream> to it in one rename;
//             append lists the files in a marker, moves them in, and drops
//             the generation. A run that stopped before (or while)
//             publishing is rolled back by the next start(): its generation
//             is deleted and the files it had moved are removed, so the
//             rerun's copy is the only one.
//   slice     the files of slice i go to generation g<N>, as part-p<N>-s<i>-*.
#pragma once

#include <memory>
#include <string>

#include "guest/connectors/dest-file/output_layout.hpp"
#include "guest/connectors/dest-file/stream_output.hpp"

namespace rapidbyte::connectors::dest_file {

class LocalOutput final : public StreamOutput {
 public:
  LocalOutput(OutputLayout layout, const OutputOptions& options, protocol::StreamContext stream,
              sdk::Context& ctx);
  ~LocalOutput() override;

  sdk::Result<void> start() override;
  sdk::Result<void> write(const arrow::RecordBatch& batch) override;
  sdk::Result<bool> commit(const std::optional<protocol::CursorValue>& committed) override;
  sdk::Result<void> finish(const std::optional<protocol::CursorValue>& committed) override;

  Publication publication() const override { return publication_; }
  uint64_t records_written() const override { return files_.records(); }
  uint64_t files_written() const override { return files_.files(); }

 private:
  // The directory files are written in: <stream>/ or the generation.
  std::string target_dir() const;
  // Renames the closed files to their names in view (with `tag` when set).
  sdk::Result<void> rename_closed(const std::optional<std::string>& tag);
  sdk::Result<void> remove_uncommitted_direct_files();
  sdk::Result<void> remove_slice_files();

  OutputLayout layout_;
  const OutputOptions& options_;
  protocol::StreamContext stream_;
  sdk::Context& ctx_;
  Publication publication_;
  std::string session_;     // random: names this run's files apart from others'
  std::string generation_;  // staged and slice: the generation written
  PartitionedFiles files_;
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
