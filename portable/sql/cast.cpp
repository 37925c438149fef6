#include "portable/sql/cast.hpp"

#include <cmath>

#include "portable/sql/datetime.hpp"
#include "portable/sql/kernel_util.hpp"
#include "portable/sql/value_text.hpp"

namespace rapidbyte::sql {
namespace {

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

}  // namespace

bool implicit_cast(const SqlType& from, const SqlType& to) {
  if (from.id == to.id) return true;
  if (from.id == TypeId::kNull || from.id == TypeId::kUnknown) return true;
  if (numeric_rank(from.id) && numeric_rank(to.id))
    return numeric_rank(from.id) < numeric_rank(to.id);
  if (from.id == TypeId::kDate) return to.id == TypeId::kTimestamp || to.id == TypeId::kTimestampTz;
  if (from.id == TypeId::kTimestamp) return to.id == TypeId::kTimestampTz;
  return false;
}

bool can_cast(const SqlType& from, const SqlType& to) {
  if (from.id == to.id || from.id == TypeId::kNull) return true;
  if (to.id == TypeId::kText) return from.id != TypeId::kOpaque;
  if (from.id == TypeId::kText || from.id == TypeId::kUnknown) return to.id != TypeId::kOpaque;
  if (numeric_rank(from.id) && numeric_rank(to.id)) return true;
  if (from.id == TypeId::kBool) return to.id == TypeId::kInt32;
  if (to.id == TypeId::kBool) return from.id == TypeId::kInt32;
  if (from.is_temporal() && to.is_temporal()) return true;
  return false;
}

namespace {

Result<Vector> integer_to_integer(const Vector& in, const SqlType& to, int64_t rows) {
  std::string error = out_of_range_message(to.id);
  const int64_t lo = integer_min(to.id), hi = integer_max(to.id);
  return map_unary(in, to, rows, error, [&](Vector& out, int64_t o, int64_t a) {
    const int64_t v = in.i64[static_cast<size_t>(a)];
    out.i64[static_cast<size_t>(o)] = v;
    return v >= lo && v <= hi;
  });
}

Result<Vector> from_text(const Vector& in, const SqlType& to, int64_t rows) {
  std::string error;
  const std::string type_name = to.id == TypeId::kNumeric ? "numeric" : to.name();
  auto fail = [&](std::string_view s) {
    error = "invalid input syntax for type " + type_name + ": " + quoted(s);
    return false;
  };
  return map_unary(in, to, rows, error, [&](Vector& out, int64_t o, int64_t a) {
    const std::string_view s = in.str[static_cast<size_t>(a)];
    const size_t oi = static_cast<size_t>(o);
    switch (to.id) {
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64: {
        bool range = false;
        auto v = parse_integer(s, range);
        if (!v || *v < integer_min(to.id) || *v > integer_max(to.id)) {
          if (!range && !v) return fail(s);
          error = "value " + quoted(s) + " is out of range for type " + to.name();
          return false;
        }
        out.i64[oi] = *v;
        return true;
      }
      case TypeId::kFloat64: {
        auto v = parse_float8(s);
        if (!v) return fail(s);
        out.f64[oi] = *v;
        return true;
      }
      case TypeId::kNumeric: {
        bool range = false;
        auto v = parse_numeric(s, to.scale, range);
        if (!v) {
          if (!range) return fail(s);
          error = "numeric field overflow";
          return false;
        }
        if (!fits_precision(*v, to.precision)) {
          error = "numeric field overflow";
          return false;
        }
        out.dec[oi] = *v;
        return true;
      }
      case TypeId::kBool: {
        auto v = parse_bool(s);
        if (!v) return fail(s);
        out.i64[oi] = *v;
        return true;
      }
      case TypeId::kDate: {
        auto v = parse_date(s);
        if (!v) return fail(s);
        out.i64[oi] = *v;
        return true;
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz: {
        auto v = parse_timestamp(s, to.id == TypeId::kTimestampTz);
        if (!v) return fail(s);
        out.i64[oi] = *v;
        return true;
      }
      case TypeId::kInterval: {
        auto v = parse_interval(s);
        if (!v) return fail(s);
        out.iv[oi] = *v;
        return true;
      }
      case TypeId::kText:
        out.str[oi] = s;
        return true;
      default:
        error = "cannot cast text to " + to.name();
        return false;
    }
  });
}

Result<Vector> to_text(const Vector& in, int64_t rows) {
  std::string error;
  const SqlType text = make_type(TypeId::kText);
  return map_unary(in, text, rows, error, [&](Vector& out, int64_t o, int64_t a) {
    out.str[static_cast<size_t>(o)] = out.heap().add(format_slot(in, a));
    return true;
  });
}

Result<Vector> numeric_cast(const Vector& in, const SqlType& to, int64_t rows) {
  std::string error;
  const TypeId from = in.type.id;
  return map_unary(in, to, rows, error, [&](Vector& out, int64_t o, int64_t a) {
    const size_t oi = static_cast<size_t>(o), ai = static_cast<size_t>(a);
    if (to.is_integer()) {
      int64_t v = 0;
      if (from == TypeId::kFloat64) {
        const double d = std::nearbyint(in.f64[ai]);  // half to even, as rint()
        if (!(d >= static_cast<double>(integer_min(to.id)) &&
              d < -static_cast<double>(integer_min(to.id)))) {
          error = out_of_range_message(to.id);
          return false;
        }
        v = static_cast<int64_t>(d);
      } else {  // numeric
        auto r = rescale(in.dec[ai], in.type.scale, 0);
        if (!r || *r < integer_min(to.id) || *r > integer_max(to.id)) {
          error = out_of_range_message(to.id);
          return false;
        }
        v = static_cast<int64_t>(*r);
      }
      if (v < integer_min(to.id) || v > integer_max(to.id)) {
        error = out_of_range_message(to.id);
        return false;
      }
      out.i64[oi] = v;
      return true;
    }
    if (to.id == TypeId::kFloat64) {
      if (in.type.is_integer()) {
        out.f64[oi] = static_cast<double>(in.i64[ai]);
      } else {
        out.f64[oi] = static_cast<double>(in.dec[ai]) / std::pow(10.0, in.type.scale);
        if (in.type.scale > 0) {
          // Through the decimal text: exact rounding like PostgreSQL.
          out.f64[oi] = *parse_float8(format_numeric(in.dec[ai], in.type.scale));
        }
      }
      return true;
    }
    // to numeric
    std::optional<__int128> v;
    if (in.type.is_integer()) {
      v = rescale(in.i64[ai], 0, to.scale);
    } else if (from == TypeId::kNumeric) {
      v = rescale(in.dec[ai], in.type.scale, to.scale);
    } else {
      const double d = in.f64[ai];
      if (std::isnan(d) || std::isinf(d)) {
        error = "cannot convert " + format_float8(d) + " to numeric";
        return false;
      }
      bool range = false;
      v = parse_numeric(format_float8(d), to.scale, range);
    }
    if (!v || !fits_precision(*v, to.precision)) {
      error = "numeric field overflow";
      return false;
    }
    out.dec[oi] = *v;
    return true;
  });
}

Result<Vector> temporal_cast(const Vector& in, const SqlType& to, int64_t rows) {
  std::string error;
  const TypeId from = in.type.id;
  return map_unary(in, to, rows, error, [&](Vector& out, int64_t o, int64_t a) {
    const int64_t v = in.i64[static_cast<size_t>(a)];
    int64_t r = v;
    if (from == TypeId::kDate) {
      r = v == kDateInfinity        ? kTimestampInfinity
          : v == kDateMinusInfinity ? kTimestampMinusInfinity
                                    : v * kMicrosPerDay;
    } else if (to.id == TypeId::kDate) {
      r = v == kTimestampInfinity        ? kDateInfinity
          : v == kTimestampMinusInfinity ? kDateMinusInfinity
                                         : floor_div(v, kMicrosPerDay);
    }
    out.i64[static_cast<size_t>(o)] = r;
    return true;
  });
}

}  // namespace

Result<Vector> cast_vector(const Vector& in, const SqlType& to, int64_t rows) {
  const TypeId from = in.type.id;
  if (from == to.id && (to.id != TypeId::kNumeric || in.type.scale == to.scale)) {
    if (to.id == TypeId::kNumeric && to.precision < in.type.precision) {
      return numeric_cast(in, to, rows);
    }
    Vector out = in;
    out.type = to;
    return out;
  }
  if (from == TypeId::kNull) return null_vector(to, rows);
  if (from == TypeId::kText || from == TypeId::kUnknown) return from_text(in, to, rows);
  if (to.id == TypeId::kText) return to_text(in, rows);
  if (in.type.is_integer() && to.is_integer()) return integer_to_integer(in, to, rows);
  if (in.type.is_numeric() && to.is_numeric()) return numeric_cast(in, to, rows);
  if (in.type.is_temporal() && to.is_temporal()) return temporal_cast(in, to, rows);
  if (from == TypeId::kBool || to.id == TypeId::kBool) {
    std::string error;
    return map_unary(in, to, rows, error, [&](Vector& out, int64_t o, int64_t a) {
      out.i64[static_cast<size_t>(o)] = from == TypeId::kBool ? in.i64[static_cast<size_t>(a)]
                                                              : in.i64[static_cast<size_t>(a)] != 0;
      return true;
    });
  }
  return data_error("cannot cast type " + in.type.name() + " to " + to.name());
}

}  // namespace rapidbyte::sql
