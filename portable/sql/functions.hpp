// The scalar function registry: resolves a call by name and argument types
// to a result type, the casts its arguments need and a kernel.
//
// Arguments that are constants (a date_trunc unit, a regex pattern, the
// digits of round) are seen at resolution time, so kernels are specialised
// once per query (a pattern is compiled once, not per row).
//
// Strings: lower, upper, length (characters), substr, btrim/ltrim/rtrim,
// concat (NULLs ignored), replace, split_part, starts_with, left, right,
// regexp_match (text[]), regexp_replace (flags g, i), md5 and sha256 (hex
// text). Math: abs, round, floor, ceil, mod, power, sqrt, sign, trunc.
// Date/time: date_trunc, date_part, extract, now()/current_timestamp
// (the run's start time), current_date. Conditionals handled elsewhere:
// COALESCE (evaluator), NULLIF, GREATEST, LEAST (here).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "portable/sql/ast.hpp"
#include "portable/sql/bound_expr.hpp"

namespace rapidbyte::sql {

struct FunctionArg {
  SqlType type;
  const Vector* constant = nullptr;  // set when the argument is a constant
};

struct FunctionResolution {
  std::vector<SqlType> arg_types;  // cast each argument to this
  SqlType result;
  Kernel kernel;
};

struct FunctionEnv {
  int64_t now_micros = 0;  // now(): the run's start, microseconds since the epoch (UTC)
};

// Fails (message only; the binder adds the position) when the function does
// not exist or its arguments do not fit.
Result<FunctionResolution> resolve_function(std::string_view name,
                                            std::span<const FunctionArg> args,
                                            const FunctionEnv& env);

bool is_aggregate_function(std::string_view name);
// Whether `e` calls an aggregate function anywhere within it.
bool contains_aggregate(const Expr& e);

// True when `name` is a scalar function of this registry (or COALESCE), for
// the checks that run before the argument types are known.
bool is_scalar_function(std::string_view name);

}  // namespace rapidbyte::sql
