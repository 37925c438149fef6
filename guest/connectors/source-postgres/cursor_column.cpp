#include "guest/connectors/source-postgres/cursor_column.hpp"

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <limits>

#include "guest/connectors/postgres-common/sql_text.hpp"
#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/fixed_size_binary_array.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/value_formatter.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

namespace ck = protocol::cursor_kind;
using arrow::TypeId;

int64_t int_at(const arrow::Array& a, int64_t row) {
  switch (a.type().id()) {
    case TypeId::kInt16:
      return arrow::Int16Array(a).value(row);
    case TypeId::kInt32:
      return arrow::Int32Array(a).value(row);
    default:
      return arrow::Int64Array(a).value(row);
  }
}

double float_at(const arrow::Array& a, int64_t row) {
  if (a.type().id() == TypeId::kFloat32) return arrow::PrimitiveArray<float>(a).value(row);
  return arrow::PrimitiveArray<double>(a).value(row);
}

// As PostgreSQL orders floats: 0 and -0 are equal, and NaN equals NaN.
bool same_float(double a, double b) {
  return a == b || (a != a && b != b);
}

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

bool CursorColumn::supports(const arrow::DataType& type) {
  switch (type.id()) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDate32:
    case TypeId::kDecimal128:
    case TypeId::kUtf8:
      return true;
    case TypeId::kTimestamp:
      return type.unit() == arrow::TimeUnit::kMicro;
    default:
      return false;
  }
}

sdk::Result<CursorColumn> CursorColumn::make(const arrow::Field& field) {
  const arrow::DataType& type = field.type;
  if (!supports(type)) {
    return sdk::config_error("cursor_field '" + field.name + "' has type " + type.to_string() +
                                 ", which cannot order an incremental stream (use an integer, "
                                 "float, numeric, date, timestamp or text column)",
                             "CURSOR_TYPE");
  }
  switch (type.id()) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return CursorColumn(Kind::kInt, field);
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return CursorColumn(Kind::kFloat, field);
    case TypeId::kDate32:
      return CursorColumn(Kind::kDate, field);
    case TypeId::kDecimal128:
      return CursorColumn(Kind::kNumeric, field);
    case TypeId::kTimestamp:
      return CursorColumn(type.timezone().empty() ? Kind::kTimestamp : Kind::kTimestampTz, field);
    default:
      return CursorColumn(Kind::kText, field);
  }
}

std::optional<protocol::CursorValue> CursorColumn::value_at(const arrow::Array& column,
                                                            int64_t row) const {
  if (column.is_null(row)) return std::nullopt;
  switch (kind_) {
    case Kind::kInt:
      return protocol::CursorValue(std::in_place_index<ck::kInt64>, int_at(column, row));
    case Kind::kFloat:
      return protocol::CursorValue(std::in_place_index<ck::kFloat64>, float_at(column, row));
    case Kind::kTimestamp:
    case Kind::kTimestampTz:
      return protocol::CursorValue(std::in_place_index<ck::kTimestampMicros>,
                                   arrow::Int64Array(column).value(row));
    case Kind::kDate:
      return protocol::CursorValue(std::in_place_index<ck::kDateDays>,
                                   arrow::Int32Array(column).value(row));
    case Kind::kNumeric: {
      std::string text;
      arrow::ValueFormatter(field_, column).append_text(row, text);
      return protocol::CursorValue(std::in_place_index<ck::kText>, std::move(text));
    }
    case Kind::kText:
      return protocol::CursorValue(std::in_place_index<ck::kText>,
                                   std::string(arrow::StringArray(column).value(row)));
  }
  return std::nullopt;
}

bool CursorColumn::same(const arrow::Array& column, int64_t a, int64_t b) const {
  const bool null_a = column.is_null(a);
  const bool null_b = column.is_null(b);
  if (null_a || null_b) return null_a == null_b;
  switch (kind_) {
    case Kind::kInt:
      return int_at(column, a) == int_at(column, b);
    case Kind::kFloat:
      return same_float(float_at(column, a), float_at(column, b));
    case Kind::kTimestamp:
    case Kind::kTimestampTz:
      return arrow::Int64Array(column).value(a) == arrow::Int64Array(column).value(b);
    case Kind::kDate:
      return arrow::Int32Array(column).value(a) == arrow::Int32Array(column).value(b);
    case Kind::kNumeric: {
      arrow::FixedSizeBinaryArray values(column);
      return values.value_view(a) == values.value_view(b);
    }
    case Kind::kText: {
      arrow::StringArray values(column);
      return values.value(a) == values.value(b);
    }
  }
  return false;
}

