// Math functions: abs, sign, floor, ceil/ceiling, round, trunc, sqrt,
// power/pow, mod.
//
// The numeric family a function resolves to: integers stay integers for
// abs and mod, numeric stays numeric, everything else is float8
// (PostgreSQL prefers float8 for integer arguments of floor/ceil/round).
#include <cmath>
#include <optional>

#include "portable/base/try.hpp"
#include "portable/sql/function_registry.hpp"
#include "portable/sql/operators.hpp"
#include "portable/sql/value_text.hpp"

namespace rapidbyte::sql {
namespace {

// The type of the first argument (float8 for an untyped literal or NULL),
// once every argument is known to be a number and there are one or two.
Result<SqlType> numeric_input(const FunctionCall& call) {
  const size_t n = call.args.size();
  if (n == 0 || n > 2) return no_function(call);
  for (const FunctionArg& a : call.args) {
    if (!a.type.is_numeric() && a.type.id != TypeId::kUnknown && a.type.id != TypeId::kNull)
      return no_function(call);
  }
  const SqlType& t0 = call.args[0].type;
  return t0.id == TypeId::kUnknown || t0.id == TypeId::kNull ? make_type(TypeId::kFloat64) : t0;
}

// f over one float8 argument.
FunctionResolution float_function(double (*f)(double)) {
  const SqlType f8 = make_type(TypeId::kFloat64);
  return resolution({f8}, f8, row_kernel([f](KernelArgs a, Vector& o, int64_t i, std::string&) {
                      o.f64[row_index(i)] = f(float_value(a[0], i));
                      return true;
                    }));
}

Result<FunctionResolution> resolve_abs(const FunctionCall& call) {
  RB_ASSIGN_OR_RETURN(const SqlType t0, numeric_input(call));
  if (call.args.size() != 1) return no_function(call);
  if (t0.is_integer()) {
    const TypeId id = t0.id;
    return resolution({t0}, t0,
                      row_kernel([id](KernelArgs a, Vector& o, int64_t i, std::string& error) {
                        const int64_t v = int_value(a[0], i);
                        // Its negation does not fit (nor may it be computed).
                        if (v == integer_min(id)) {
                          error = out_of_range_message(id);
                          return false;
                        }
                        o.i64[row_index(i)] = v < 0 ? -v : v;
                        return true;
                      }));
  }
  if (t0.id == TypeId::kNumeric) {
    return resolution({t0}, t0, row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string&) {
                        const __int128 v = numeric_value(a[0], i);
                        o.dec[row_index(i)] = v < 0 ? -v : v;
                        return true;
                      }));
  }
  return float_function([](double x) { return std::fabs(x); });
}

Result<FunctionResolution> resolve_sign(const FunctionCall& call) {
  RB_ASSIGN_OR_RETURN(const SqlType t0, numeric_input(call));
  if (call.args.size() != 1) return no_function(call);
  if (t0.id == TypeId::kNumeric) {
    return resolution({t0}, numeric_type(38, 0),
                      row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string&) {
                        const __int128 v = numeric_value(a[0], i);
                        o.dec[row_index(i)] = v > 0 ? 1 : (v < 0 ? -1 : 0);
                        return true;
                      }));
  }
  return float_function([](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); });
}

enum class Rounding : uint8_t { kRound, kTrunc, kFloor, kCeil };

// `v` at scale `from` rounded to `digits` places (may be negative), then
// stored at scale `to`; nullopt when it does not fit.
std::optional<__int128> round_numeric(__int128 v, int from, int digits, int to, Rounding mode) {
  const int drop = from - digits;
  if (drop <= 0) return rescale(v, from, to);
  const __int128 p = pow10_i128(std::min(drop, 38));
  __int128 q = v / p;
  const __int128 r = v % p;
  if (mode == Rounding::kRound) {
    if (r * 2 >= p) ++q;
    if (r * 2 <= -p) --q;
  } else if (mode == Rounding::kFloor) {
    if (r < 0) --q;
  } else if (mode == Rounding::kCeil) {
    if (r > 0) ++q;
  }
  if (digits < 0) {
    __int128 back;
    if (mul_overflow_i128(q, pow10_i128(-digits), &back)) return std::nullopt;
    q = back;
  }
  return rescale(q, std::max(digits, 0), to);
}

// The n of round/trunc(x, n): a constant integer within numeric's range.
Result<int> rounding_digits(const FunctionCall& call) {
  const FunctionArg& n = call.args[1];
  if (!n.constant || !n.type.is_integer())
    return bind_error(std::string(call.name) + "(numeric, n) needs a constant integer n", -1);
  const int digits = n.constant->is_null(0) ? 0 : static_cast<int>(n.constant->i64[0]);
  if (digits > 38 || digits < -38) return bind_error("rounding digits out of range", -1);
  return digits;
}

