// CsvRecords: the records of a CSV file (RFC 4180): fields split at the
// delimiter, quoted fields holding delimiters, line breaks and doubled
// quotes (or quotes after `escape`), records ending at LF or CRLF, a UTF-8
// byte order mark at the start skipped. Whether a field was quoted is kept,
// so that an unquoted empty field (or the null string) can be NULL while a
// quoted one ("") is the empty string. Input is untrusted: a field grows
// only with the bytes read, and errors name the source and line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "portable/arrow/status.hpp"

namespace rapidbyte::text {

using arrow::Result;

// Where text comes from: a file, decompressed or not; a buffer.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Appends up to `max` next bytes to `out`; 0 at the end.
  virtual Result<size_t> read(std::string& out, size_t max) = 0;
  // What to call the source in messages (its path).
  virtual const std::string& name() const = 0;
};

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
  char escape = '"';  // the quote itself: "" inside quotes is one quote
};

struct CsvRecord {
  std::vector<std::string> fields;
  std::vector<bool> quoted;
  uint64_t line = 0;  // where the record starts, from 1
};

class CsvRecords {
 public:
  CsvRecords(ByteSource& input, CsvDialect dialect) : input_(input), dialect_(dialect) {}

  // The next record into `record`; false at the end of the file. A quote
  // left open at the end, or text after a closing quote, is an error naming
  // the file and line.
  Result<bool> next(CsvRecord& record);

 private:
  // Makes buffer_[pos_] readable; false at the end of the file.
  Result<bool> fill();

  ByteSource& input_;
  CsvDialect dialect_;
  std::string buffer_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  bool started_ = false;
  bool ended_ = false;
};

}  // namespace rapidbyte::text
