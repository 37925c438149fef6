// Comparison operators, NOT/IS predicates and the common-type rule.
#include <cmath>

#include "portable/sql/cast.hpp"
#include "portable/sql/kernel_util.hpp"
#include "portable/sql/operators.hpp"

namespace rapidbyte::sql {
namespace {

// PostgreSQL orders NaN above every number and equal to itself.
int compare_double(double a, double b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Intervals compare by their length with a month of 30 days.
__int128 interval_key(const arrow::MonthDayNano& v) {
  return (__int128{v.months} * 30 + v.days) * (__int128{86400} * 1000000000) + v.nanoseconds;
}

enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe };

template <Cmp C>
inline bool holds(int c) {
  if constexpr (C == Cmp::kEq) return c == 0;
  if constexpr (C == Cmp::kNe) return c != 0;
  if constexpr (C == Cmp::kLt) return c < 0;
  if constexpr (C == Cmp::kLe) return c <= 0;
  if constexpr (C == Cmp::kGt) return c > 0;
  return c >= 0;
}

template <class T>
inline int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

template <Cmp C>
Kernel comparison_kernel(TypeId id) {
  return [id](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
    const Vector& a = args[0];
    const Vector& b = args[1];
    std::string error;
    switch (id) {
      case TypeId::kFloat64:
        return map_binary(
            a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
              o.i64[static_cast<size_t>(i)] = holds<C>(
                  compare_double(a.f64[static_cast<size_t>(x)], b.f64[static_cast<size_t>(y)]));
              return true;
            });
      case TypeId::kNumeric:
        return map_binary(
            a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
              o.i64[static_cast<size_t>(i)] =
                  holds<C>(three_way(a.dec[static_cast<size_t>(x)], b.dec[static_cast<size_t>(y)]));
              return true;
            });
      case TypeId::kText:
      case TypeId::kUnknown:
        return map_binary(
            a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
              o.i64[static_cast<size_t>(i)] =
                  holds<C>(a.str[static_cast<size_t>(x)].compare(b.str[static_cast<size_t>(y)]));
              return true;
            });
      case TypeId::kInterval:
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            o.i64[static_cast<size_t>(i)] =
                                holds<C>(three_way(interval_key(a.iv[static_cast<size_t>(x)]),
                                                   interval_key(b.iv[static_cast<size_t>(y)])));
                            return true;
                          });
      default: {
        // int64 storage: a tight loop the compiler vectorises.
        const int64_t* pa = a.i64.data();
        const int64_t* pb = b.i64.data();
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            o.i64[static_cast<size_t>(i)] = holds<C>(three_way(pa[x], pb[y]));
                            return true;
                          });
      }
    }
  };
}

}  // namespace

std::optional<SqlType> common_type(const SqlType& a, const SqlType& b) {
  if (a.id == TypeId::kNull) return b.id == TypeId::kUnknown ? make_type(TypeId::kText) : b;
  if (b.id == TypeId::kNull) return a.id == TypeId::kUnknown ? make_type(TypeId::kText) : a;
  if (a.id == TypeId::kUnknown && b.id == TypeId::kUnknown) return make_type(TypeId::kText);
  if (a.id == TypeId::kUnknown) return b;
  if (b.id == TypeId::kUnknown) return a;
  if (numeric_rank(a.id) && numeric_rank(b.id)) {
    const TypeId id = numeric_rank(a.id) >= numeric_rank(b.id) ? a.id : b.id;
    if (id == TypeId::kNumeric) {
      const int32_t sa = a.id == TypeId::kNumeric ? a.scale : 0;
      const int32_t sb = b.id == TypeId::kNumeric ? b.scale : 0;
      return numeric_type(kMaxNumericPrecision, std::max(sa, sb));
    }
    return make_type(id);
  }
  if (a.id == b.id) return a;
  if (a.is_temporal() && b.is_temporal()) {
    if (a.id == TypeId::kTimestampTz || b.id == TypeId::kTimestampTz)
      return make_type(TypeId::kTimestampTz);
    return make_type(TypeId::kTimestamp);
  }
  return std::nullopt;
}

