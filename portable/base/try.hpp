// RB_TRY and RB_ASSIGN_OR_RETURN: the one way an error travels up through
// std::expected, in the host, the guests and the portable libraries alike
// (compare Arrow's ARROW_RETURN_NOT_OK and ARROW_ASSIGN_OR_RAISE).
//
//   RB_TRY(writer.flush());                          // on error, return it
//   RB_ASSIGN_OR_RETURN(auto rows, read_rows());     // declare from the value
//   RB_ASSIGN_OR_RETURN(config.name, parse_name());  // or assign to an lvalue
//
// The enclosing function returns a std::expected whose error type the
// expression's error converts to. The expression may hold commas.
// RB_ASSIGN_OR_RETURN expands to several statements: give it a block of its
// own under an `if`.
#pragma once

#include <expected>
#include <utility>

#define RB_TRY_CONCAT_INNER(a, b) a##b
#define RB_TRY_CONCAT(a, b) RB_TRY_CONCAT_INNER(a, b)

// Evaluates the expression (a std::expected); returns its error from the
// enclosing function when it holds one.
#define RB_TRY(...)                                                               \
  do {                                                                            \
    auto&& rb_try_result = (__VA_ARGS__);                                         \
    if (!rb_try_result) return std::unexpected(std::move(rb_try_result).error()); \
  } while (false)

// Declares or assigns `lhs` from the value of the expression (a
// std::expected), or returns its error from the enclosing function.
#define RB_ASSIGN_OR_RETURN(lhs, ...) \
  RB_ASSIGN_OR_RETURN_IMPL(RB_TRY_CONCAT(rb_try_value_, __COUNTER__), lhs, (__VA_ARGS__))
// `tmp` is an identifier and `lhs` may be a declaration: neither can be
// parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define RB_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)            \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)
// NOLINTEND(bugprone-macro-parentheses)
