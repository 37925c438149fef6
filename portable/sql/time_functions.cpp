// Date/time functions: now()/current_timestamp (the run's start time),
// localtimestamp, current_date, date_trunc, date_part and extract.
#include <cmath>
#include <string>

#include "portable/base/try.hpp"
#include "portable/sql/ascii.hpp"
#include "portable/sql/cast.hpp"
#include "portable/sql/datetime.hpp"
#include "portable/sql/function_registry.hpp"

namespace rapidbyte::sql {
namespace {

// now, current_timestamp, localtimestamp, current_date: one value for the
// whole run, so every batch agrees.
Result<FunctionResolution> resolve_current_time(const FunctionCall& call) {
  if (!call.args.empty()) return no_function(call);
  const bool date = call.name == "current_date";
  const SqlType type = date                            ? make_type(TypeId::kDate)
                       : call.name == "localtimestamp" ? make_type(TypeId::kTimestamp)
                                                       : make_type(TypeId::kTimestampTz);
  const int64_t v = date ? floor_div(call.env.now_micros, kMicrosPerDay) : call.env.now_micros;
  return resolution({}, type, [v](KernelArgs, const SqlType& r, int64_t rows) -> Result<Vector> {
    Vector out = make_vector(r, 1);
    out.constant = true;
    out.size = rows;
    out.i64[0] = v;
    return out;
  });
}

// f(unit, source) with a constant unit (lowercased) and a temporal source.
struct UnitCall {
  std::string unit;
  SqlType source;  // an untyped literal reads as timestamptz
};

Result<UnitCall> unit_call(const FunctionCall& call) {
  if (call.args.size() != 2) return no_function(call);
  const FunctionArg& unit = call.args[0];
  if (!implicit_cast(unit.type, make_type(TypeId::kText))) return no_function(call);
  if (!unit.constant || unit.constant->is_null(0))
    return bind_error(std::string(call.name) + " needs a constant unit", -1);
  SqlType source = call.args[1].type;
  if (source.id == TypeId::kUnknown) source = make_type(TypeId::kTimestampTz);
  if (!source.is_temporal() && source.id != TypeId::kInterval) return no_function(call);
  return UnitCall{ascii_lower(unit.constant->str[0]), source};
}

// date_trunc's unit in the singular form trunc_timestamp takes (but
// "microseconds" and "milliseconds" are plural there).
std::string trunc_unit(const std::string& unit) {
  std::string norm = unit;
  if (norm == "microsecond") norm = "microseconds";
  if (norm == "millisecond") norm = "milliseconds";
  if (norm.size() > 1 && norm.back() == 's' && norm != "microseconds" && norm != "milliseconds")
    norm.pop_back();
  return norm;
}

Result<FunctionResolution> resolve_date_trunc(const FunctionCall& call) {
  RB_ASSIGN_OR_RETURN(const UnitCall u, unit_call(call));
  if (u.source.id == TypeId::kInterval) return no_function(call);
  // date_trunc over a date computes on a timestamp with time zone.
  const SqlType t = u.source.id == TypeId::kDate ? make_type(TypeId::kTimestampTz) : u.source;
  std::string norm = trunc_unit(u.unit);
  if (!trunc_timestamp(norm, 0))
    return bind_error("unit \"" + u.unit + "\" not recognized for date_trunc", -1);
  return resolution(
      {make_type(TypeId::kText), t}, t,
      row_kernel([norm = std::move(norm)](KernelArgs a, Vector& o, int64_t i, std::string&) {
        o.i64[row_index(i)] = *trunc_timestamp(norm, int_value(a[1], i));
        return true;
      }));
}

bool is_clock_unit(std::string_view unit) {
  return unit == "hour" || unit == "minute" || unit == "second" || unit == "milliseconds" ||
         unit == "microseconds";
}

// Field `unit` of row `i` of a date, timestamp or interval vector.
// REQUIRES: the unit was probed for the vector's type.
FieldValue extract_field(const Vector& v, int64_t i, const std::string& unit, TypeId source) {
  if (source == TypeId::kInterval) return *extract_interval(unit, v.iv[row_index(v.at(i))]);
  if (source != TypeId::kDate) return *extract_timestamp(unit, int_value(v, i));
  const FieldValue f = *extract_timestamp(unit, int_value(v, i) * kMicrosPerDay);
  return unit == "epoch" ? FieldValue{f.value / kMicrosPerSecond, 0} : f;
}

// date_part returns double precision, extract numeric (PostgreSQL 14+).
Result<FunctionResolution> resolve_date_part(const FunctionCall& call) {
  RB_ASSIGN_OR_RETURN(const UnitCall u, unit_call(call));
  const TypeId source = u.source.id;
  const bool from_date = source == TypeId::kDate;
  auto probe =
      source == TypeId::kInterval ? extract_interval(u.unit, {}) : extract_timestamp(u.unit, 0);
  if (!probe || (from_date && is_clock_unit(u.unit))) {
    return bind_error("unit \"" + u.unit + "\" not supported for type " + u.source.name(), -1);
  }
  const bool as_numeric = call.name == "extract";
  const SqlType result = as_numeric
                             ? numeric_type(38, from_date && u.unit == "epoch" ? 0 : probe->scale)
                             : make_type(TypeId::kFloat64);
  const SqlType in = from_date ? make_type(TypeId::kDate) : u.source;
  return resolution({make_type(TypeId::kText), in}, result,
                    row_kernel([unit = u.unit, source, as_numeric](KernelArgs a, Vector& o,
                                                                   int64_t i, std::string&) {
                      const FieldValue f = extract_field(a[1], i, unit, source);
                      if (as_numeric) {
                        o.dec[row_index(i)] = f.value;
                      } else {
                        o.f64[row_index(i)] =
                            static_cast<double>(f.value) / std::pow(10.0, f.scale);
                      }
                      return true;
                    }));
}

}  // namespace

std::span<const FunctionEntry> time_functions() {
  static constexpr FunctionEntry kFunctions[] = {
      {"current_date", resolve_current_time}, {"current_timestamp", resolve_current_time},
      {"date_part", resolve_date_part},       {"date_trunc", resolve_date_trunc},
      {"extract", resolve_date_part},         {"localtimestamp", resolve_current_time},
      {"now", resolve_current_time},
  };
  return kFunctions;
}

}  // namespace rapidbyte::sql
