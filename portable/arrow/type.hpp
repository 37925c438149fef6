// DataType: the logical type of an Arrow array, as a small value.
//
// Arrow types form a closed family here, so a DataType is a plain value (an
// id plus the few parameters some ids carry) rather than a class hierarchy:
// it is cheap to copy and compare and needs no RTTI. Types are made with the
// factory functions below, e.g. `int64()` or `timestamp(TimeUnit::kMicro,
// "UTC")`. A list type holds its element Field through a shared pointer to
// an immutable value, so copies stay cheap. Thread-safety: immutable once
// built; safe to share.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rapidbyte::arrow {

struct Field;

enum class TypeId : uint8_t {
  kNull,
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kUtf8,
  kBinary,
  kFixedSizeBinary,
  kDate32,
  kTimestamp,
  kDecimal128,
  kTime64,                // ticks of unit() since midnight (us or ns)
  kDuration,              // ticks of unit()
  kIntervalMonthDayNano,  // MonthDayNano
  kLargeUtf8,             // utf8 with int64 offsets
  kLargeBinary,           // binary with int64 offsets
  kList,                  // variable-length lists of value_field()
};

// Signed and unsigned integers of every width.
constexpr bool is_integer(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
      return true;
    default:
      return false;
  }
}

// Integers, float32/64 and decimal128.
constexpr bool is_numeric(TypeId id) {
  return is_integer(id) || id == TypeId::kFloat32 || id == TypeId::kFloat64 ||
         id == TypeId::kDecimal128;
}

enum class TimeUnit : uint8_t { kSecond, kMilli, kMicro, kNano };

// How an array of a given type is laid out in memory (Arrow's "physical
// layout"); it decides which buffers an array has.
enum class Layout : uint8_t {
  kNull,            // no buffers at all
  kBitmap,          // validity + bit-packed values (bool)
  kFixedWidth,      // validity + values of byte_width() bytes each
  kVarBinary,       // validity + int32 offsets + data (utf8, binary)
  kLargeVarBinary,  // validity + int64 offsets + data (large_utf8, large_binary)
  kList,            // validity + int32 offsets into one child array
};

class DataType {
 public:
  // The null type.
  DataType() = default;

  TypeId id() const { return id_; }
  Layout layout() const;

  // Bytes per value for kFixedWidth layouts; 0 otherwise.
  int32_t byte_width() const;

  // Unit of a timestamp, time64 or duration.
  // REQUIRES: id() is kTimestamp, kTime64 or kDuration.
  TimeUnit unit() const { return unit_; }
  // Empty for a zone-naive timestamp.
  const std::string& timezone() const { return timezone_; }

  // Decimal128 parameters. REQUIRES: id() == TypeId::kDecimal128.
  int32_t precision() const { return precision_; }
  int32_t scale() const { return scale_; }

  // The element field of a list. REQUIRES: id() == TypeId::kList.
  const Field& value_field() const { return *value_field_; }
  const DataType& value_type() const;

  // Named like the factories: "int64", "utf8", "float64", "date32",
  // "timestamp[us, tz=UTC]", "fixed_size_binary[16]", "decimal128(38, 9)",
  // "time64[us]", "duration[ms]", "month_day_nano_interval", "large_utf8",
  // "list<item: int32>".
  std::string to_string() const;

  // Deep equality (list element fields included).
  bool operator==(const DataType& other) const;

 private:
  friend DataType make_type(TypeId);
  friend DataType timestamp(TimeUnit, std::string);
  friend DataType fixed_size_binary(int32_t);
  friend DataType decimal128(int32_t, int32_t);
  friend DataType time64(TimeUnit);
  friend DataType duration(TimeUnit);
  friend DataType list(Field);

  TypeId id_ = TypeId::kNull;
  TimeUnit unit_ = TimeUnit::kSecond;
  int32_t byte_width_ = 0;  // fixed_size_binary only
  int32_t precision_ = 0;
  int32_t scale_ = 0;
  std::string timezone_;
  std::shared_ptr<const Field> value_field_;  // list only; immutable, shared
};

// Type without parameters. REQUIRES: id is not kTimestamp, kTime64,
// kDuration, kFixedSizeBinary, kDecimal128 or kList (those have factories of
// their own).
DataType make_type(TypeId id);

inline DataType null() {
  return make_type(TypeId::kNull);
}
inline DataType boolean() {
  return make_type(TypeId::kBool);
}
inline DataType int8() {
  return make_type(TypeId::kInt8);
}
inline DataType int16() {
  return make_type(TypeId::kInt16);
}
inline DataType int32() {
  return make_type(TypeId::kInt32);
}
inline DataType int64() {
  return make_type(TypeId::kInt64);
}
inline DataType uint8() {
  return make_type(TypeId::kUInt8);
}
inline DataType uint16() {
  return make_type(TypeId::kUInt16);
}
inline DataType uint32() {
  return make_type(TypeId::kUInt32);
}
inline DataType uint64() {
  return make_type(TypeId::kUInt64);
}
inline DataType float32() {
  return make_type(TypeId::kFloat32);
}
inline DataType float64() {
  return make_type(TypeId::kFloat64);
}
inline DataType utf8() {
  return make_type(TypeId::kUtf8);
}
inline DataType binary() {
  return make_type(TypeId::kBinary);
}
inline DataType date32() {
  return make_type(TypeId::kDate32);
}
inline DataType large_utf8() {
  return make_type(TypeId::kLargeUtf8);
}
inline DataType large_binary() {
  return make_type(TypeId::kLargeBinary);
}
inline DataType month_day_nano_interval() {
  return make_type(TypeId::kIntervalMonthDayNano);
}

// REQUIRES: timezone is empty (naive) or an Olson name / "+HH:MM" offset.
DataType timestamp(TimeUnit unit, std::string timezone = {});
// REQUIRES: byte_width >= 0.
DataType fixed_size_binary(int32_t byte_width);
// REQUIRES: 1 <= precision <= 38, -38 <= scale <= precision.
DataType decimal128(int32_t precision, int32_t scale);
// Time of day. REQUIRES: unit is kMicro or kNano (Arrow's rule for time64).
DataType time64(TimeUnit unit);
DataType duration(TimeUnit unit);
// A list whose elements are `value_field` (Arrow names it "item").
DataType list(Field value_field);
// A list of nullable `value_type` elements named "item".
DataType list(DataType value_type);

// "s", "ms", "us", "ns".
std::string_view time_unit_name(TimeUnit unit);

}  // namespace rapidbyte::arrow
