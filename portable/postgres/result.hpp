// Result<T>: the return type of everything in the PostgreSQL client that can
// fail — the value or a PgError (the client runs in wasm32 guests, built
// without exceptions). The two macros propagate an error to the caller.
#pragma once

#include <expected>
#include <utility>

#include "portable/postgres/pg_error.hpp"

namespace rapidbyte::postgres {

template <class T>
using Result = std::expected<T, PgError>;

inline std::unexpected<PgError> fail(PgError error) {
  return std::unexpected(std::move(error));
}

}  // namespace rapidbyte::postgres

#define RB_PG_CONCAT_INNER(a, b) a##b
#define RB_PG_CONCAT(a, b) RB_PG_CONCAT_INNER(a, b)

// Evaluates `expr` (a Result<void>); returns its error from the enclosing
// function when it failed.
#define RB_PG_RETURN_IF_ERROR(expr)                                               \
  do {                                                                            \
    auto rb_pg_status_ = (expr);                                                  \
    if (!rb_pg_status_) return std::unexpected(std::move(rb_pg_status_).error()); \
  } while (false)

// `RB_PG_ASSIGN_OR_RETURN(auto x, f());` declares x from f()'s value, or
// returns f()'s error from the enclosing function.
#define RB_PG_ASSIGN_OR_RETURN(lhs, expr) \
  RB_PG_ASSIGN_OR_RETURN_IMPL(RB_PG_CONCAT(rb_pg_result_, __LINE__), lhs, expr)
#define RB_PG_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)         \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)
