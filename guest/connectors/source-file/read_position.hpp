// ReadPosition: where an incremental read of a stream's files stands, kept
// in the stream's cursor (a text value the engine persists only once the
// destination has committed every row before it): the last file taken, in
// the (change time, path) order of list_data_files, and how many of its
// rows were emitted. A rerun continues in the middle of that file, so a
// checkpoint can stand between any two rows and a destination's commits
// always fall on one.
//
// A file is taken only once its change time is kSettleTime in the past:
// one that appears (or changes) later has a later change time than any
// file taken, whatever the file system's timestamp granularity, so it is
// still ahead of the position.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "guest/connectors/source-file/data_files.hpp"

namespace rapidbyte::connectors::source_file {

inline constexpr std::chrono::seconds kSettleTime{2};

struct ReadPosition {
  int64_t change_time_ns = 0;
  std::string relative;
  uint64_t rows = 0;  // rows of that file emitted

  // "<change time ns> <rows> <path>".
  std::string encode() const;
  static std::optional<ReadPosition> decode(std::string_view text);

  // Whether `file` is the position's file.
  bool is_file(const DataFile& file) const {
    return file.change_time_ns == change_time_ns && file.relative == relative;
  }
  // Whether the position is past `file` (which comes before its file).
  bool is_after(const DataFile& file) const {
    return file.change_time_ns != change_time_ns ? file.change_time_ns < change_time_ns
                                                 : file.relative < relative;
  }
};

}  // namespace rapidbyte::connectors::source_file
