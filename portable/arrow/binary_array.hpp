// BinaryArray: a typed, zero-copy view of a utf8 or binary Array (int32
// offsets into one data buffer). value(i) is a string_view into that buffer,
// valid as long as the array's memory lives. For utf8 arrays that passed
// Array::validate() (everything the IPC reader returns) the bytes are UTF-8.
// Thread-safety: immutable.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "portable/arrow/array.hpp"

namespace rapidbyte::arrow {

class BinaryArray {
 public:
  static Result<BinaryArray> make(const Array& array) {
    if (array.type().layout() != Layout::kVarBinary) {
      return make_error("cannot view a " + array.type().to_string() + " array as utf8/binary");
    }
    return BinaryArray(array);
  }

  // REQUIRES: array.type() is utf8 or binary.
  explicit BinaryArray(const Array& array)
      : array_(array),
        offsets_(array.data().values.data() + array.offset() * 4),
        chars_(reinterpret_cast<const char*>(array.data().data.data())) {}

  const Array& array() const { return array_; }
  int64_t length() const { return array_.length(); }
  int64_t null_count() const { return array_.null_count(); }
  bool is_null(int64_t i) const { return array_.is_null(i); }
  bool is_valid(int64_t i) const { return array_.is_valid(i); }

  // Byte offset of slot i in the data buffer; value_offset(length()) is the
  // end of the last value. REQUIRES: 0 <= i <= length(), length() > 0.
  int32_t value_offset(int64_t i) const {
    int32_t v;
    std::memcpy(&v, offsets_ + i * 4, 4);
    return v;
  }

  // The bytes of slot i (empty for a null slot). REQUIRES: 0 <= i < length().
  std::string_view value(int64_t i) const {
    const int32_t begin = value_offset(i);
    return std::string_view(chars_ + begin, static_cast<size_t>(value_offset(i + 1) - begin));
  }
  std::span<const uint8_t> value_bytes(int64_t i) const {
    std::string_view v = value(i);
    return {reinterpret_cast<const uint8_t*>(v.data()), v.size()};
  }

 private:
  Array array_;
  const uint8_t* offsets_;
  const char* chars_;
};

using StringArray = BinaryArray;

}  // namespace rapidbyte::arrow
