// The data files of a stream: <path>/<stream>/ walked recursively (names
// starting with '.' or '_' skipped, as every lake reader does), those with
// the format's extension, in the order an incremental read takes them: by
// the time they changed (or appeared), then by path.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guest/sdk/error.hpp"

namespace rapidbyte::connectors::source_file {

// A Hive-style directory on a file's path: "region=eu" is {region, eu};
// __HIVE_DEFAULT_PARTITION__ is a NULL value; %XX escapes are decoded.
struct HivePartition {
  std::string key;
  std::optional<std::string> value;
};

struct DataFile {
  std::string relative;        // to the stream's directory
  int64_t change_time_ns = 0;  // local files
  uint64_t size = 0;
  std::string etag;  // objects: the store's ETag (changes when the object is replaced)
  std::vector<HivePartition> partitions;
};

// The Hive partitions of the directories of `relative` ("a=1/b=x/f.parquet").
std::vector<HivePartition> hive_partitions_of(std::string_view relative);

// The files under `stream_dir` whose names `wanted` accepts; empty when
// the directory does not exist.
sdk::Result<std::vector<DataFile>> list_data_files(
    const std::string& stream_dir, const std::function<bool(std::string_view)>& wanted);

// The keys of the files' partitions, in the order they first appear.
std::vector<std::string> partition_keys(const std::vector<DataFile>& files);

}  // namespace rapidbyte::connectors::source_file
