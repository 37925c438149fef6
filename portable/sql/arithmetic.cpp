// Arithmetic operators (+ - * / %), unary minus and ||, with PostgreSQL's
// result types and errors.
#include <cmath>

#include "portable/sql/datetime.hpp"
#include "portable/sql/kernel_util.hpp"
#include "portable/sql/operators.hpp"
#include "portable/sql/value_text.hpp"

namespace rapidbyte::sql {
namespace {

Kernel integer_kernel(char op, TypeId id) {
  return [op, id](std::span<const Vector> args, const SqlType& result,
                  int64_t rows) -> Result<Vector> {
    const Vector& a = args[0];
    const Vector& b = args[1];
    std::string error = out_of_range_message(id);
    const int64_t lo = integer_min(id), hi = integer_max(id);
    const int64_t* pa = a.i64.data();
    const int64_t* pb = b.i64.data();
    switch (op) {
      case '+':
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            int64_t r;
                            const bool overflow = __builtin_add_overflow(pa[x], pb[y], &r);
                            o.i64[row_index(i)] = r;
                            return !overflow && r >= lo && r <= hi;
                          });
      case '-':
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            int64_t r;
                            const bool overflow = __builtin_sub_overflow(pa[x], pb[y], &r);
                            o.i64[row_index(i)] = r;
                            return !overflow && r >= lo && r <= hi;
                          });
      case '*':
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            int64_t r;
                            const bool overflow = __builtin_mul_overflow(pa[x], pb[y], &r);
                            o.i64[row_index(i)] = r;
                            return !overflow && r >= lo && r <= hi;
                          });
      case '/':
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            if (pb[y] == 0) {
                              error = "division by zero";
                              return false;
                            }
                            if (pb[y] == -1) {
                              o.i64[row_index(i)] = -pa[x];
                              return pa[x] != lo;  // -min does not fit
                            }
                            o.i64[row_index(i)] = pa[x] / pb[y];
                            return true;
                          });
      default:  // '%'
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            if (pb[y] == 0) {
                              error = "division by zero";
                              return false;
                            }
                            o.i64[row_index(i)] = pb[y] == -1 ? 0 : pa[x] % pb[y];
                            return true;
                          });
    }
  };
}

Kernel float_kernel(char op) {
  return [op](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
    const Vector& a = args[0];
    const Vector& b = args[1];
    std::string error = "value out of range: overflow";
    const double* pa = a.f64.data();
    const double* pb = b.f64.data();
    // PostgreSQL: an infinite result from finite inputs is an overflow, a
    // zero product or quotient of non-zero inputs an underflow.
    auto check = [&](double r, double x, double y, bool zero_check) {
      if (std::isinf(r) && !std::isinf(x) && !std::isinf(y)) {
        error = "value out of range: overflow";
        return false;
      }
      if (zero_check && r == 0 && x != 0 && !std::isinf(y)) {
        error = "value out of range: underflow";
        return false;
      }
      return true;
    };
    switch (op) {
      case '+':
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            const double r = pa[x] + pb[y];
                            o.f64[row_index(i)] = r;
                            return !std::isinf(r) || check(r, pa[x], pb[y], false);
                          });
      case '-':
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            const double r = pa[x] - pb[y];
                            o.f64[row_index(i)] = r;
                            return !std::isinf(r) || check(r, pa[x], pb[y], false);
                          });
      case '*':
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            const double r = pa[x] * pb[y];
                            o.f64[row_index(i)] = r;
                            return check(r, pa[x], pb[y], pb[y] != 0);
                          });
      default:  // '/'
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            if (pb[y] == 0 && !std::isnan(pa[x])) {
                              error = "division by zero";
                              return false;
                            }
                            const double r = pa[x] / pb[y];
                            o.f64[row_index(i)] = r;
                            return check(r, pa[x], pb[y], true);
                          });
    }
  };
}

}  // namespace

// PostgreSQL's select_div_scale.
int numeric_division_scale(__int128 x, int sx, __int128 y, int sy) {
  // weight and first digit in base 10000 of |v| / 10^s
  auto weigh = [](__int128 v, int s, int& first) {
    if (v < 0) v = -v;
    if (v == 0) {
      first = 0;
      return 0;
    }
    // Align to base-10000 groups: value = v * 10^-s; pad s to a multiple of 4.
    int pad = (4 - s % 4) % 4;
    unsigned __int128 u = static_cast<unsigned __int128>(v);
    for (int k = 0; k < pad; ++k) u *= 10;
    const int groups_frac = (s + pad) / 4;
    int ngroups = 0;
    unsigned __int128 t = u;
    unsigned __int128 top = 0;
    while (t != 0) {
      top = t % 10000;
      t /= 10000;
      ++ngroups;
    }
    // The most significant non-zero group is the last one taken.
    first = static_cast<int>(top);
    return ngroups - 1 - groups_frac;
  };
  int f1 = 0, f2 = 0;
  const int w1 = weigh(x, sx, f1);
  const int w2 = weigh(y, sy, f2);
  int qweight = w1 - w2;
  if (f1 <= f2) --qweight;
  int rscale = 16 - qweight * 4;
  rscale = std::max({rscale, sx, sy, 0});
  return rscale;
}