bool CursorColumn::same_value(const std::optional<protocol::CursorValue>& a,
                              const std::optional<protocol::CursorValue>& b) {
  if (a && b && a->index() == ck::kFloat64 && b->index() == ck::kFloat64)
    return same_float(std::get<ck::kFloat64>(*a), std::get<ck::kFloat64>(*b));
  return a == b;
}

bool CursorColumn::same_in_copy(postgres::RunColumn::Value a, postgres::RunColumn::Value b) const {
  if (!a || !b) return !a && !b;
  if (std::ranges::equal(*a, *b)) return true;
  if (kind_ == Kind::kFloat && a->size() == b->size()) {
    if (a->size() == 4) {
      return same_float(std::bit_cast<float>(postgres::wire::load_be<uint32_t>(a->data())),
                        std::bit_cast<float>(postgres::wire::load_be<uint32_t>(b->data())));
    }
    if (a->size() == 8) {
      return same_float(std::bit_cast<double>(postgres::wire::load_be<uint64_t>(a->data())),
                        std::bit_cast<double>(postgres::wire::load_be<uint64_t>(b->data())));
    }
  }
  // numeric: ndigits, weight, sign, dscale (the display scale, which equal
  // values may differ in), then the base-10000 digits without trailing zeros.
  constexpr size_t kDscale = 6;
  if (kind_ == Kind::kNumeric && a->size() == b->size() && a->size() >= kDscale + 2) {
    return std::equal(a->begin(), a->begin() + kDscale, b->begin()) &&
           std::equal(a->begin() + kDscale + 2, a->end(), b->begin() + kDscale + 2);
  }
  return false;
}

sdk::Result<std::string> CursorColumn::sql_literal(const protocol::CursorValue& value) const {
  switch (value.index()) {
    case ck::kInt64: {
      const int64_t v = std::get<ck::kInt64>(value);
      if (kind_ == Kind::kText) return postgres_common::quote_literal(std::to_string(v));
      return "(" + std::to_string(v) + ")";
    }
    case ck::kFloat64:
      return "'" + format_double(std::get<ck::kFloat64>(value)) + "'::float8";
    case ck::kText: {
      const std::string literal = postgres_common::quote_literal(std::get<ck::kText>(value));
      return kind_ == Kind::kNumeric ? literal + "::numeric" : literal;
    }
    case ck::kTimestampMicros: {
      const int64_t v = std::get<ck::kTimestampMicros>(value);
      const char* type = kind_ == Kind::kTimestampTz ? "timestamptz" : "timestamp";
      if (v == std::numeric_limits<int64_t>::max()) return std::string("'infinity'::") + type;
      if (v == std::numeric_limits<int64_t>::min()) return std::string("'-infinity'::") + type;
      const char* epoch = kind_ == Kind::kTimestampTz ? "'1970-01-01 00:00:00+00'::timestamptz"
                                                      : "'1970-01-01 00:00:00'::timestamp";
      return std::string("(") + epoch + " + " + std::to_string(v) + " * interval '1 microsecond')";
    }
    case ck::kDateDays: {
      const int32_t v = std::get<ck::kDateDays>(value);
      if (v == std::numeric_limits<int32_t>::max()) return std::string("'infinity'::date");
      if (v == std::numeric_limits<int32_t>::min()) return std::string("'-infinity'::date");
      return "('1970-01-01'::date + " + std::to_string(v) + ")";
    }
    default:
      return sdk::config_error("the committed cursor value of cursor_field '" + field_.name +
                                   "' has a kind this column cannot compare with",
                               "CURSOR_TYPE");
  }
}

}  // namespace rapidbyte::connectors::source_postgres
