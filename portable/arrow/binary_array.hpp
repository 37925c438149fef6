// BinaryArray / LargeBinaryArray: typed, zero-copy views of a utf8 or binary
// Array (int32 offsets) and of a large_utf8 or large_binary Array (int64
// offsets) into one data buffer. value(i) is a string_view into that buffer,
// valid as long as the array's memory lives. For utf8 arrays that passed
// Array::validate() (everything the IPC reader returns) the bytes are UTF-8.
// Thread-safety: immutable.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "portable/arrow/array.hpp"

namespace rapidbyte::arrow {

// Offset is int32_t (Layout::kVarBinary) or int64_t (kLargeVarBinary).
template <class Offset>
class VarBinaryArray {
 public:
  // Constant-initialized (constexpr), whatever the check below believes.
  // NOLINTNEXTLINE(bugprone-dynamic-static-initializers)
  static constexpr Layout kLayout =
      sizeof(Offset) == 4 ? Layout::kVarBinary : Layout::kLargeVarBinary;

  static Result<VarBinaryArray> make(const Array& array) {
    if (array.type().layout() != kLayout) {
      return make_error("cannot view a " + array.type().to_string() + " array as " +
                        (sizeof(Offset) == 4 ? "utf8/binary" : "large_utf8/large_binary"));
    }
    return VarBinaryArray(array);
  }

  // REQUIRES: array.type().layout() == kLayout.
  explicit VarBinaryArray(const Array& array)
      : array_(array),
        offsets_(array.data().values.data() +
                 array.offset() * static_cast<int64_t>(sizeof(Offset))),
        chars_(reinterpret_cast<const char*>(array.data().data.data())) {}

  const Array& array() const { return array_; }
  int64_t length() const { return array_.length(); }
  int64_t null_count() const { return array_.null_count(); }
  bool is_null(int64_t i) const { return array_.is_null(i); }
  bool is_valid(int64_t i) const { return array_.is_valid(i); }

  // Byte offset of slot i in the data buffer; value_offset(length()) is the
  // end of the last value. REQUIRES: 0 <= i <= length(), length() > 0.
  Offset value_offset(int64_t i) const {
    return bit_util::load<Offset>(offsets_ + i * static_cast<int64_t>(sizeof(Offset)));
  }

  // The bytes of slot i (empty for a null slot). REQUIRES: 0 <= i < length().
  std::string_view value(int64_t i) const {
    const Offset begin = value_offset(i);
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

using BinaryArray = VarBinaryArray<int32_t>;
using StringArray = BinaryArray;
using LargeBinaryArray = VarBinaryArray<int64_t>;
using LargeStringArray = LargeBinaryArray;

}  // namespace rapidbyte::arrow
