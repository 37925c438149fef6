#include "guest/connectors/dest-file/partitioned_files.hpp"

#include <algorithm>
#include <cstdio>

#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_file {
namespace {

std::string numbered(std::string_view prefix, uint64_t n) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%06llu", static_cast<unsigned long long>(n));
  return std::string(prefix) + digits;
}

}  // namespace

PartitionedFiles::PartitionedFiles(const OutputOptions& options, std::string stream_name,
                                   std::string stem_prefix, OpenSink open)
    : options_(options),
      stream_name_(std::move(stream_name)),
      stem_prefix_(std::move(stem_prefix)),
      open_sink_(std::move(open)) {}

PartitionedFiles::~PartitionedFiles() = default;

sdk::Result<void> PartitionedFiles::write(const arrow::RecordBatch& batch) {
  if (batch.num_rows() == 0) return {};
  records_ += static_cast<uint64_t>(batch.num_rows());
  if (options_.partition_by.empty()) return write_to("", batch);
  if (!partitioner_) {
    RB_ASSIGN_OR_RETURN(auto partitioner,
                        Partitioner::make(options_.partition_by, *batch.schema(), stream_name_));
    partitioner_.emplace(std::move(partitioner));
  }
  // Rows of one partition side by side go as one slice of the batch.
  return partitioner_->for_each_run(
      batch, [&](const std::string& directory, int64_t begin, int64_t length) {
        return write_to(directory, batch.slice(begin, length));
      });
}

sdk::Result<void> PartitionedFiles::write_to(const std::string& partition,
                                             const arrow::RecordBatch& rows) {
  auto it = open_.find(partition);
  if (it != open_.end() && it->second.schema != rows.schema() &&
      !(*it->second.schema == *rows.schema())) {
    // The stream's schema changed: its next rows start a file of their own.
    RB_TRY(close_file(partition));
    it = open_.end();
  }
  if (it == open_.end()) {
    if (open_.size() >= options_.max_open_files) {
      auto lru = std::min_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
        return a.second.last_use < b.second.last_use;
      });
      RB_TRY(close_file(lru->first));
    }
    OpenFile file;
    file.stem = numbered(stem_prefix_, ++sequence_);
    file.schema = rows.schema();
    RB_ASSIGN_OR_RETURN(auto sink, open_sink_(partition, file.stem));
    RB_ASSIGN_OR_RETURN(file.writer,
                        create_record_file(std::move(sink), rows.schema(), options_.format));
    it = open_.emplace(partition, std::move(file)).first;
  }
  it->second.last_use = ++uses_;
  RB_TRY(it->second.writer->write(rows));
  if (it->second.writer->size() >= options_.max_file_bytes) RB_TRY(close_file(partition));
  return {};
}

sdk::Result<void> PartitionedFiles::close_file(const std::string& partition) {
  auto it = open_.find(partition);
  RB_TRY(it->second.writer->finish());
  closed_.push_back({partition, it->second.stem, it->second.writer->take_sink()});
  open_.erase(it);
  ++files_;
  return {};
}

sdk::Result<void> PartitionedFiles::close_all() {
  while (!open_.empty()) RB_TRY(close_file(open_.begin()->first));
  return {};
}

std::vector<PartitionedFiles::ClosedFile> PartitionedFiles::take_closed() {
  return std::exchange(closed_, {});
}

}  // namespace rapidbyte::connectors::dest_file
