// Operator resolution: for an operator and the types of its operands, the
// types PostgreSQL would cast the operands to, the result type, and the
// kernel that computes it over whole vectors.
//
//   arithmetic  + - * / %  over integers (result: the wider operand type,
//               overflow is an error), numeric (exact; scale rules below),
//               double precision (IEEE, overflow/underflow are errors),
//               date ± integer, date - date, date/timestamp ± interval,
//               timestamp - timestamp, interval ± interval, interval * number
//   concat      ||  (text with anything not NULL-typed)
//   comparison  = <> < <= > >=  over a common type (text bytewise,
//               NaN equal to itself and above every number, as PostgreSQL)
//
// numeric scales: a + b and a - b keep the larger scale, a * b the sum of
// the scales, a / b is rounded per value to PostgreSQL's division scale
// (at least 16 significant digits) and stored at scale max(20, scales).
#pragma once

#include <optional>
#include <string_view>

#include "portable/sql/bound_expr.hpp"

namespace rapidbyte::sql {

struct OperatorResolution {
  SqlType left;   // cast the left operand to this first
  SqlType right;  // and the right operand to this
  SqlType result;
  Kernel kernel;
};

// nullopt when the operator does not exist for these types.
std::optional<OperatorResolution> resolve_arithmetic(std::string_view op, const SqlType& left,
                                                     const SqlType& right);
std::optional<OperatorResolution> resolve_comparison(std::string_view op, const SqlType& left,
                                                     const SqlType& right);

// The type two values are compared or combined as (CASE branches, IN
// lists, COALESCE, UNION-like contexts): nullopt when none exists.
std::optional<SqlType> common_type(const SqlType& a, const SqlType& b);

// Unary minus over a number or an interval.
std::optional<Kernel> resolve_negate(const SqlType& type);

// NOT, IS [NOT] NULL, IS [NOT] TRUE/FALSE, IS [NOT] DISTINCT FROM.
Kernel not_kernel();
Kernel is_null_kernel(bool negated);
Kernel is_bool_kernel(bool value, bool negated);
// REQUIRES: both arguments of one type.
Kernel distinct_from_kernel(bool negated);

// PostgreSQL's scale for x / y (numeric values at scales sx, sy): enough
// digits for 16 significant ones, at least the operands' scales.
int numeric_division_scale(__int128 x, int sx, __int128 y, int sy);

// Three-way comparison of slot a of `x` with slot b of `y` (same type, not
// NULL): the order ORDER BY, min/max and comparisons use.
int compare_slots(const Vector& x, int64_t a, const Vector& y, int64_t b);

}  // namespace rapidbyte::sql
