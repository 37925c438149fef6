// StringSource: text already in memory as a ByteSource, handed out at most
// `chunk` bytes at a time (tests and fuzzers use small chunks to put a
// chunk boundary at every place a parser can be).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "portable/text/csv_records.hpp"

namespace rapidbyte::text {

class StringSource final : public ByteSource {
 public:
  // `text` must outlive the source.
  StringSource(std::string_view text, size_t chunk, std::string name)
      : text_(text), chunk_(std::max<size_t>(chunk, 1)), name_(std::move(name)) {}

  Result<size_t> read(std::string& out, size_t max) override {
    const size_t n = std::min({max, chunk_, text_.size() - offset_});
    out.append(text_.substr(offset_, n));
    offset_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view text_;
  size_t chunk_;
  std::string name_;
  size_t offset_ = 0;
};

}  // namespace rapidbyte::text
