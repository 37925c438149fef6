// ListArray: a typed, zero-copy view of a list<T> Array — int32 offsets into
// one child array holding the elements of every list. value(i) is a slice of
// that child (sharing its buffers), read through the view for T.
// Thread-safety: immutable.
#pragma once

#include <cstdint>

#include "portable/arrow/array.hpp"

namespace rapidbyte::arrow {

class ListArray {
 public:
  static Result<ListArray> make(const Array& array) {
    if (array.type().id() != TypeId::kList) {
      return make_error("cannot view a " + array.type().to_string() + " array as a list");
    }
    return ListArray(array);
  }

  // REQUIRES: array.type().id() == TypeId::kList.
  explicit ListArray(const Array& array)
      : array_(array),
        offsets_(array.data().values.data() + array.offset() * 4),
        elements_(array.data().children.front()) {}

  const Array& array() const { return array_; }
  int64_t length() const { return array_.length(); }
  int64_t null_count() const { return array_.null_count(); }
  bool is_null(int64_t i) const { return array_.is_null(i); }
  bool is_valid(int64_t i) const { return array_.is_valid(i); }

  // Index in elements() of the first element of list i; value_offset(length())
  // ends the last list. REQUIRES: 0 <= i <= length(), length() > 0.
  int32_t value_offset(int64_t i) const { return bit_util::load<int32_t>(offsets_ + i * 4); }
  int32_t value_length(int64_t i) const { return value_offset(i + 1) - value_offset(i); }

  // The elements of list i (empty for a null slot). REQUIRES: 0 <= i < length().
  Array value(int64_t i) const { return elements_.slice(value_offset(i), value_length(i)); }

  // Every element of every list, the whole child array (not only this slice's).
  const Array& elements() const { return elements_; }

 private:
  Array array_;
  const uint8_t* offsets_;
  Array elements_;
};

}  // namespace rapidbyte::arrow
