#include "portable/sql/sql_type.hpp"

#include <limits>

namespace rapidbyte::sql {

std::string SqlType::name() const {
  switch (id) {
    case TypeId::kNull:
      return "null";
    case TypeId::kUnknown:
      return "unknown";
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt16:
      return "smallint";
    case TypeId::kInt32:
      return "integer";
    case TypeId::kInt64:
      return "bigint";
    case TypeId::kFloat64:
      return "double precision";
    case TypeId::kNumeric:
      return "numeric(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeId::kText:
      return "text";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp without time zone";
    case TypeId::kTimestampTz:
      return "timestamp with time zone";
    case TypeId::kInterval:
      return "interval";
    case TypeId::kTextList:
      return "text[]";
    case TypeId::kOpaque:
      return "opaque";
  }
  return "?";
}

SqlType from_arrow(const arrow::DataType& type) {
  using arrow::TypeId;
  switch (type.id()) {
    case TypeId::kBool:
      return make_type(sql::TypeId::kBool);
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kUInt8:
      return make_type(sql::TypeId::kInt16);
    case TypeId::kInt32:
    case TypeId::kUInt16:
      return make_type(sql::TypeId::kInt32);
    case TypeId::kInt64:
    case TypeId::kUInt32:
      return make_type(sql::TypeId::kInt64);
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return make_type(sql::TypeId::kFloat64);
    case TypeId::kDecimal128:
      return numeric_type(type.precision(), type.scale() < 0 ? 0 : type.scale());
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
      return make_type(sql::TypeId::kText);
    case TypeId::kDate32:
      return make_type(sql::TypeId::kDate);
    case TypeId::kTimestamp:
      return make_type(type.timezone().empty() ? sql::TypeId::kTimestamp
                                               : sql::TypeId::kTimestampTz);
    case TypeId::kIntervalMonthDayNano:
      return make_type(sql::TypeId::kInterval);
    case TypeId::kNull:
      return make_type(sql::TypeId::kNull);
    default:
      return make_type(sql::TypeId::kOpaque);
  }
}

arrow::DataType to_arrow(const SqlType& type) {
  switch (type.id) {
    case TypeId::kNull:
      return arrow::null();
    case TypeId::kUnknown:
    case TypeId::kText:
    case TypeId::kOpaque:
      return arrow::utf8();
    case TypeId::kBool:
      return arrow::boolean();
    case TypeId::kInt16:
      return arrow::int16();
    case TypeId::kInt32:
      return arrow::int32();
    case TypeId::kInt64:
      return arrow::int64();
    case TypeId::kFloat64:
      return arrow::float64();
    case TypeId::kNumeric:
      return arrow::decimal128(type.precision, type.scale);
    case TypeId::kDate:
      return arrow::date32();
    case TypeId::kTimestamp:
      return arrow::timestamp(arrow::TimeUnit::kMicro);
    case TypeId::kTimestampTz:
      return arrow::timestamp(arrow::TimeUnit::kMicro, "UTC");
    case TypeId::kInterval:
      return arrow::month_day_nano_interval();
    case TypeId::kTextList:
      return arrow::list(arrow::utf8());
  }
  return arrow::null();
}

int64_t integer_min(TypeId id) {
  return id == TypeId::kInt16   ? std::numeric_limits<int16_t>::min()
         : id == TypeId::kInt32 ? std::numeric_limits<int32_t>::min()
                                : std::numeric_limits<int64_t>::min();
}
int64_t integer_max(TypeId id) {
  return id == TypeId::kInt16   ? std::numeric_limits<int16_t>::max()
         : id == TypeId::kInt32 ? std::numeric_limits<int32_t>::max()
                                : std::numeric_limits<int64_t>::max();
}
std::string out_of_range_message(TypeId id) {
  return id == TypeId::kInt16   ? "smallint out of range"
         : id == TypeId::kInt32 ? "integer out of range"
                                : "bigint out of range";
}

int numeric_rank(TypeId id) {
  switch (id) {
    case TypeId::kInt16:
      return 1;
    case TypeId::kInt32:
      return 2;
    case TypeId::kInt64:
      return 3;
    case TypeId::kNumeric:
      return 4;
    case TypeId::kFloat64:
      return 5;
    default:
      return 0;
  }
}

}  // namespace rapidbyte::sql