namespace {

Kernel numeric_kernel(char op, int sa, int sb, int sr) {
  return [=](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
    const Vector& a = args[0];
    const Vector& b = args[1];
    std::string error = "numeric field overflow";
    const __int128* pa = a.dec.data();
    const __int128* pb = b.dec.data();
    switch (op) {
      case '+':
      case '-': {
        const __int128 ma = pow10_i128(sr - sa), mb = pow10_i128(sr - sb);
        return map_binary(
            a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
              __int128 l, r, out;
              if (mul_overflow_i128(pa[x], ma, &l) || mul_overflow_i128(pb[y], mb, &r))
                return false;
              if (op == '+' ? __builtin_add_overflow(l, r, &out)
                            : __builtin_sub_overflow(l, r, &out))
                return false;
              o.dec[row_index(i)] = out;
              return fits_precision(out, 38);
            });
      }
      case '*':
        return map_binary(a, b, result, rows, error,
                          [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                            __int128 out;
                            if (mul_overflow_i128(pa[x], pb[y], &out)) return false;
                            o.dec[row_index(i)] = out;
                            return fits_precision(out, 38);
                          });
      case '/':
        return map_binary(
            a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
              if (pb[y] == 0) {
                error = "division by zero";
                return false;
              }
              // q = (a / 10^sa) / (b / 10^sb) at scale rs: a * 10^(rs + sb - sa) / b
              const int rs = std::min(numeric_division_scale(pa[x], sa, pb[y], sb), sr);
              const int shift = rs + 1 + sb - sa;  // one guard digit for rounding
              __int128 num = pa[x], den = pb[y];
              if (shift >= 0) {
                if (mul_overflow_i128(num, pow10_i128(shift), &num)) return false;
              } else {
                if (mul_overflow_i128(den, pow10_i128(-shift), &den)) return false;
              }
              __int128 q = num / den;  // truncated, with the guard digit
              q = q >= 0 ? (q + 5) / 10 : (q - 5) / 10;
              __int128 out;
              if (mul_overflow_i128(q, pow10_i128(sr - rs), &out)) return false;
              o.dec[row_index(i)] = out;
              return fits_precision(out, 38);
            });
      default: {  // '%': truncated remainder at the larger scale
        const __int128 ma = pow10_i128(sr - sa), mb = pow10_i128(sr - sb);
        return map_binary(
            a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
              __int128 l, r;
              if (mul_overflow_i128(pa[x], ma, &l) || mul_overflow_i128(pb[y], mb, &r))
                return false;
              if (r == 0) {
                error = "division by zero";
                return false;
              }
              o.dec[row_index(i)] = l % r;
              return true;
            });
      }
    }
  };
}

// date ± integer, date - date, temporal ± interval, timestamp - timestamp.
Kernel temporal_kernel(char op, TypeId left, TypeId right) {
  return [=](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
    const Vector& a = args[0];
    const Vector& b = args[1];
    std::string error = result.id == TypeId::kDate ? "date out of range" : "timestamp out of range";
    if (right == TypeId::kInterval && left != TypeId::kInterval) {
      const int sign = op == '-' ? -1 : 1;
      const bool from_date = left == TypeId::kDate;
      return map_binary(a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
        const int64_t base = from_date ? a.i64[row_index(x)] * kMicrosPerDay : a.i64[row_index(x)];
        auto r = add_interval(base, b.iv[row_index(y)], sign);
        if (!r) return false;
        o.i64[row_index(i)] = *r;
        return true;
      });
    }
    if (left == TypeId::kInterval && right == TypeId::kInterval) {
      error = "interval out of range";
      return map_binary(a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
        const arrow::MonthDayNano l = a.iv[row_index(x)], r = b.iv[row_index(y)];
        const int s = op == '-' ? -1 : 1;
        int32_t m, d;
        int64_t n;
        if (__builtin_add_overflow(l.months, s * r.months, &m) ||
            __builtin_add_overflow(l.days, s * r.days, &d) ||
            __builtin_add_overflow(l.nanoseconds, s * r.nanoseconds, &n)) {
          return false;
        }
        o.iv[row_index(i)] = {m, d, n};
        return true;
      });
    }
    if (left == TypeId::kDate && right == TypeId::kDate) {
      return map_binary(a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
        o.i64[row_index(i)] = a.i64[row_index(x)] - b.i64[row_index(y)];
        return true;
      });
    }
    if (left == TypeId::kDate) {  // date ± integer
      return map_binary(a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
        // The integer may be any int64: checked, not wrapped.
        int64_t r;
        const bool overflow =
            op == '-' ? __builtin_sub_overflow(a.i64[row_index(x)], b.i64[row_index(y)], &r)
                      : __builtin_add_overflow(a.i64[row_index(x)], b.i64[row_index(y)], &r);
        if (overflow) return false;
        o.i64[row_index(i)] = r;
        return r > INT32_MIN && r < INT32_MAX;
      });
    }
    // timestamp - timestamp: days and time, as PostgreSQL's justify_hours.
    error = "interval out of range";
    return map_binary(a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
      int64_t d;
      if (__builtin_sub_overflow(a.i64[row_index(x)], b.i64[row_index(y)], &d)) return false;
      const int64_t days = d / kMicrosPerDay;
      o.iv[row_index(i)] = {0, static_cast<int32_t>(days), (d - days * kMicrosPerDay) * 1000};
      return true;
    });
  };
}

