// Building blocks of kernels: loops over whole vectors with PostgreSQL's
// strict NULL rule (any NULL argument gives NULL without calling the
// operation), constant folding (all-constant arguments compute one slot)
// and error reporting by row.
//
// The operation is a callable `bool op(Vector& out, int64_t o, int64_t a,
// int64_t b)` that writes slot `o` from argument slots `a` and `b` (already
// mapped for constants) and returns false after setting `error` when the
// row fails. It is inlined into the loop: no per-row dispatch.
#pragma once

#include <algorithm>
#include <span>
#include <string>

#include "portable/sql/vector.hpp"

namespace rapidbyte::sql {

// A row index as a vector subscript (rows are non-negative).
inline size_t row_index(int64_t i) {
  return static_cast<size_t>(i);
}

// The shape of a kernel's result: constant when every argument is.
inline Vector result_vector(std::span<const Vector> args, const SqlType& type, int64_t rows) {
  bool constant = true;
  for (const Vector& a : args) constant = constant && a.constant;
  Vector out = make_vector(type, constant ? 1 : rows);
  out.size = rows;
  out.constant = constant;
  // Strings of the result may be views into the arguments' strings.
  if (type.id == TypeId::kText || type.id == TypeId::kTextList) {
    for (const Vector& a : args) out.keep.insert(out.keep.end(), a.keep.begin(), a.keep.end());
  }
  return out;
}

// Sets the NULL flags of `out` from its arguments (strict functions).
inline void strict_nulls(std::span<const Vector> args, Vector& out) {
  const int64_t n = out.constant ? 1 : out.size;
  for (const Vector& a : args) {
    if (!a.has_nulls()) continue;
    if (out.nulls.empty()) out.nulls.assign(static_cast<size_t>(n), 0);
    for (int64_t i = 0; i < n; ++i)
      out.nulls[static_cast<size_t>(i)] |= a.nulls[static_cast<size_t>(a.at(i))];
  }
}

template <class Op>
Result<Vector> map_unary(const Vector& a, const SqlType& type, int64_t rows, std::string& error,
                         Op op) {
  Vector out = result_vector(std::span<const Vector>(&a, 1), type, rows);
  strict_nulls(std::span<const Vector>(&a, 1), out);
  const int64_t n = out.constant ? 1 : rows;
  const bool nulls = !out.nulls.empty();
  for (int64_t i = 0; i < n; ++i) {
    if (nulls && out.nulls[static_cast<size_t>(i)]) continue;
    if (!op(out, i, a.at(i))) return data_error(error, i);
  }
  return out;
}

// The n-ary form: `op(out, i)` computes slot `i` and reads argument k at
// args[k].at(i).
template <class Op>
Result<Vector> map_rows(std::span<const Vector> args, const SqlType& type, int64_t rows,
                        std::string& error, Op op) {
  Vector out = result_vector(args, type, rows);
  strict_nulls(args, out);
  const int64_t n = out.constant ? 1 : rows;
  const bool nulls = !out.nulls.empty();
  for (int64_t i = 0; i < n; ++i) {
    if (nulls && out.nulls[row_index(i)]) continue;
    if (!op(out, i)) return data_error(error, i);
  }
  return out;
}

template <class Op>
Result<Vector> map_binary(const Vector& a, const Vector& b, const SqlType& type, int64_t rows,
                          std::string& error, Op op) {
  Vector out;
  {
    const bool constant = a.constant && b.constant;
    out = make_vector(type, constant ? 1 : rows);
    out.size = rows;
    out.constant = constant;
    if (type.id == TypeId::kText || type.id == TypeId::kTextList) {
      out.keep.insert(out.keep.end(), a.keep.begin(), a.keep.end());
      out.keep.insert(out.keep.end(), b.keep.begin(), b.keep.end());
    }
  }
  const int64_t n = out.constant ? 1 : rows;
  if (a.has_nulls() || b.has_nulls()) {
    out.nulls.assign(static_cast<size_t>(n), 0);
    for (int64_t i = 0; i < n; ++i)
      out.nulls[static_cast<size_t>(i)] = a.is_null(i) || b.is_null(i);
  }
  const bool nulls = !out.nulls.empty();
  // Specialised loops for the common shapes, so the compiler can vectorise
  // the no-NULL, no-constant case.
  if (!nulls && !a.constant && !b.constant) {
    for (int64_t i = 0; i < n; ++i) {
      if (!op(out, i, i, i)) return data_error(error, i);
    }
  } else if (!nulls && !a.constant && b.constant) {
    for (int64_t i = 0; i < n; ++i) {
      if (!op(out, i, i, 0)) return data_error(error, i);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      if (nulls && out.nulls[static_cast<size_t>(i)]) continue;
      if (!op(out, i, a.at(i), b.at(i))) return data_error(error, i);
    }
  }
  return out;
}

}  // namespace rapidbyte::sql
