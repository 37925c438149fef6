// ObjectOutput: a stream's files as objects under s3://bucket/prefix, with
// the publications of stream_output.hpp. An object appears whole, at once,
// when its upload is published (S3Upload), so nothing is written under a
// temporary name; what renames and a symbolic link do on disk, small
// objects do here:
//
//   <prefix>/<stream>/[<generation>/][<partition dirs>/]part-<session>-<seq>.<ext>
//       the data files. Until a stream is first replaced they sit right
//       under <stream>/; after that, under the generation its manifest
//       names (appends go there too).
//   <prefix>/<stream>/_manifest.json
//       replace: {"generation": "gen-<session>"}. A replace writes a new
//       generation, publishes the manifest (one PUT: a reader of the
//       manifest switches from the old files to the new ones at once, never
//       sees half of them), then deletes every other object under
//       <stream>/. A reader that lists <stream>/ without the manifest sees
//       the new generation appear file by file, and both generations until
//       that cleanup; source-file reads the manifest.
//   <prefix>/.rapidbyte/<stream>/commit-<session>-<n>
//       written before a commit's files are published: "tag <cursor tag>"
//       ("tag full" for a full refresh's append), then the files' paths
//       under <stream>/, one a line. start() removes the files of the
//       commits tagged with the cursor the stream resumes from (and of a
//       "full" one: an append that stopped while publishing), then every
//       marker; a run removes its own markers once the engine's cursor has
//       moved past their tag (their commits are settled).
//
//   <prefix>/<stream>/gen-p<N>/[<partition dirs>/]part-p<N>-s<slice>-<seq>.<ext>
//   <prefix>/.rapidbyte/<stream>/gen-p<N>/...
//       the slices of a partitioned read (plan generation N): a replace's
//       in the generation its manifest will name, an append's staged out of
//       readers' sight. Each slice replaces its own objects when it is read
//       again; publish_slices() then publishes the generation. Replace: the
//       manifest names it. Append: a marker "commit-gen-p<N>" tagged "full"
//       lists the objects' places in the stream, then each is copied there
//       (inside the server) and its staged copy deleted, then the marker. A
//       publish that stopped is rolled forward by the plan's next finalize,
//       or rolled back (the "full" marker) by a run that reads the stream
//       whole, which also removes what unfinished plans staged.
//
// A crash leaves unpublished files as pending multipart uploads under
// <stream>/ (or nothing, for small files still in memory): start() aborts
// them, so no stored parts are left behind (a slice only its own).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "guest/connectors/dest-file/stream_output.hpp"
#include "guest/connectors/file-common/s3_storage.hpp"
#include "guest/connectors/file-common/s3_upload.hpp"

namespace rapidbyte::connectors::dest_file {

class ObjectOutput final : public StreamOutput {
 public:
  // `client` must outlive the output.
  ObjectOutput(s3::S3Client& client, files::S3Location location, const OutputOptions& options,
               protocol::StreamContext stream, sdk::Context& ctx);
  ~ObjectOutput() override;

  sdk::Result<void> start() override;
  sdk::Result<void> write(const arrow::RecordBatch& batch) override;
  sdk::Result<bool> commit(const std::optional<protocol::CursorValue>& committed) override;
  sdk::Result<void> finish(const std::optional<protocol::CursorValue>& committed) override;

  // Partitioned reads: publishes the generation the stream's slices wrote
  // (the stream context of the plan's finalize).
  sdk::Result<void> publish_slices();

  Publication publication() const override { return publication_; }
  uint64_t records_written() const override { return files_.records(); }
  uint64_t files_written() const override { return files_.files(); }

 private:
  struct Marker {
    std::string key;
    std::string tag;
  };

  // The key of `relative` under <prefix>/<stream>/.
  std::string stream_key(std::string_view relative) const;
  // The key of marker `name` under <prefix>/.rapidbyte/<stream>/.
  std::string marker_key(std::string_view name) const;
  // The key of `relative` under where this run's files go.
  std::string file_key(std::string_view relative) const;
  // Aborts the stream's pending uploads; rolls back and removes markers.
  sdk::Result<void> clean_up_earlier_runs();
  // Aborts the uploads pending under <stream>/ and the slices' staging, and
  // removes what unfinished partitioned reads staged.
  sdk::Result<void> remove_abandoned_uploads();
  // publish_slices() but the cleanup.
  sdk::Result<void> publish_staged_slices();
  // Writes a marker tagged `tag` listing the closed files, then publishes
  // them.
  sdk::Result<void> publish_closed(const std::string& tag);
  // Replace: publishes the generation's closed files.
  sdk::Result<void> publish_generation_files();
  // Replace: the manifest names `generation_`; everything else under
  // <stream>/ is deleted.
  sdk::Result<void> switch_generation();
  // A slice read again: its uploads left pending and its objects go.
  sdk::Result<void> remove_slice_objects();
  // The generation the stream's manifest names ("" without one).
  sdk::Result<std::string> manifest_generation();
  // Removes this run's markers whose tag is not `current`.
  sdk::Result<void> remove_settled_markers(const std::string& current);

  s3::S3Client& client_;
  files::S3Location location_;
  const OutputOptions& options_;
  protocol::StreamContext stream_;
  sdk::Context& ctx_;
  Publication publication_;
  std::string session_;
  // Where this run's files go, relative to <stream>/: "" or a generation
  // ("gen-<session>/" for a replace, the manifest's for an append after
  // one, "gen-p<N>/" for a slice).
  std::string directory_;
  std::string generation_;  // replace and slices: the generation written
  PartitionedFiles files_;
  std::vector<std::unique_ptr<files::S3Upload>> sealed_;  // finished, not published
  std::vector<Marker> markers_;
  uint64_t commits_ = 0;
};

}  // namespace rapidbyte::connectors::dest_file