// interval * number, interval / number: PostgreSQL spills fractional
// months into days (30 per month) and fractional days into time.
Kernel interval_scale_kernel(bool divide, bool interval_left) {
  return [=](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
    const Vector& iv = args[interval_left ? 0 : 1];
    const Vector& f = args[interval_left ? 1 : 0];
    std::string error = "interval out of range";
    return map_binary(
        args[0], args[1], result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
          const arrow::MonthDayNano v = iv.iv[row_index(interval_left ? x : y)];
          double factor = f.f64[row_index(interval_left ? y : x)];
          if (divide) {
            if (factor == 0) {
              error = "division by zero";
              return false;
            }
            factor = 1 / factor;
          }
          const double months = v.months * factor;
          const double whole_months = std::trunc(months);
          const double days = v.days * factor + (months - whole_months) * 30;
          const double whole_days = std::trunc(days);
          const double nanos =
              static_cast<double>(v.nanoseconds) * factor + (days - whole_days) * 86400e9;
          if (std::fabs(whole_months) > INT32_MAX || std::fabs(whole_days) > INT32_MAX ||
              std::fabs(nanos) > 9.2e18)
            return false;
          o.iv[row_index(i)] = {static_cast<int32_t>(whole_months),
                                static_cast<int32_t>(whole_days),
                                static_cast<int64_t>(std::llround(nanos / 1000) * 1000)};
          return true;
        });
  };
}

Kernel concat_kernel() {
  return [](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
    const Vector& a = args[0];
    const Vector& b = args[1];
    std::string error;
    return map_binary(a, b, result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
      const std::string_view l = a.str[row_index(x)], r = b.str[row_index(y)];
      char* p = o.heap().reserve(l.size() + r.size());
      if (!l.empty()) std::memcpy(p, l.data(), l.size());
      if (!r.empty()) std::memcpy(p + l.size(), r.data(), r.size());
      o.str[row_index(i)] = o.heap().commit(p, l.size() + r.size());
      return true;
    });
  };
}

SqlType resolved(const SqlType& t, const SqlType& other) {
  return t.id == TypeId::kUnknown || t.id == TypeId::kNull ? other : t;
}

}  // namespace

