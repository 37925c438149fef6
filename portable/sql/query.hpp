// Query: a SQL query prepared once and run over every batch of a stream, as
// table `input` — the SQL engine's entry point.
//
// prepare() parses; bind() resolves the query against a batch schema and
// plans it (a query is re-bound when the schema changes); execute() runs
// the plan over one batch:
//
//   filter (WHERE) -> [group + aggregate -> filter (HAVING)] -> project
//   -> DISTINCT -> sort (ORDER BY) -> LIMIT/OFFSET
//
// Every step works on whole vectors and selection vectors; output columns
// that are plain input columns are copied once, at the end, with their
// Arrow type and metadata unchanged (so uuid or json columns pass through).
// Aggregates and DISTINCT/ORDER BY/LIMIT apply per batch. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "portable/arrow/record_batch.hpp"
#include "portable/sql/ast.hpp"
#include "portable/sql/binder.hpp"

namespace rapidbyte::sql {

class Query {
 public:
  // Parses `text`. Syntax errors carry their offset (see describe()).
  static Result<Query> prepare(std::string_view text, FunctionEnv env = {});

  Query(Query&&) noexcept = default;
  Query& operator=(Query&&) noexcept = default;

  const std::string& text() const { return text_; }

  // The checks that need no schema (see check_statement): the table, the
  // function names, aggregates out of place.
  Result<void> check() const;

  // Replaces the environment (now()); the next bind() re-plans.
  void set_env(FunctionEnv env);

  // Binds against `schema` (a no-op when it is the schema bound last).
  Result<void> bind(const std::shared_ptr<const arrow::Schema>& schema);
  // REQUIRES: bind() succeeded.
  const std::shared_ptr<const arrow::Schema>& output_schema() const { return output_schema_; }

  // The columns of the bound schema the plan reads, ascending (all of them
  // for a `*` item). A batch of just those columns, with their fields,
  // gives the same result, so a caller may decode only these.
  // REQUIRES: bind() succeeded.
  std::vector<int> input_columns() const;

  // True when each output row depends on one input row only (no aggregate,
  // DISTINCT, ORDER BY, LIMIT or OFFSET): the result over a batch is then
  // the concatenation of the results over any split of it into row ranges.
  // REQUIRES: bind() succeeded.
  bool row_by_row() const;

  // Runs the query over `batch` (binding to its schema first).
  Result<arrow::RecordBatch> execute(const arrow::RecordBatch& batch);

 private:
  Query() = default;

  std::string text_;
  FunctionEnv env_;
  std::unique_ptr<SelectStatement> statement_;
  std::shared_ptr<const arrow::Schema> bound_schema_;
  std::unique_ptr<BoundQuery> plan_;
  std::shared_ptr<const arrow::Schema> output_schema_;
};

}  // namespace rapidbyte::sql
