// PrimitiveBuilder<T>: builds a fixed-width array whose slots are C type T
// (Int64Builder, Float64Builder, TimestampBuilder, Date32Builder,
// Time64Builder, DurationBuilder, MonthDayNanoBuilder...).
// See ArrayBuilder for ownership and threading.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/buffer_builder.hpp"
#include "portable/arrow/primitive_array.hpp"

namespace rapidbyte::arrow {

// The type a PrimitiveBuilder<T> builds when none is given.
template <class T>
DataType default_type_for() {
  if constexpr (std::is_same_v<T, int8_t>) return int8();
  if constexpr (std::is_same_v<T, int16_t>) return int16();
  if constexpr (std::is_same_v<T, int32_t>) return int32();
  if constexpr (std::is_same_v<T, int64_t>) return int64();
  if constexpr (std::is_same_v<T, uint8_t>) return uint8();
  if constexpr (std::is_same_v<T, uint16_t>) return uint16();
  if constexpr (std::is_same_v<T, uint32_t>) return uint32();
  if constexpr (std::is_same_v<T, uint64_t>) return uint64();
  if constexpr (std::is_same_v<T, float>) return float32();
  if constexpr (std::is_same_v<T, double>) return float64();
  if constexpr (std::is_same_v<T, MonthDayNano>) return month_day_nano_interval();
}

template <class T>
class PrimitiveBuilder : public ArrayBuilder {
 public:
  // REQUIRES: stores_as<T>(type.id()).
  explicit PrimitiveBuilder(DataType type = default_type_for<T>())
      : ArrayBuilder(std::move(type)) {}

  void append(T value) {
    values_.append_value(value);
    append_valid();
  }

  void append_values(std::span<const T> values) {
    reserve(static_cast<int64_t>(values.size()));
    values_.append(values.data(), static_cast<int64_t>(values.size_bytes()));
    append_valid_n(static_cast<int64_t>(values.size()));
  }

  void append_null() override {
    values_.append_value(T{});
    append_invalid();
  }

  void reserve(int64_t additional) override {
    values_.reserve(additional * static_cast<int64_t>(sizeof(T)));
    reserve_validity(additional);
  }

  Result<Array> finish() override {
    ArrayData data = finish_common();
    data.values = values_.finish();
    return Array(std::move(data));
  }

 private:
  BufferBuilder values_;
};

using Int8Builder = PrimitiveBuilder<int8_t>;
using Int16Builder = PrimitiveBuilder<int16_t>;
using Int32Builder = PrimitiveBuilder<int32_t>;
using Int64Builder = PrimitiveBuilder<int64_t>;
using UInt8Builder = PrimitiveBuilder<uint8_t>;
using UInt16Builder = PrimitiveBuilder<uint16_t>;
using UInt32Builder = PrimitiveBuilder<uint32_t>;
using UInt64Builder = PrimitiveBuilder<uint64_t>;
using Float32Builder = PrimitiveBuilder<float>;
using Float64Builder = PrimitiveBuilder<double>;
using MonthDayNanoBuilder = PrimitiveBuilder<MonthDayNano>;

// Days since 1970-01-01.
class Date32Builder : public PrimitiveBuilder<int32_t> {
 public:
  Date32Builder() : PrimitiveBuilder<int32_t>(date32()) {}
};

// Ticks of `unit` since the Unix epoch; `timezone` empty for zone-naive.
class TimestampBuilder : public PrimitiveBuilder<int64_t> {
 public:
  explicit TimestampBuilder(TimeUnit unit = TimeUnit::kMicro, std::string timezone = {})
      : PrimitiveBuilder<int64_t>(timestamp(unit, std::move(timezone))) {}
  // REQUIRES: type.id() == TypeId::kTimestamp.
  explicit TimestampBuilder(DataType type) : PrimitiveBuilder<int64_t>(std::move(type)) {}
};

// Ticks of `unit` (kMicro or kNano) since midnight.
class Time64Builder : public PrimitiveBuilder<int64_t> {
 public:
  explicit Time64Builder(TimeUnit unit = TimeUnit::kMicro)
      : PrimitiveBuilder<int64_t>(time64(unit)) {}
};

// Ticks of `unit`.
class DurationBuilder : public PrimitiveBuilder<int64_t> {
 public:
  explicit DurationBuilder(TimeUnit unit = TimeUnit::kMicro)
      : PrimitiveBuilder<int64_t>(duration(unit)) {}
};

}  // namespace rapidbyte::arrow
