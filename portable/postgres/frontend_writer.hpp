// FrontendWriter: appends PostgreSQL frontend messages to a byte buffer —
// the type byte, a length patched in when the message ends, and big-endian
// fields. The caller owns the buffer (usually the MessageStream's output
// buffer) and flushes it; the writer only borrows it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace rapidbyte::postgres {

class FrontendWriter {
 public:
  explicit FrontendWriter(std::vector<uint8_t>& out) : out_(out) {}

  // Starts a message with a type byte; `untyped` starts one without (the
  // startup, SSLRequest and CancelRequest packets).
  void begin(char type) {
    out_.push_back(static_cast<uint8_t>(type));
    begin_untyped();
  }
  void begin_untyped() {
    start_ = out_.size();
    put_u32(0);
  }
  // Patches the length of the message begun last.
  void end() {
    const uint32_t len = static_cast<uint32_t>(out_.size() - start_);
    for (int i = 0; i < 4; ++i) out_[start_ + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
  }

  void put_u8(uint8_t v) { out_.push_back(v); }
  void put_i16(int16_t v) { put_be(static_cast<uint16_t>(v)); }
  void put_i32(int32_t v) { put_be(static_cast<uint32_t>(v)); }
  void put_u32(uint32_t v) { put_be(v); }
  void put_i64(int64_t v) { put_be(static_cast<uint64_t>(v)); }
  void put_bytes(std::span<const uint8_t> v) { out_.insert(out_.end(), v.begin(), v.end()); }
  void put_bytes(std::string_view v) { out_.insert(out_.end(), v.begin(), v.end()); }
  // The string and its NUL terminator. REQUIRES: v has no NUL byte.
  void put_cstring(std::string_view v) {
    put_bytes(v);
    out_.push_back(0);
  }

 private:
  template <class U>
  void put_be(U v) {
    for (int i = static_cast<int>(sizeof(U)) - 1; i >= 0; --i) {
      out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
  }

  std::vector<uint8_t>& out_;
  size_t start_ = 0;
};

}  // namespace rapidbyte::postgres
