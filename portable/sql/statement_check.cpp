#include "portable/sql/statement_check.hpp"

#include <string>

#include "portable/base/try.hpp"
#include "portable/sql/ascii.hpp"
#include "portable/sql/functions.hpp"

namespace rapidbyte::sql {
namespace {

Result<void> check_functions(const Expr& e) {
  if (e.kind == ExprKind::kFunction && !is_aggregate_function(e.name) &&
      !is_scalar_function(e.name)) {
    return bind_error("function " + e.name + " does not exist", e.begin);
  }
  for (const auto& a : e.args) {
    RB_TRY(check_functions(*a));
  }
  return {};
}

}  // namespace

Result<void> check_clauses(const SelectStatement& s) {
  if (ascii_lower(s.table) != "input") {
    return bind_error("relation \"" + s.table + "\" does not exist (the batch is table \"input\")",
                      s.table_position);
  }
  if (s.where && contains_aggregate(*s.where))
    return bind_error("aggregate functions are not allowed in WHERE", s.where->begin);
  for (const auto& g : s.group_by) {
    if (contains_aggregate(*g))
      return bind_error("aggregate functions are not allowed in GROUP BY", g->begin);
  }
  return {};
}

Result<void> check_statement(const SelectStatement& s) {
  RB_TRY(check_clauses(s));
  // Every expression of the statement, in query order.
  std::vector<const Expr*> exprs;
  for (const SelectItem& item : s.items) {
    if (item.expr) exprs.push_back(item.expr.get());
  }
  if (s.where) exprs.push_back(s.where.get());
  for (const auto& g : s.group_by) exprs.push_back(g.get());
  if (s.having) exprs.push_back(s.having.get());
  for (const OrderItem& o : s.order_by) exprs.push_back(o.expr.get());
  for (const Expr* e : exprs) {
    RB_TRY(check_functions(*e));
  }
  return {};
}

}  // namespace rapidbyte::sql
