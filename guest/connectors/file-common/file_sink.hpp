// FileSink: where a data file's bytes go, front to back: a local file
// (LocalOutputFile) or an object in a bucket (S3Upload). The Parquet,
// CSV and JSON Lines writers write into one and finish() it when the file
// is complete.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "guest/sdk/error.hpp"
#include "portable/parquet/file_writer.hpp"

namespace rapidbyte::connectors::files {

class FileSink : public parquet::OutputStream {
 public:
  // Writes what is still buffered: a local file is synced to disk, an
  // object's last part is uploaded (it becomes visible only when its
  // writer publishes it).
  virtual sdk::Result<void> finish() = 0;
  // Bytes written so far, buffered ones included.
  virtual uint64_t size() const = 0;
  // How messages name it: a path, or s3://bucket/key.
  virtual const std::string& name() const = 0;
  // The error behind a failed write() when it says more than the message
  // write() returns (an object storage failure keeps its category).
  virtual std::optional<protocol::ConnectorError> failure() const { return std::nullopt; }
};

}  // namespace rapidbyte::connectors::files
