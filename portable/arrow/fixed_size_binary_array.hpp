// FixedSizeBinaryArray: a typed, zero-copy view of a fixed_size_binary(n)
// Array (e.g. a uuid) or of a decimal128 Array (16-byte little-endian two's
// complement integers scaled by 10^-scale). Thread-safety: immutable.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "portable/arrow/array.hpp"

namespace rapidbyte::arrow {

class FixedSizeBinaryArray {
 public:
  static Result<FixedSizeBinaryArray> make(const Array& array) {
    const TypeId id = array.type().id();
    if (id != TypeId::kFixedSizeBinary && id != TypeId::kDecimal128) {
      return make_error("cannot view a " + array.type().to_string() +
                        " array as fixed_size_binary");
    }
    return FixedSizeBinaryArray(array);
  }

  // REQUIRES: array.type() is fixed_size_binary or decimal128.
  explicit FixedSizeBinaryArray(const Array& array)
      : array_(array),
        width_(array.type().byte_width()),
        values_(array.data().values.data() + array.offset() * width_) {}

  const Array& array() const { return array_; }
  int32_t byte_width() const { return width_; }
  int64_t length() const { return array_.length(); }
  int64_t null_count() const { return array_.null_count(); }
  bool is_null(int64_t i) const { return array_.is_null(i); }
  bool is_valid(int64_t i) const { return array_.is_valid(i); }

  // The byte_width() bytes of slot i. REQUIRES: 0 <= i < length().
  std::span<const uint8_t> value(int64_t i) const {
    return {values_ + i * width_, static_cast<size_t>(width_)};
  }
  std::string_view value_view(int64_t i) const {
    return {reinterpret_cast<const char*>(values_ + i * width_), static_cast<size_t>(width_)};
  }

 private:
  Array array_;
  int32_t width_;
  const uint8_t* values_;
};

using Decimal128Array = FixedSizeBinaryArray;

}  // namespace rapidbyte::arrow
