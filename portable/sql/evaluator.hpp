// Evaluator: runs a BoundExpr over the rows a Selection names of a Chunk
// and returns a dense vector (one slot per selected row).
//
// Column references load (gather) only the selected rows; kernels run over
// whole vectors; AND/OR/CASE/COALESCE narrow the selection before they
// evaluate a branch, so a branch never runs on rows that do not reach it.
// Errors name the chunk row that failed and the expression's text.
#pragma once

#include <string_view>
#include <vector>

#include "portable/arrow/array.hpp"
#include "portable/sql/bound_expr.hpp"

namespace rapidbyte::sql {

// The columns an expression reads: Arrow arrays (the input batch) or
// vectors (the output of aggregation). Column i is arrays[i] when i <
// arrays.size(), else vectors[i - arrays.size()].
struct Chunk {
  int64_t rows = 0;
  std::vector<arrow::Array> arrays;
  std::vector<SqlType> array_types;
  std::vector<const Vector*> vectors;
};

Result<Vector> evaluate(const BoundExpr& expr, const Chunk& chunk, Selection selection,
                        std::string_view query);

// The rows of `selection` where the boolean `predicate` (dense over the
// selection) is TRUE, as chunk rows.
std::vector<int64_t> true_rows(const Vector& predicate, Selection selection);

}  // namespace rapidbyte::sql
