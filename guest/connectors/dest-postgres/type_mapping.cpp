#include "guest/connectors/dest-postgres/type_mapping.hpp"

#include "portable/arrow/extension_type.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

constexpr std::string_view kPgTypeKey = "rapidbyte.pg_type";

bool is_safe_type_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  if (name == "\"char\"" || name == "\"char\"[]") return true;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' || c == '_' ||
                    c == '(' || c == ')' || c == ',' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

sdk::Result<std::string> from_arrow(const arrow::Field& field) {
  using arrow::TypeId;
  const arrow::DataType& type = field.type;
  switch (type.id()) {
    case TypeId::kNull:
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
      return std::string(arrow::is_json(field) ? "jsonb" : "text");
    case TypeId::kBool:
      return std::string("boolean");
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kUInt8:
      return std::string("smallint");
    case TypeId::kInt32:
    case TypeId::kUInt16:
      return std::string("integer");
    case TypeId::kInt64:
    case TypeId::kUInt32:
      return std::string("bigint");
    case TypeId::kUInt64:
      return std::string("numeric(20, 0)");
    case TypeId::kFloat32:
      return std::string("real");
    case TypeId::kFloat64:
      return std::string("double precision");
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
      return std::string("bytea");
    case TypeId::kFixedSizeBinary:
      return std::string(arrow::is_uuid(field) ? "uuid" : "bytea");
    case TypeId::kDate32:
      return std::string("date");
    case TypeId::kTimestamp:
      return std::string(type.timezone().empty() ? "timestamp" : "timestamp with time zone");
    case TypeId::kTime64:
      return std::string("time");
    case TypeId::kDecimal128:
      if (type.scale() < 0) return std::string("numeric");
      return "numeric(" + std::to_string(type.precision()) + ", " + std::to_string(type.scale()) +
             ")";
    case TypeId::kIntervalMonthDayNano:
      return std::string("interval");
    case TypeId::kList: {
      const arrow::Field& element = type.value_field();
      if (element.type.id() == TypeId::kList) break;  // PostgreSQL arrays are not nested lists
      auto inner = from_arrow(element);
      if (!inner) return inner;
      return *inner + "[]";
    }
    default:
      break;
  }
  return sdk::schema_error("column '" + field.name + "' has Arrow type " + type.to_string() +
                               ", which dest-postgres cannot store",
                           "UNSUPPORTED_TYPE");
}

}  // namespace

sdk::Result<std::string> postgres_type_for(const arrow::Field& field) {
  if (auto declared = field.metadata.get(kPgTypeKey); declared && is_safe_type_name(*declared)) {
    return std::string(*declared);
  }
  return from_arrow(field);
}

}  // namespace rapidbyte::connectors::dest_postgres
