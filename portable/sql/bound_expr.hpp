// BoundExpr: a typed expression the evaluator can run — the binder's output.
//
// Names are resolved to column indexes of the chunk the expression runs
// over, every operator and function is resolved to a kernel (a function
// over whole vectors), and implicit casts are explicit nodes. Control flow
// that must not evaluate every branch on every row (AND, OR, CASE,
// COALESCE) stays as nodes of its own: the evaluator runs each branch only
// over the rows that reach it, so `CASE WHEN b <> 0 THEN a / b END` never
// divides by zero, as in PostgreSQL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "portable/sql/vector.hpp"

namespace rapidbyte::sql {

// A kernel computes a vector of `rows` rows from its argument vectors (each
// of `rows` rows, or constant). Errors carry the failing row relative to
// the arguments.
using Kernel = std::function<Result<Vector>(std::span<const Vector> args, const SqlType& result,
                                            int64_t rows)>;

enum class BoundKind : uint8_t {
  kColumn,    // column `column` of the chunk
  kConstant,  // `constant`
  kCall,      // kernel(args)
  kAnd,
  kOr,
  kCase,      // args: when, then, when, then, ..., [else]
  kCoalesce,  // first non-NULL of args, evaluated left to right
};

struct BoundExpr {
  BoundKind kind = BoundKind::kConstant;
  SqlType type;
  int64_t begin = 0;  // text range in the query, for error messages
  int64_t end = 0;
  int column = -1;
  Vector constant;
  Kernel kernel;
  bool has_else = false;
  std::vector<std::unique_ptr<BoundExpr>> args;
};

using BoundPtr = std::unique_ptr<BoundExpr>;

}  // namespace rapidbyte::sql
