#include "portable/text/csv_records.hpp"

namespace rapidbyte::text {
namespace {

constexpr size_t kRead = 1u << 20;

}  // namespace

Result<bool> CsvRecords::fill() {
  if (pos_ < buffer_.size()) return true;
  if (ended_) return false;
  // What was consumed goes; what is read comes after.
  buffer_.clear();
  pos_ = 0;
  while (buffer_.empty()) {
    auto n = input_.read(buffer_, kRead);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) {
      ended_ = true;
      return false;
    }
  }
  if (!started_) {
    started_ = true;
    // Enough bytes to see a UTF-8 byte order mark, which is skipped.
    while (buffer_.size() < 3) {
      auto n = input_.read(buffer_, kRead);
      if (!n) return std::unexpected(n.error());
      if (*n == 0) break;
    }
    if (buffer_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    return fill();
  }
  return true;
}

Result<bool> CsvRecords::next(CsvRecord& record) {
  record.fields.clear();
  record.quoted.clear();
  auto more = fill();
  if (!more) return std::unexpected(more.error());
  if (!*more) return false;
  record.line = line_;
  std::string field;
  bool quoted = false;
  bool in_quotes = false;
  bool after_quote = false;  // a quoted field closed; only a delimiter or EOL may follow
  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    record.quoted.push_back(quoted);
    field.clear();
    quoted = false;
    after_quote = false;
  };
  for (;;) {
    auto have = fill();
    if (!have) return std::unexpected(have.error());
    if (!*have) {
      if (in_quotes) {
        return arrow::make_error("'" + input_.name() + "' line " + std::to_string(record.line) +
                                 ": a quoted field is not closed before the end of the file");
      }
      end_field();
      return true;
    }
    const char c = buffer_[pos_++];
    if (in_quotes) {
      if (c == dialect_.escape && dialect_.escape != dialect_.quote) {
        auto next = fill();
        if (!next) return std::unexpected(next.error());
        if (*next) {
          const char escaped = buffer_[pos_++];
          if (escaped == '\n') ++line_;
          field += escaped;
          continue;
        }
      }
      if (c == dialect_.quote) {
        auto next = fill();
        if (!next) return std::unexpected(next.error());
        if (*next && buffer_[pos_] == dialect_.quote && dialect_.escape == dialect_.quote) {
          field += dialect_.quote;  // a doubled quote
          ++pos_;
          continue;
        }
        in_quotes = false;
        after_quote = true;
        continue;
      }
      if (c == '\n') ++line_;
      field += c;
      continue;
    }
    if (c == dialect_.delimiter) {
      end_field();
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (c == '\r') {
        auto next = fill();
        if (!next) return std::unexpected(next.error());
        if (*next && buffer_[pos_] == '\n') ++pos_;
      }
      ++line_;
      end_field();
      return true;
    }
    if (after_quote) {
      return arrow::make_error("'" + input_.name() + "' line " + std::to_string(line_) +
                               ": text after the closing quote of a field");
    }
    if (c == dialect_.quote && field.empty() && !quoted) {
      quoted = true;
      in_quotes = true;
      continue;
    }
    field += c;
  }
}

}  // namespace rapidbyte::text
