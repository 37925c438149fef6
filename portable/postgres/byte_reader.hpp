// ByteReader: a bounds-checked cursor over one message body (or one field
// value) in network byte order. Every read checks the remaining length and
// fails with a protocol error instead of reading past the end, so a
// malformed or truncated server message can never make the client crash.
// Views returned point into the caller's buffer; the reader owns nothing.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  Result<uint8_t> u8() {
    RB_TRY(need(1));
    return data_[pos_++];
  }
  Result<int16_t> i16() { return fixed<int16_t, uint16_t>(); }
  Result<int32_t> i32() { return fixed<int32_t, uint32_t>(); }
  Result<uint32_t> u32() { return fixed<uint32_t, uint32_t>(); }
  Result<int64_t> i64() { return fixed<int64_t, uint64_t>(); }

  // A NUL-terminated string, without its terminator.
  Result<std::string_view> cstring() {
    const uint8_t* start = data_.data() + pos_;
    const void* nul = std::memchr(start, 0, remaining());
    if (nul == nullptr) return fail(protocol_error("string not terminated"));
    const size_t len = static_cast<size_t>(static_cast<const uint8_t*>(nul) - start);
    pos_ += len + 1;
    return std::string_view(reinterpret_cast<const char*>(start), len);
  }

  Result<std::span<const uint8_t>> bytes(size_t n) {
    RB_TRY(need(n));
    std::span<const uint8_t> out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  // The bytes not read yet (and consumes them).
  std::span<const uint8_t> rest() {
    std::span<const uint8_t> out = data_.subspan(pos_);
    pos_ = data_.size();
    return out;
  }

 private:
  Result<void> need(size_t n) const {
    if (remaining() < n) return fail(protocol_error("message truncated"));
    return {};
  }

  template <class T, class U>
  Result<T> fixed() {
    RB_TRY(need(sizeof(T)));
    U v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<U>((v << 8) | data_[pos_ + i]);
    pos_ += sizeof(T);
    return static_cast<T>(v);
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace rapidbyte::postgres