std::optional<OperatorResolution> resolve_comparison(std::string_view op, const SqlType& left,
                                                     const SqlType& right) {
  auto common = common_type(left, right);
  if (!common || common->id == TypeId::kOpaque || common->id == TypeId::kTextList)
    return std::nullopt;
  OperatorResolution r{*common, *common, make_type(TypeId::kBool), {}};
  const TypeId id = common->id;
  if (op == "=") r.kernel = comparison_kernel<Cmp::kEq>(id);
  if (op == "<>") r.kernel = comparison_kernel<Cmp::kNe>(id);
  if (op == "<") r.kernel = comparison_kernel<Cmp::kLt>(id);
  if (op == "<=") r.kernel = comparison_kernel<Cmp::kLe>(id);
  if (op == ">") r.kernel = comparison_kernel<Cmp::kGt>(id);
  if (op == ">=") r.kernel = comparison_kernel<Cmp::kGe>(id);
  if (!r.kernel) return std::nullopt;
  return r;
}

int compare_slots(const Vector& x, int64_t a, const Vector& y, int64_t b) {
  const size_t i = static_cast<size_t>(x.at(a)), j = static_cast<size_t>(y.at(b));
  switch (x.type.id) {
    case TypeId::kFloat64:
      return compare_double(x.f64[i], y.f64[j]);
    case TypeId::kNumeric:
      return three_way(x.dec[i], y.dec[j]);
    case TypeId::kText:
    case TypeId::kUnknown: {
      const int c = x.str[i].compare(y.str[j]);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeId::kInterval:
      return three_way(interval_key(x.iv[i]), interval_key(y.iv[j]));
    case TypeId::kTextList:
      return three_way(x.list[i], y.list[j]);
    case TypeId::kNull:
    case TypeId::kOpaque:
      return 0;
    default:
      return three_way(x.i64[i], y.i64[j]);
  }
}

Kernel not_kernel() {
  return [](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
    std::string error;
    const Vector& a = args[0];
    return map_unary(a, result, rows, error, [&](Vector& o, int64_t i, int64_t x) {
      o.i64[static_cast<size_t>(i)] = !a.i64[static_cast<size_t>(x)];
      return true;
    });
  };
}

// A never-null boolean of `a`'s shape (constant or not): test(a, i) per row.
template <class Test>
Vector boolean_of(const Vector& a, const SqlType& result, int64_t rows, Test&& test) {
  Vector out = make_vector(result, a.constant ? 1 : rows);
  out.size = rows;
  out.constant = a.constant;
  for (int64_t i = 0; i < (a.constant ? 1 : rows); ++i) {
    out.i64[static_cast<size_t>(i)] = test(a, i);
  }
  return out;
}

Kernel is_null_kernel(bool negated) {
  return [negated](std::span<const Vector> args, const SqlType& result,
                   int64_t rows) -> Result<Vector> {
    return boolean_of(args[0], result, rows,
                      [negated](const Vector& a, int64_t i) { return a.is_null(i) != negated; });
  };
}

Kernel is_bool_kernel(bool value, bool negated) {
  return [value, negated](std::span<const Vector> args, const SqlType& result,
                          int64_t rows) -> Result<Vector> {
    return boolean_of(args[0], result, rows, [value, negated](const Vector& a, int64_t i) {
      const bool is = !a.is_null(i) && (a.i64[static_cast<size_t>(a.at(i))] != 0) == value;
      return is != negated;
    });
  };
}

Kernel distinct_from_kernel(bool negated) {
  return [negated](std::span<const Vector> args, const SqlType& result,
                   int64_t rows) -> Result<Vector> {
    const Vector& a = args[0];
    const Vector& b = args[1];
    const bool constant = a.constant && b.constant;
    Vector out = make_vector(result, constant ? 1 : rows);
    out.size = rows;
    out.constant = constant;
    for (int64_t i = 0; i < (constant ? 1 : rows); ++i) {
      const bool an = a.is_null(i), bn = b.is_null(i);
      const bool distinct = an || bn ? an != bn : compare_slots(a, i, b, i) != 0;
      out.i64[static_cast<size_t>(i)] = distinct != negated;
    }
    return out;
  };
}

}  // namespace rapidbyte::sql
