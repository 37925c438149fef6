#include "portable/arrow/type.hpp"

#include <utility>

#include "portable/arrow/field.hpp"

namespace rapidbyte::arrow {

DataType make_type(TypeId id) {
  DataType type;
  type.id_ = id;
  return type;
}

DataType timestamp(TimeUnit unit, std::string timezone) {
  DataType type;
  type.id_ = TypeId::kTimestamp;
  type.unit_ = unit;
  type.timezone_ = std::move(timezone);
  return type;
}

DataType fixed_size_binary(int32_t byte_width) {
  DataType type;
  type.id_ = TypeId::kFixedSizeBinary;
  type.byte_width_ = byte_width;
  return type;
}

DataType decimal128(int32_t precision, int32_t scale) {
  DataType type;
  type.id_ = TypeId::kDecimal128;
  type.precision_ = precision;
  type.scale_ = scale;
  return type;
}

DataType time64(TimeUnit unit) {
  DataType type;
  type.id_ = TypeId::kTime64;
  type.unit_ = unit;
  return type;
}

DataType duration(TimeUnit unit) {
  DataType type;
  type.id_ = TypeId::kDuration;
  type.unit_ = unit;
  return type;
}

DataType list(Field value_field) {
  DataType type;
  type.id_ = TypeId::kList;
  type.value_field_ = std::make_shared<const Field>(std::move(value_field));
  return type;
}

DataType list(DataType value_type) {
  return list(field("item", std::move(value_type)));
}

const DataType& DataType::value_type() const {
  return value_field_->type;
}

bool DataType::operator==(const DataType& other) const {
  if (id_ != other.id_ || unit_ != other.unit_ || byte_width_ != other.byte_width_ ||
      precision_ != other.precision_ || scale_ != other.scale_ || timezone_ != other.timezone_) {
    return false;
  }
  if (value_field_ == other.value_field_) return true;
  if (value_field_ == nullptr || other.value_field_ == nullptr) return false;
  return *value_field_ == *other.value_field_;
}

Layout DataType::layout() const {
  switch (id_) {
    case TypeId::kNull:
      return Layout::kNull;
    case TypeId::kBool:
      return Layout::kBitmap;
    case TypeId::kUtf8:
    case TypeId::kBinary:
      return Layout::kVarBinary;
    case TypeId::kLargeUtf8:
    case TypeId::kLargeBinary:
      return Layout::kLargeVarBinary;
    case TypeId::kList:
      return Layout::kList;
    default:
      return Layout::kFixedWidth;
  }
}

int32_t DataType::byte_width() const {
  switch (id_) {
    case TypeId::kInt8:
    case TypeId::kUInt8:
      return 1;
    case TypeId::kInt16:
    case TypeId::kUInt16:
      return 2;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate32:
      return 4;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return 8;
    case TypeId::kDecimal128:
    case TypeId::kIntervalMonthDayNano:
      return 16;
    case TypeId::kFixedSizeBinary:
      return byte_width_;
    default:
      return 0;
  }
}

std::string_view time_unit_name(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return "s";
    case TimeUnit::kMilli:
      return "ms";
    case TimeUnit::kMicro:
      return "us";
    case TimeUnit::kNano:
      return "ns";
  }
  return "?";
}

std::string DataType::to_string() const {
  switch (id_) {
    case TypeId::kNull:
      return "null";
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt8:
      return "int8";
    case TypeId::kInt16:
      return "int16";
    case TypeId::kInt32:
      return "int32";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kUInt8:
      return "uint8";
    case TypeId::kUInt16:
      return "uint16";
    case TypeId::kUInt32:
      return "uint32";
    case TypeId::kUInt64:
      return "uint64";
    case TypeId::kFloat32:
      return "float32";
    case TypeId::kFloat64:
      return "float64";
    case TypeId::kUtf8:
      return "utf8";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kDate32:
      return "date32";
    case TypeId::kFixedSizeBinary:
      return "fixed_size_binary[" + std::to_string(byte_width_) + "]";
    case TypeId::kDecimal128:
      return "decimal128(" + std::to_string(precision_) + ", " + std::to_string(scale_) + ")";
    case TypeId::kLargeUtf8:
      return "large_utf8";
    case TypeId::kLargeBinary:
      return "large_binary";
    case TypeId::kIntervalMonthDayNano:
      return "month_day_nano_interval";
    case TypeId::kTime64:
      return "time64[" + std::string(time_unit_name(unit_)) + "]";
    case TypeId::kDuration:
      return "duration[" + std::string(time_unit_name(unit_)) + "]";
    case TypeId::kList:
      return "list<" + value_field_->to_string() + ">";
    case TypeId::kTimestamp: {
      std::string out = "timestamp[";
      out += time_unit_name(unit_);
      if (!timezone_.empty()) {
        out += ", tz=";
        out += timezone_;
      }
      out += "]";
      return out;
    }
  }
  return "unknown";
}

}  // namespace rapidbyte::arrow
