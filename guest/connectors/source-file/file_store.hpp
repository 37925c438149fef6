// FileStore: where source-file finds a stream's files and reads them: a
// local directory tree (through the directory the host grants) or a prefix
// of an S3 bucket (s3://bucket/prefix, through the host's TCP calls).
// Either way a stream <name> is the "directory" <root>/<name>/, read
// recursively, names starting with '.' or '_' skipped; in a bucket, a
// stream with a manifest (<name>/_manifest.json, written by dest-file's
// replace) is the generation the manifest names.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guest/connectors/file-common/s3_storage.hpp"
#include "guest/connectors/source-file/data_files.hpp"
#include "guest/sdk/context.hpp"
#include "portable/parquet/file_reader.hpp"

namespace rapidbyte::connectors::source_file {

class FileStore {
 public:
  virtual ~FileStore() = default;

  // How messages name a file or directory under the root.
  virtual std::string name_of(std::string_view relative) const = 0;

  // The visible directories right under the root: one per stream.
  virtual sdk::Result<std::vector<std::string>> directories() = 0;

  // The data files under directory `dir` whose names `wanted` accepts, in
  // the order an incremental read takes them (list_data_files; objects in
  // key order); empty when there are none.
  virtual sdk::Result<std::vector<DataFile>> data_files(
      const std::string& dir, const std::function<bool(std::string_view)>& wanted) = 0;

  // `file` of directory `dir`, read by ranges.
  virtual sdk::Result<std::unique_ptr<parquet::InputFile>> open(const std::string& dir,
                                                                const DataFile& file) = 0;

  // The error behind the last failed read of a file opened here, when the
  // store knows more than the reader's message (an object storage failure
  // keeps its category: a network failure is transient, not a bad file);
  // cleared by the call.
  virtual std::optional<protocol::ConnectorError> take_failure() { return std::nullopt; }

  // Whether files are objects (each appears whole, and may be replaced
  // under its key): incremental reads track them by key and ETag.
  virtual bool holds_objects() const = 0;
};

// The local directory tree at `root`.
std::unique_ptr<FileStore> local_store(std::string root);

// The objects under `location`, read through `client` (which must outlive
// the store).
std::unique_ptr<FileStore> s3_store(s3::S3Client& client, files::S3Location location);

}  // namespace rapidbyte::connectors::source_file
