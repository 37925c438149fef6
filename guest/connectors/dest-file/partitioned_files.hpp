// PartitionedFiles: the data files a stream's rows are being written into,
// wherever they go: one per partition directory (Hive-style, by
// OutputOptions::partition_by; one in all without), a new one when a file
// reaches max_file_bytes or the stream's schema changes, and at most
// max_open_files at once (the least recently used is closed first).
// Closed files are finished (complete, their sinks flushed) and handed to
// the caller, who decides when they become visible.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/dest-file/partition_spec.hpp"
#include "guest/connectors/dest-file/record_file_writer.hpp"
#include "guest/connectors/file-common/file_sink.hpp"

namespace rapidbyte::connectors::dest_file {

struct OutputOptions {
  FormatOptions format;
  // A file is closed, and the next one started, at this size.
  uint64_t max_file_bytes = 256u << 20;
  std::vector<PartitionKey> partition_by;
  // Partitions written at once; the least recently used file is closed
  // when a batch needs one more.
  size_t max_open_files = 32;
  // Object storage: a file larger than this goes up as a multipart upload
  // of parts this size (at least 5 MiB).
  uint64_t upload_part_bytes = 8u << 20;
};

class PartitionedFiles {
 public:
  // The sink of a new file named `stem` (plus the format's extension) in
  // partition directory `partition` ("" without partitions).
  using OpenSink = std::function<sdk::Result<std::unique_ptr<files::FileSink>>(
      const std::string& partition, const std::string& stem)>;

  struct ClosedFile {
    std::string partition;  // "" for none
    std::string stem;
    std::unique_ptr<files::FileSink> sink;  // finished
  };

  // File stems are `stem_prefix` and a sequence number.
  PartitionedFiles(const OutputOptions& options, std::string stream_name, std::string stem_prefix,
                   OpenSink open);
  ~PartitionedFiles();

  sdk::Result<void> write(const arrow::RecordBatch& batch);
  sdk::Result<void> close_all();
  // The files closed since the last call.
  std::vector<ClosedFile> take_closed();

  bool has_files() const { return !open_.empty() || !closed_.empty(); }
  uint64_t records() const { return records_; }
  uint64_t files() const { return files_; }

 private:
  struct OpenFile {
    std::unique_ptr<RecordFileWriter> writer;
    std::shared_ptr<const arrow::Schema> schema;
    std::string stem;
    uint64_t last_use = 0;
  };

  sdk::Result<void> write_to(const std::string& partition, const arrow::RecordBatch& rows);
  sdk::Result<void> close_file(const std::string& partition);

  const OutputOptions& options_;
  std::string stream_name_;
  std::string stem_prefix_;
  OpenSink open_sink_;
  std::optional<Partitioner> partitioner_;
  std::map<std::string, OpenFile> open_;
  std::vector<ClosedFile> closed_;
  uint64_t uses_ = 0;
  uint64_t sequence_ = 0;
  uint64_t records_ = 0;
  uint64_t files_ = 0;
};

}  // namespace rapidbyte::connectors::dest_file
