// SqlType: the type of a value in the SQL engine, PostgreSQL's type system
// reduced to what the Arrow batches of a pipeline carry.
//
// Each SQL type has one in-memory representation in a Vector (see
// vector.hpp) and one Arrow type it is written out as:
//
//   smallint/integer/bigint  int64 slots, range-checked to the type   int16/32/64
//   double precision         double                                  float64
//   numeric(p, s)            __int128 unscaled, scale s              decimal128(p, s)
//   text                     string_view                             utf8
//   boolean                  int64 0/1                               bool
//   date                     int64 days since 1970-01-01             date32
//   timestamp[tz]            int64 microseconds since the epoch      timestamp(us[, UTC])
//   interval                 MonthDayNano                            month_day_nano
//   text[]                   list of string_view                     list<utf8>
//
// kUnknown is an untyped string literal (PostgreSQL's "unknown"): it takes
// the type its context asks for. kNull is the type of a bare NULL. Columns
// of Arrow types the engine does not compute on (uuid, binary, json...) are
// kOpaque: they can be selected, compared for NULL and passed through
// unchanged, nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "portable/arrow/type.hpp"

namespace rapidbyte::sql {

enum class TypeId : uint8_t {
  kNull,
  kUnknown,
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat64,
  kNumeric,
  kText,
  kDate,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kTextList,
  kOpaque,
};

// numeric without a declared scale computes with this many digits.
inline constexpr int32_t kMaxNumericPrecision = 38;

struct SqlType {
  TypeId id = TypeId::kNull;
  int32_t precision = kMaxNumericPrecision;  // kNumeric
  int32_t scale = 0;                         // kNumeric

  bool operator==(const SqlType&) const = default;

  bool is_integer() const {
    return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
  }
  bool is_numeric() const {
    return is_integer() || id == TypeId::kFloat64 || id == TypeId::kNumeric;
  }
  bool is_temporal() const {
    return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
  }
  bool is_stringlike() const { return id == TypeId::kText || id == TypeId::kUnknown; }

  // PostgreSQL's name: "integer", "numeric(12,3)", "timestamp with time zone".
  std::string name() const;
};

inline SqlType make_type(TypeId id) {
  return SqlType{id, kMaxNumericPrecision, 0};
}
inline SqlType numeric_type(int32_t precision, int32_t scale) {
  return SqlType{TypeId::kNumeric, precision, scale};
}

// The SQL type of an Arrow column: kOpaque for types without one.
SqlType from_arrow(const arrow::DataType& type);

// The Arrow type a result of `type` is written as. REQUIRES: id is not
// kOpaque (opaque columns keep their input type).
arrow::DataType to_arrow(const SqlType& type);

// Integer ranges: the limits of smallint/integer/bigint.
// Position of a numeric type in PostgreSQL's implicit widening order:
// smallint 1 < integer 2 < bigint 3 < numeric 4 < double precision 5;
// 0 for a type that is not numeric.
int numeric_rank(TypeId id);

int64_t integer_min(TypeId id);
int64_t integer_max(TypeId id);
// "smallint out of range" etc.
std::string out_of_range_message(TypeId id);

}  // namespace rapidbyte::sql
