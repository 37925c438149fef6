// The scalar function registry behind resolve_function and
// is_scalar_function: one table from a function's name to the resolver
// that picks its overload and builds its kernel.
//
// Each family of functions (strings, regular expressions, math, date/time,
// conditionals) lives in a file of its own and contributes a table of
// entries; the registry merges them once, so the list of names a query may
// call is exactly the list of functions that can resolve.
//
// Also here: the helpers every family builds its resolvers and kernels
// with.
#pragma once

#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "portable/sql/functions.hpp"
#include "portable/sql/kernel_util.hpp"

namespace rapidbyte::sql {

// A call to resolve: the name as written (resolvers shared by a family,
// like btrim/ltrim/rtrim, tell their members apart by it).
struct FunctionCall {
  std::string_view name;
  std::span<const FunctionArg> args;
  FunctionEnv env;
};

using Resolver = Result<FunctionResolution> (*)(const FunctionCall& call);

struct FunctionEntry {
  std::string_view name;
  Resolver resolve;
};

// Each family's entries, in any order (the registry sorts them).
std::span<const FunctionEntry> string_functions();
std::span<const FunctionEntry> regexp_functions();
std::span<const FunctionEntry> math_functions();
std::span<const FunctionEntry> time_functions();
std::span<const FunctionEntry> conditional_functions();

// Every entry of every family, sorted by name.
std::span<const FunctionEntry> function_registry();
// nullptr when no function has this name.
const FunctionEntry* find_function(std::string_view name);

// ---- for resolvers -----------------------------------------------------------------

// "function name(types) does not exist": no overload fits the arguments.
std::unexpected<SqlError> no_function(const FunctionCall& call);

// True when every argument casts implicitly to `want` (same arity).
bool fits(std::span<const FunctionArg> args, std::initializer_list<TypeId> want);

inline FunctionResolution resolution(std::vector<SqlType> args, SqlType result, Kernel kernel) {
  return FunctionResolution{std::move(args), result, std::move(kernel)};
}

// ---- for kernels -------------------------------------------------------------------

using KernelArgs = std::span<const Vector>;

// Row `i` of an argument (a constant holds every row in slot 0).
inline std::string_view text_value(const Vector& v, int64_t i) {
  return v.str[row_index(v.at(i))];
}
inline int64_t int_value(const Vector& v, int64_t i) {
  return v.i64[row_index(v.at(i))];
}
inline double float_value(const Vector& v, int64_t i) {
  return v.f64[row_index(v.at(i))];
}
inline __int128 numeric_value(const Vector& v, int64_t i) {
  return v.dec[row_index(v.at(i))];
}

int64_t char_count(std::string_view s);
// Byte offset of character `k` (0-based) in s, clamped to s.size().
size_t char_offset(std::string_view s, int64_t k);

// A strict kernel (any NULL argument gives NULL) that computes one row at a
// time: `f(args, out, i, error)` writes slot `i` of `out` from row `i` of
// the arguments, or sets `error` and returns false.
template <class F>
Kernel row_kernel(F f) {
  return [f](KernelArgs args, const SqlType& result, int64_t rows) -> Result<Vector> {
    std::string error;
    return map_rows(args, result, rows, error,
                    [&](Vector& out, int64_t i) { return f(args, out, i, error); });
  };
}

}  // namespace rapidbyte::sql