// Over numeric: scale n for round/trunc(x, n), else scale 0. Integer and
// float arguments with n compute as numeric too.
Result<FunctionResolution> numeric_rounding(const FunctionCall& call, const SqlType& t0,
                                            Rounding mode) {
  const bool with_digits = call.args.size() == 2;
  int digits = 0;
  if (with_digits) {
    RB_ASSIGN_OR_RETURN(digits, rounding_digits(call));
  }
  const SqlType in = t0.id == TypeId::kNumeric ? t0 : numeric_type(38, t0.is_integer() ? 0 : 16);
  const int from = in.scale;
  const int to = std::max(digits, 0);
  std::vector<SqlType> types = {in};
  if (with_digits) types.push_back(make_type(TypeId::kInt32));
  return resolution(std::move(types), numeric_type(38, to),
                    row_kernel([=](KernelArgs a, Vector& o, int64_t i, std::string& error) {
                      const auto v = round_numeric(numeric_value(a[0], i), from, digits, to, mode);
                      if (!v) {
                        error = "numeric field overflow";
                        return false;
                      }
                      o.dec[row_index(i)] = *v;
                      return true;
                    }));
}

Result<FunctionResolution> rounding(const FunctionCall& call, const SqlType& t0, Rounding mode) {
  if (t0.id == TypeId::kNumeric || call.args.size() == 2) return numeric_rounding(call, t0, mode);
  switch (mode) {
    case Rounding::kRound:
      return float_function([](double x) { return std::nearbyint(x); });
    case Rounding::kTrunc:
      return float_function([](double x) { return std::trunc(x); });
    case Rounding::kFloor:
      return float_function([](double x) { return std::floor(x); });
    case Rounding::kCeil:
      break;
  }
  return float_function([](double x) { return std::ceil(x); });
}

// floor, ceil, ceiling: one argument.
Result<FunctionResolution> resolve_floor_ceil(const FunctionCall& call) {
  RB_ASSIGN_OR_RETURN(const SqlType t0, numeric_input(call));
  if (call.args.size() != 1) return no_function(call);
  return rounding(call, t0, call.name == "floor" ? Rounding::kFloor : Rounding::kCeil);
}

// round, trunc: an optional second argument gives the digits to keep.
Result<FunctionResolution> resolve_round_trunc(const FunctionCall& call) {
  RB_ASSIGN_OR_RETURN(const SqlType t0, numeric_input(call));
  return rounding(call, t0, call.name == "round" ? Rounding::kRound : Rounding::kTrunc);
}

Result<FunctionResolution> resolve_sqrt(const FunctionCall& call) {
  RB_TRY(numeric_input(call));
  if (call.args.size() != 1) return no_function(call);
  const SqlType f8 = make_type(TypeId::kFloat64);
  return resolution({f8}, f8,
                    row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string& error) {
                      const double x = float_value(a[0], i);
                      error = "cannot take square root of a negative number";
                      o.f64[row_index(i)] = std::sqrt(x);
                      return !(x < 0);
                    }));
}

// power, pow: PostgreSQL's errors where the result is not a real number.
Result<FunctionResolution> resolve_power(const FunctionCall& call) {
  RB_TRY(numeric_input(call));
  if (call.args.size() != 2) return no_function(call);
  const SqlType f8 = make_type(TypeId::kFloat64);
  return resolution(
      {f8, f8}, f8, row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string& error) {
        const double x = float_value(a[0], i), y = float_value(a[1], i);
        if (x == 0 && y < 0) {
          error = "zero raised to a negative power is undefined";
          return false;
        }
        if (x < 0 && std::floor(y) != y) {
          error = "a negative number raised to a non-integer power yields a complex result";
          return false;
        }
        const double r = std::pow(x, y);
        error = "value out of range: overflow";
        o.f64[row_index(i)] = r;
        return !std::isinf(r) || std::isinf(x) || std::isinf(y);
      }));
}

// mod: the % operator.
Result<FunctionResolution> resolve_mod(const FunctionCall& call) {
  RB_TRY(numeric_input(call));
  if (call.args.size() != 2) return no_function(call);
  auto r = resolve_arithmetic("%", call.args[0].type, call.args[1].type);
  if (!r) return no_function(call);
  return resolution({r->left, r->right}, r->result, r->kernel);
}

}  // namespace

std::span<const FunctionEntry> math_functions() {
  static constexpr FunctionEntry kFunctions[] = {
      {"abs", resolve_abs},
      {"ceil", resolve_floor_ceil},
      {"ceiling", resolve_floor_ceil},
      {"floor", resolve_floor_ceil},
      {"mod", resolve_mod},
      {"pow", resolve_power},
      {"power", resolve_power},
      {"round", resolve_round_trunc},
      {"sign", resolve_sign},
      {"sqrt", resolve_sqrt},
      {"trunc", resolve_round_trunc},
  };
  return kFunctions;
}

}  // namespace rapidbyte::sql
