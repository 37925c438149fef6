// Binder: resolves a parsed SelectStatement against the input schema into a
// BoundQuery — names to columns, operators and functions to kernels,
// implicit casts made explicit, aggregates separated from the expressions
// that use them. Errors carry the offset of the offending name or
// expression in the query text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portable/arrow/schema.hpp"
#include "portable/sql/aggregate.hpp"
#include "portable/sql/ast.hpp"
#include "portable/sql/bound_expr.hpp"
#include "portable/sql/functions.hpp"

namespace rapidbyte::sql {

struct BoundOutput {
  arrow::Field field;
  BoundPtr expr;         // null when passthrough
  int passthrough = -1;  // input column copied unchanged (type and metadata kept)
};

struct BoundAggregate {
  AggregateSpec spec;
  BoundPtr arg;  // over the input; null for count(*)
};

struct BoundOrder {
  int output = -1;  // sort by this output column, or
  BoundPtr expr;    // by this expression (over the input / aggregated chunk)
  bool descending = false;
  bool nulls_first = false;
};

struct BoundQuery {
  std::vector<BoundOutput> outputs;
  BoundPtr where;  // over the input
  bool aggregated = false;
  std::vector<BoundPtr> group_keys;  // over the input
  std::vector<BoundAggregate> aggregates;
  BoundPtr having;  // over the aggregated chunk: keys, then aggregates
  std::vector<BoundOrder> order_by;
  bool distinct = false;
  std::optional<int64_t> limit;
  int64_t offset = 0;
};

Result<BoundQuery> bind_query(const SelectStatement& statement, const arrow::Schema& input,
                              std::string_view query, const FunctionEnv& env);

}  // namespace rapidbyte::sql