std::optional<OperatorResolution> resolve_arithmetic(std::string_view op_text, const SqlType& l0,
                                                     const SqlType& r0) {
  const char op = op_text == "||" ? '|' : op_text[0];
  const SqlType text = make_type(TypeId::kText);
  if (op == '|') {
    if (l0.id == TypeId::kOpaque || r0.id == TypeId::kOpaque) return std::nullopt;
    if (l0.id == TypeId::kTextList || r0.id == TypeId::kTextList) return std::nullopt;
    if (!l0.is_stringlike() && !r0.is_stringlike() && l0.id != TypeId::kNull &&
        r0.id != TypeId::kNull) {
      return std::nullopt;  // PostgreSQL: || needs a text side
    }
    return OperatorResolution{text, text, text, concat_kernel()};
  }
  // Untyped literals take the other side's type (as PostgreSQL's unknown).
  SqlType l = resolved(l0, r0), r = resolved(r0, l0);
  if (l.id == TypeId::kUnknown && r.id == TypeId::kUnknown) return std::nullopt;
  if (numeric_rank(l.id) && numeric_rank(r.id)) {
    auto common = common_type(l, r);
    if (!common) return std::nullopt;
    if (common->is_integer()) {
      return OperatorResolution{*common, *common, *common, integer_kernel(op, common->id)};
    }
    if (common->id == TypeId::kFloat64) {
      if (op == '%') return std::nullopt;
      return OperatorResolution{*common, *common, *common, float_kernel(op)};
    }
    // numeric: each side keeps its own scale.
    const SqlType ln = l.id == TypeId::kNumeric ? l : numeric_type(38, 0);
    const SqlType rn = r.id == TypeId::kNumeric ? r : numeric_type(38, 0);
    int scale = std::max(ln.scale, rn.scale);
    if (op == '*') scale = ln.scale + rn.scale;
    if (op == '/') scale = std::max({20, ln.scale, rn.scale});
    if (scale > 38) return std::nullopt;
    return OperatorResolution{ln, rn, numeric_type(38, scale),
                              numeric_kernel(op, ln.scale, rn.scale, scale)};
  }
  const SqlType date = make_type(TypeId::kDate), interval = make_type(TypeId::kInterval);
  const SqlType integer = make_type(TypeId::kInt32);
  if (l.id == TypeId::kDate && r.is_integer() && (op == '+' || op == '-')) {
    return OperatorResolution{date, r, date, temporal_kernel(op, TypeId::kDate, r.id)};
  }
  if (l.is_integer() && r.id == TypeId::kDate && op == '+') {
    auto k = temporal_kernel('+', TypeId::kDate, l.id);
    Kernel swapped = [k](std::span<const Vector> args, const SqlType& result, int64_t rows) {
      const Vector flipped[] = {args[1], args[0]};
      return k(flipped, result, rows);
    };
    return OperatorResolution{l, date, date, swapped};
  }
  if (l.id == TypeId::kDate && r.id == TypeId::kDate && op == '-') {
    return OperatorResolution{date, date, integer,
                              temporal_kernel('-', TypeId::kDate, TypeId::kDate)};
  }
  if (l.is_temporal() && r.id == TypeId::kInterval && (op == '+' || op == '-')) {
    const SqlType out = l.id == TypeId::kDate ? make_type(TypeId::kTimestamp) : l;
    return OperatorResolution{l, interval, out, temporal_kernel(op, l.id, TypeId::kInterval)};
  }
  if (l.id == TypeId::kInterval && r.is_temporal() && op == '+') {
    const SqlType out = r.id == TypeId::kDate ? make_type(TypeId::kTimestamp) : r;
    auto k = temporal_kernel('+', r.id, TypeId::kInterval);
    Kernel swapped = [k](std::span<const Vector> args, const SqlType& result, int64_t rows) {
      const Vector flipped[] = {args[1], args[0]};
      return k(flipped, result, rows);
    };
    return OperatorResolution{interval, r, out, swapped};
  }
  if (l.id == TypeId::kInterval && r.id == TypeId::kInterval && (op == '+' || op == '-')) {
    return OperatorResolution{interval, interval, interval,
                              temporal_kernel(op, TypeId::kInterval, TypeId::kInterval)};
  }
  if ((l.id == TypeId::kTimestamp || l.id == TypeId::kTimestampTz) && op == '-' &&
      (r.id == TypeId::kTimestamp || r.id == TypeId::kTimestampTz)) {
    auto common = common_type(l, r);
    return OperatorResolution{*common, *common, interval, temporal_kernel('-', l.id, r.id)};
  }
  const SqlType f8 = make_type(TypeId::kFloat64);
  if (l.id == TypeId::kInterval && numeric_rank(r.id) && (op == '*' || op == '/')) {
    return OperatorResolution{interval, f8, interval, interval_scale_kernel(op == '/', true)};
  }
  if (numeric_rank(l.id) && r.id == TypeId::kInterval && op == '*') {
    return OperatorResolution{f8, interval, interval, interval_scale_kernel(false, false)};
  }
  return std::nullopt;
}

std::optional<Kernel> resolve_negate(const SqlType& type) {
  const TypeId id = type.id;
  if (!type.is_numeric() && id != TypeId::kInterval) return std::nullopt;
  return Kernel(
      [id](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
        const Vector& a = args[0];
        std::string error =
            id == TypeId::kInterval ? "interval out of range" : out_of_range_message(id);
        return map_unary(a, result, rows, error, [&](Vector& o, int64_t i, int64_t x) {
          switch (id) {
            case TypeId::kFloat64:
              o.f64[row_index(i)] = -a.f64[row_index(x)];
              return true;
            case TypeId::kNumeric:
              o.dec[row_index(i)] = -a.dec[row_index(x)];
              return true;
            case TypeId::kInterval: {
              const arrow::MonthDayNano v = a.iv[row_index(x)];
              o.iv[row_index(i)] = {-v.months, -v.days, -v.nanoseconds};
              return v.months != INT32_MIN && v.days != INT32_MIN;
            }
            default:
              o.i64[row_index(i)] = -a.i64[row_index(x)];
              return a.i64[row_index(x)] != integer_min(id);
          }
        });
      });
}

}  // namespace rapidbyte::sql
