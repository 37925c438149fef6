// Casts between SQL types, with PostgreSQL's rules and error messages:
// float to integer rounds half to even, numeric to integer rounds half away
// from zero, out-of-range values fail ("integer out of range"), text input
// that does not parse fails ("invalid input syntax for type integer:
// "abc""), and every type casts to text in its output form.
#pragma once

#include "portable/sql/vector.hpp"

namespace rapidbyte::sql {

// Whether an explicit CAST from `from` to `to` exists.
bool can_cast(const SqlType& from, const SqlType& to);

// Whether PostgreSQL would apply the cast silently (to resolve an operator
// or a function): widening numbers, date to timestamp, unknown/NULL to
// anything.
bool implicit_cast(const SqlType& from, const SqlType& to);

// REQUIRES: can_cast(in.type, to).
Result<Vector> cast_vector(const Vector& in, const SqlType& to, int64_t rows);

}  // namespace rapidbyte::sql
