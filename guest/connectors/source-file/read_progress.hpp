// ReadProgress: what an incremental read of a stream's files has taken,
// kept in the stream's cursor (a text value the engine persists only once
// the destination has committed every row before it), so that a rerun
// takes only what is new and continues in the middle of a file.
//
// Local files are ordered by the time they changed: a ReadPosition (the
// last file taken and its rows) says everything before it is taken.
// Objects in a bucket carry no such order (an object uploaded in parts
// bears the time its upload started, and may appear long after later
// ones), so ObjectsTaken lists every object taken, by key and ETag: an
// object is new when its key is not listed or its ETag differs (it was
// replaced).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "guest/connectors/source-file/data_files.hpp"
#include "guest/connectors/source-file/read_position.hpp"

namespace rapidbyte::connectors::source_file {

class ReadProgress {
 public:
  static constexpr uint64_t kWhole = std::numeric_limits<uint64_t>::max();

  virtual ~ReadProgress() = default;
  // The rows of `file` taken before: 0 for a new file, kWhole for a file
  // taken whole.
  virtual uint64_t rows_taken(const DataFile& file) const = 0;
  // The first `rows` rows of `file` are taken; `whole`: all of them.
  virtual void take(const DataFile& file, uint64_t rows, bool whole) = 0;
  // The cursor's text; nullopt while nothing is taken.
  virtual std::optional<std::string> encode() const = 0;
};

// Progress over local files: a ReadPosition.
class FilePosition final : public ReadProgress {
 public:
  explicit FilePosition(std::optional<ReadPosition> position) : position_(std::move(position)) {}
  uint64_t rows_taken(const DataFile& file) const override;
  void take(const DataFile& file, uint64_t rows, bool whole) override;
  std::optional<std::string> encode() const override;

 private:
  std::optional<ReadPosition> position_;
};

// Progress over objects: every object taken, with its ETag and rows.
// Encoded as "objects\n", then per object "<rows|*> <key length> <key>
// <etag>\n" (keys may hold any character; ETags hold no space).
class ObjectsTaken final : public ReadProgress {
 public:
  struct Taken {
    std::string etag;
    uint64_t rows = 0;
    bool whole = false;
  };

  ObjectsTaken() = default;
  static std::optional<ObjectsTaken> decode(std::string_view text);

  uint64_t rows_taken(const DataFile& file) const override;
  void take(const DataFile& file, uint64_t rows, bool whole) override;
  std::optional<std::string> encode() const override;

 private:
  std::map<std::string, Taken> objects_;  // by path relative to the stream
};

// The progress a stream's stored cursor holds (nullopt: none), for a store
// of objects or of local files; nullptr when the text is not one of them.
std::unique_ptr<ReadProgress> decode_progress(const std::optional<std::string>& cursor,
                                              bool objects);

}  // namespace rapidbyte::connectors::source_file
