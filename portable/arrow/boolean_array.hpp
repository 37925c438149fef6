// BooleanArray: a typed, zero-copy view of a bool Array (bit-packed values).
// Thread-safety: immutable.
#pragma once

#include <cstdint>

#include "portable/arrow/array.hpp"

namespace rapidbyte::arrow {

class BooleanArray {
 public:
  static Result<BooleanArray> make(const Array& array) {
    if (array.type().id() != TypeId::kBool) {
      return make_error("cannot view a " + array.type().to_string() + " array as bool");
    }
    return BooleanArray(array);
  }

  // REQUIRES: array.type().id() == TypeId::kBool.
  explicit BooleanArray(const Array& array) : array_(array) {}

  const Array& array() const { return array_; }
  int64_t length() const { return array_.length(); }
  int64_t null_count() const { return array_.null_count(); }
  bool is_null(int64_t i) const { return array_.is_null(i); }
  bool is_valid(int64_t i) const { return array_.is_valid(i); }

  // REQUIRES: 0 <= i < length(). Unspecified for a null slot.
  bool value(int64_t i) const {
    return bit_util::get_bit(array_.data().values.data(), array_.offset() + i);
  }

 private:
  Array array_;
};

using BoolArray = BooleanArray;

}  // namespace rapidbyte::arrow
