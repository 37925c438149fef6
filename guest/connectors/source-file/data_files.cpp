#include "guest/connectors/source-file/data_files.hpp"

#include <algorithm>

#include "guest/connectors/file-common/local_files.hpp"

namespace rapidbyte::connectors::source_file {
namespace {

constexpr std::string_view kNullPartition = "__HIVE_DEFAULT_PARTITION__";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace

std::vector<HivePartition> hive_partitions_of(std::string_view relative) {
  std::vector<HivePartition> out;
  size_t start = 0;
  for (size_t slash = relative.find('/'); slash != std::string_view::npos;
       slash = relative.find('/', start)) {
    const std::string_view dir = relative.substr(start, slash - start);
    start = slash + 1;
    const size_t equals = dir.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    HivePartition partition{percent_decoded(dir.substr(0, equals)), std::nullopt};
    const std::string_view value = dir.substr(equals + 1);
    if (value != kNullPartition) partition.value = percent_decoded(value);
    out.push_back(std::move(partition));
  }
  return out;
}

sdk::Result<std::vector<DataFile>> list_data_files(
    const std::string& stream_dir, const std::function<bool(std::string_view)>& wanted) {
  auto relatives = files::list_visible_files(stream_dir);
  if (!relatives) return std::unexpected(relatives.error());
  std::vector<DataFile> out;
  for (std::string& relative : *relatives) {
    if (!wanted(relative)) continue;
    auto status = files::file_status(files::join_path(stream_dir, relative));
    if (!status) return std::unexpected(status.error());
    if (status->kind != files::EntryKind::kFile) continue;  // gone meanwhile
    DataFile file;
    file.partitions = hive_partitions_of(relative);
    file.relative = std::move(relative);
    file.change_time_ns = status->change_time_ns;
    file.size = status->size;
    out.push_back(std::move(file));
  }
  std::sort(out.begin(), out.end(), [](const DataFile& a, const DataFile& b) {
    return a.change_time_ns != b.change_time_ns ? a.change_time_ns < b.change_time_ns
                                                : a.relative < b.relative;
  });
  return out;
}

std::vector<std::string> partition_keys(const std::vector<DataFile>& files) {
  std::vector<std::string> keys;
  for (const DataFile& file : files) {
    for (const HivePartition& partition : file.partitions) {
      if (std::find(keys.begin(), keys.end(), partition.key) == keys.end()) {
        keys.push_back(partition.key);
      }
    }
  }
  return keys;
}

}  // namespace rapidbyte::connectors::source_file
