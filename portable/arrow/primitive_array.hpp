// PrimitiveArray<T>: a typed, zero-copy view of a fixed-width Array whose
// slots are values of C type T (Int64Array, Float64Array, TimestampArray,
// MonthDayNanoArray...).
//
// The view borrows the Array's buffers through a copy of the Array, so it
// stays valid on its own. Values are loaded with memcpy: buffers read from
// IPC input need not be aligned. Thread-safety: immutable.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "portable/arrow/array.hpp"
#include "portable/arrow/month_day_nano.hpp"

namespace rapidbyte::arrow {

// True when arrays of type `id` store their values as C type T.
template <class T>
constexpr bool stores_as(TypeId id) {
  if constexpr (std::is_same_v<T, int8_t>) return id == TypeId::kInt8;
  if constexpr (std::is_same_v<T, int16_t>) return id == TypeId::kInt16;
  if constexpr (std::is_same_v<T, int32_t>) return id == TypeId::kInt32 || id == TypeId::kDate32;
  if constexpr (std::is_same_v<T, int64_t>) {
    return id == TypeId::kInt64 || id == TypeId::kTimestamp || id == TypeId::kTime64 ||
           id == TypeId::kDuration;
  }
  if constexpr (std::is_same_v<T, uint8_t>) return id == TypeId::kUInt8;
  if constexpr (std::is_same_v<T, uint16_t>) return id == TypeId::kUInt16;
  if constexpr (std::is_same_v<T, uint32_t>) return id == TypeId::kUInt32;
  if constexpr (std::is_same_v<T, uint64_t>) return id == TypeId::kUInt64;
  if constexpr (std::is_same_v<T, float>) return id == TypeId::kFloat32;
  if constexpr (std::is_same_v<T, double>) return id == TypeId::kFloat64;
  if constexpr (std::is_same_v<T, MonthDayNano>) return id == TypeId::kIntervalMonthDayNano;
  return false;
}

template <class T>
class PrimitiveArray {
 public:
  // Checked construction: fails when `array` does not store T values.
  static Result<PrimitiveArray> make(const Array& array) {
    if (!stores_as<T>(array.type().id())) {
      return make_error("cannot view a " + array.type().to_string() +
                        " array as this primitive type");
    }
    return PrimitiveArray(array);
  }

  // REQUIRES: stores_as<T>(array.type().id()).
  explicit PrimitiveArray(const Array& array)
      : array_(array), values_(array.data().values.data() + array.offset() * sizeof(T)) {}

  const Array& array() const { return array_; }
  const DataType& type() const { return array_.type(); }
  int64_t length() const { return array_.length(); }
  int64_t null_count() const { return array_.null_count(); }
  bool is_null(int64_t i) const { return array_.is_null(i); }
  bool is_valid(int64_t i) const { return array_.is_valid(i); }

  // The value in slot i; unspecified (but safe to read) for a null slot.
  // REQUIRES: 0 <= i < length().
  T value(int64_t i) const {
    T v;
    std::memcpy(&v, values_ + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    return v;
  }

 private:
  Array array_;
  const uint8_t* values_;
};

using Int8Array = PrimitiveArray<int8_t>;
using Int16Array = PrimitiveArray<int16_t>;
using Int32Array = PrimitiveArray<int32_t>;
using Int64Array = PrimitiveArray<int64_t>;
using UInt8Array = PrimitiveArray<uint8_t>;
using UInt16Array = PrimitiveArray<uint16_t>;
using UInt32Array = PrimitiveArray<uint32_t>;
using UInt64Array = PrimitiveArray<uint64_t>;
using Float32Array = PrimitiveArray<float>;
using Float64Array = PrimitiveArray<double>;
// Days since 1970-01-01.
using Date32Array = PrimitiveArray<int32_t>;
// Ticks of type().unit() since 1970-01-01T00:00:00 (UTC when a zone is set).
using TimestampArray = PrimitiveArray<int64_t>;
// Ticks of type().unit() since midnight.
using Time64Array = PrimitiveArray<int64_t>;
// Ticks of type().unit().
using DurationArray = PrimitiveArray<int64_t>;
using MonthDayNanoArray = PrimitiveArray<MonthDayNano>;

}  // namespace rapidbyte::arrow
