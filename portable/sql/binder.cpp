#include "portable/sql/binder.hpp"

#include "portable/base/try.hpp"
#include "portable/sql/ascii.hpp"
#include "portable/sql/cast.hpp"
#include "portable/sql/kernel_util.hpp"
#include "portable/sql/like.hpp"
#include "portable/sql/operators.hpp"
#include "portable/sql/statement_check.hpp"
#include "portable/sql/value_text.hpp"

namespace rapidbyte::sql {
namespace {

bool same_expr(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.name != b.name || a.literal != b.literal ||
      a.literal_kind != b.literal_kind || a.negated != b.negated || a.distinct != b.distinct ||
      a.star != b.star || a.type.name != b.type.name || a.type.precision != b.type.precision ||
      a.type.scale != b.type.scale || a.args.size() != b.args.size()) {
    return false;
  }
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (!same_expr(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

SqlType type_from_name(const TypeName& t) {
  if (t.name == "smallint") return make_type(TypeId::kInt16);
  if (t.name == "integer") return make_type(TypeId::kInt32);
  if (t.name == "bigint") return make_type(TypeId::kInt64);
  if (t.name == "double") return make_type(TypeId::kFloat64);
  if (t.name == "numeric") {
    return numeric_type(t.precision > 0 ? t.precision : kMaxNumericPrecision,
                        t.scale > 0 ? t.scale : (t.precision > 0 ? 0 : 6));
  }
  if (t.name == "boolean") return make_type(TypeId::kBool);
  if (t.name == "date") return make_type(TypeId::kDate);
  if (t.name == "timestamp") return make_type(TypeId::kTimestamp);
  if (t.name == "timestamptz") return make_type(TypeId::kTimestampTz);
  if (t.name == "interval") return make_type(TypeId::kInterval);
  return make_type(TypeId::kText);
}

// list[i] over a text[] vector and a bigint vector.
Kernel subscript_kernel() {
  return [](std::span<const Vector> v, const SqlType& r, int64_t rows) -> Result<Vector> {
    bool constant = v[0].constant && v[1].constant;
    Vector out = make_vector(r, constant ? 1 : rows);
    out.size = rows;
    out.constant = constant;
    out.keep = v[0].keep;
    for (int64_t i = 0; i < (constant ? 1 : rows); ++i) {
      const int64_t k = v[1].is_null(i) ? 0 : v[1].i64[static_cast<size_t>(v[1].at(i))];
      if (v[0].is_null(i) || k < 1 ||
          k > static_cast<int64_t>(v[0].list[static_cast<size_t>(v[0].at(i))].size())) {
        out.set_null(i);
      } else {
        out.str[static_cast<size_t>(i)] =
            v[0].list[static_cast<size_t>(v[0].at(i))][static_cast<size_t>(k - 1)];
      }
    }
    return out;
  };
}

class Binder {
 public:
  Binder(const arrow::Schema& input, std::string_view query, const FunctionEnv& env)
      : input_(input), query_(query), env_(env) {
    for (const arrow::Field& f : input.fields()) types_.push_back(from_arrow(f.type));
  }

  Result<BoundQuery> bind(const SelectStatement& s) {
    BoundQuery q;
    q.distinct = s.distinct;
    q.limit = s.limit;
    q.offset = s.offset;
    RB_TRY(check_clauses(s));
    if (s.where) {
      RB_ASSIGN_OR_RETURN(q.where, bind_condition(*s.where, "WHERE"));
    }
    q.aggregated = is_aggregated(s);
    if (q.aggregated) {
      RB_TRY(bind_group_by(s, q));
      // From here on expressions are over the aggregated chunk.
      aggregating_ = true;
      aggregates_ = &q.aggregates;
    }
    for (const SelectItem& item : s.items) {
      RB_TRY(item.expr ? bind_output(item, q) : bind_star(item, q));
    }
    if (q.outputs.empty())
      return bind_error("the query selects no columns", s.items.empty() ? 0 : s.items[0].position);
    if (s.having) {
      RB_ASSIGN_OR_RETURN(q.having, bind_condition(*s.having, "HAVING"));
    }
    for (const OrderItem& o : s.order_by) {
      RB_ASSIGN_OR_RETURN(auto order, bind_order(s, q, o));
      q.order_by.push_back(std::move(order));
    }
    return q;
  }

 private:
  // WHERE, HAVING: a boolean (an untyped literal or NULL reads as one).
  Result<BoundPtr> bind_condition(const Expr& e, std::string_view clause) {
    RB_ASSIGN_OR_RETURN(auto b, bind_expr(e));
    return require_bool(std::move(b), clause);
  }

  static bool is_aggregated(const SelectStatement& s) {
    bool any_aggregate = s.having != nullptr;
    for (const SelectItem& item : s.items)
      any_aggregate = any_aggregate || (item.expr && contains_aggregate(*item.expr));
    for (const OrderItem& o : s.order_by)
      any_aggregate = any_aggregate || contains_aggregate(*o.expr);
    return any_aggregate || !s.group_by.empty();
  }

  Result<void> bind_group_by(const SelectStatement& s, BoundQuery& q) {
    for (const auto& g : s.group_by) {
      // GROUP BY may name an output column by ordinal.
      const Expr* key = g.get();
      if (g->kind == ExprKind::kLiteral && g->literal_kind == LiteralKind::kInteger) {
        const int64_t k = std::stoll(g->literal);
        if (k < 1 || k > static_cast<int64_t>(s.items.size()) ||
            !s.items[static_cast<size_t>(k - 1)].expr) {
          return bind_error("GROUP BY position " + g->literal + " is not in select list", g->begin);
        }
        key = s.items[static_cast<size_t>(k - 1)].expr.get();
      }
      group_exprs_.push_back(key);
      RB_ASSIGN_OR_RETURN(auto b, bind_expr(*key));
      group_types_.push_back(b->type);
      q.group_keys.push_back(std::move(b));
    }
    return {};
  }

  // * [EXCLUDE (...)]: the input columns, passed through.
  Result<void> bind_star(const SelectItem& item, BoundQuery& q) {
    if (q.aggregated)
      return bind_error("SELECT * is not allowed with GROUP BY or aggregates", item.position);
    for (size_t k = 0; k < item.exclude.size(); ++k) {
      if (find_column(item.exclude[k], false) < 0) {
        return bind_error("column \"" + item.exclude[k] + "\" in EXCLUDE does not exist",
                          item.exclude_positions[k]);
      }
    }
    for (int c = 0; c < input_.num_fields(); ++c) {
      bool excluded = false;
      for (const std::string& name : item.exclude)
        excluded = excluded || find_column(name, false) == c;
      if (excluded) continue;
      q.outputs.push_back(BoundOutput{input_.field(c), nullptr, c});
    }
    return {};
  }

  Result<void> bind_output(const SelectItem& item, BoundQuery& q) {
    RB_ASSIGN_OR_RETURN(BoundPtr expr, bind_expr(*item.expr));
    if (expr->type.id == TypeId::kUnknown || expr->type.id == TypeId::kNull) {
      RB_ASSIGN_OR_RETURN(expr, coerce(std::move(expr), make_type(TypeId::kText)));
    }
    const std::string name = item.alias ? *item.alias : derived_name(*item.expr);
    if (!q.aggregated && expr->kind == BoundKind::kColumn) {
      // A plain input column passes through with its Arrow field (type and
      // metadata), renamed.
      arrow::Field f = input_.field(expr->column);
      f.name = name;
      q.outputs.push_back(BoundOutput{std::move(f), nullptr, expr->column});
      return {};
    }
    arrow::Field f = arrow::field(name, to_arrow(expr->type));
    q.outputs.push_back(BoundOutput{std::move(f), std::move(expr), -1});
    return {};
  }

  Result<BoundOrder> bind_order(const SelectStatement& s, const BoundQuery& q, const OrderItem& o) {
    BoundOrder order;
    order.descending = o.descending;
    order.nulls_first = o.nulls_first.value_or(o.descending);
    order.output = output_for(s, q, *o.expr);
    if (order.output == -2) {
      return bind_error("ORDER BY position " + o.expr->literal + " is not in select list",
                        o.expr->begin);
    }
    if (order.output >= 0) return order;
    if (q.distinct) {
      return bind_error("for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                        o.expr->begin);
    }
    RB_ASSIGN_OR_RETURN(auto e, bind_expr(*o.expr));
    if (e->type.id == TypeId::kOpaque)
      return bind_error("cannot order by a column of this type", o.expr->begin);
    order.expr = std::move(e);
    return order;
  }

  // The output column an ORDER BY item names: an ordinal, an output name, or
  // an expression equal to an output's. -1 when none, -2 for a bad ordinal.
  int output_for(const SelectStatement& s, const BoundQuery& q, const Expr& e) {
    if (e.kind == ExprKind::kLiteral && e.literal_kind == LiteralKind::kInteger) {
      const int64_t k = std::stoll(e.literal);
      if (k < 1 || k > static_cast<int64_t>(q.outputs.size())) return -2;
      return static_cast<int>(k - 1);
    }
    if (e.kind == ExprKind::kColumn) {
      for (size_t i = 0; i < q.outputs.size(); ++i) {
        if (q.outputs[i].field.name == e.name) {
          // A bare input column of the same name wins only when no output is named so.
          return static_cast<int>(i);
        }
      }
    }
    size_t out = 0;
    for (const SelectItem& item : s.items) {
      if (!item.expr) {
        out = q.outputs.size();  // after a *, positions are not 1:1; expressions bind anew
        continue;
      }
      if (same_expr(*item.expr, e) && out < q.outputs.size()) return static_cast<int>(out);
      ++out;
    }
    return -1;
  }

  std::string derived_name(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kColumn:
        return e.name;
      case ExprKind::kFunction:
        return e.name == "btrim" || e.name == "ltrim" || e.name == "rtrim"
                   ? (e.name == "btrim" ? "btrim" : e.name)
                   : (e.name == "substr" ? "substr" : e.name);
      case ExprKind::kCast:
        if (e.args[0]->kind == ExprKind::kLiteral)
          return e.type.name == "double" ? "float8" : e.type.name;
        return derived_name(*e.args[0]);
      case ExprKind::kCase:
        return "case";
      default:
        return "?column?";
    }
  }

  int find_column(const std::string& name, bool quoted) {
    for (int c = 0; c < input_.num_fields(); ++c) {
      if (input_.field(c).name == name) return c;
    }
    if (!quoted) {
      for (int c = 0; c < input_.num_fields(); ++c) {
        if (ascii_lower(input_.field(c).name) == name) return c;
      }
    }
    return -1;
  }

  BoundPtr node(BoundKind kind, const SqlType& type, const Expr& e) {
    auto b = std::make_unique<BoundExpr>();
    b->kind = kind;
    b->type = type;
    b->begin = e.begin;
    b->end = e.end;
    return b;
  }

  BoundPtr constant(Vector v, const Expr& e) {
    auto b = node(BoundKind::kConstant, v.type, e);
    v.constant = true;
    v.size = 1;
    b->constant = std::move(v);
    return b;
  }

  // Evaluates a call whose arguments are all constants once, at bind time.
  Result<BoundPtr> fold(BoundPtr call) {
    for (const BoundPtr& a : call->args) {
      if (a->kind != BoundKind::kConstant) return call;
    }
    std::vector<Vector> args;
    for (const BoundPtr& a : call->args) args.push_back(a->constant);
    auto v = call->kernel(args, call->type, 1);
    if (!v) {
      return bind_error(v.error().message, call->begin);
    }
    Vector value = std::move(*v);
    if (!value.constant) value.constant = true;
    auto b = std::make_unique<BoundExpr>();
    b->kind = BoundKind::kConstant;
    b->type = call->type;
    b->begin = call->begin;
    b->end = call->end;
    value.size = 1;
    b->constant = std::move(value);
    return b;
  }

  Result<BoundPtr> call(const Expr& e, const SqlType& type, Kernel kernel,
                        std::vector<BoundPtr> args) {
    auto b = node(BoundKind::kCall, type, e);
    b->kernel = std::move(kernel);
    b->args = std::move(args);
    return fold(std::move(b));
  }

  Result<BoundPtr> coerce(BoundPtr e, const SqlType& to) {
    if (e->type == to) return e;
    if (!can_cast(e->type, to)) {
      return bind_error("cannot cast type " + e->type.name() + " to " + to.name(), e->begin);
    }
    auto b = std::make_unique<BoundExpr>();
    b->kind = BoundKind::kCall;
    b->type = to;
    b->begin = e->begin;
    b->end = e->end;
    b->kernel = [](std::span<const Vector> args, const SqlType& result, int64_t rows) {
      return cast_vector(args[0], result, rows);
    };
    b->args.push_back(std::move(e));
    return fold(std::move(b));
  }

  Result<BoundPtr> require_bool(BoundPtr e, std::string_view clause) {
    if (e->type.id == TypeId::kBool) return e;
    if (e->type.id == TypeId::kUnknown || e->type.id == TypeId::kNull)
      return coerce(std::move(e), make_type(TypeId::kBool));
    return bind_error(
        "argument of " + std::string(clause) + " must be type boolean, not type " + e->type.name(),
        e->begin);
  }

  Result<BoundPtr> bind_expr(const Expr& e) {
    if (aggregating_) {
      if (const int k = group_key_index(e); k >= 0) {
        auto b = node(BoundKind::kColumn, group_types_[static_cast<size_t>(k)], e);
        b->column = k;
        return b;
      }
      if (e.kind == ExprKind::kFunction && is_aggregate_function(e.name)) return bind_aggregate(e);
      if (e.kind == ExprKind::kColumn) return ungrouped_column(e);
    }
    switch (e.kind) {
      case ExprKind::kColumn:
        return column(e);
      case ExprKind::kLiteral:
        return literal(e);
      case ExprKind::kUnary:
        return unary(e);
      case ExprKind::kBinary:
        return binary(e);
      case ExprKind::kCast:
        return cast(e);
      case ExprKind::kFunction:
        return function(e);
      case ExprKind::kCase:
        return case_expr(e);
      case ExprKind::kIn:
        return in_list(e);
      case ExprKind::kBetween:
        return between(e);
      case ExprKind::kLike:
        return like(e);
      case ExprKind::kIsNull:
        return is_null(e);
      case ExprKind::kIsBool:
        return is_bool(e);
      case ExprKind::kDistinctFrom:
        return distinct_from(e);
      case ExprKind::kSubscript:
        return subscript(e);
    }
    return bind_error("unsupported expression", e.begin);
  }

  // The GROUP BY key `e` is, -1 when none: over the aggregated chunk it is
  // that key's column.
  int group_key_index(const Expr& e) const {
    for (size_t k = 0; k < group_exprs_.size(); ++k) {
      if (same_expr(*group_exprs_[k], e)) return static_cast<int>(k);
    }
    return -1;
  }

  // A column outside GROUP BY and the aggregates' arguments.
  std::unexpected<SqlError> ungrouped_column(const Expr& e) {
    if (find_column(e.name, e.quoted) < 0)
      return bind_error("column \"" + e.name + "\" does not exist", e.begin);
    return bind_error(
        "column \"" + e.name +
            "\" must appear in the GROUP BY clause or be used in an aggregate function",
        e.begin);
  }

  Result<BoundPtr> column(const Expr& e) {
    const int c = find_column(e.name, e.quoted);
    if (c < 0) return bind_error("column \"" + e.name + "\" does not exist", e.begin);
    auto b = node(BoundKind::kColumn, types_[static_cast<size_t>(c)], e);
    b->column = c;
    return b;
  }

  Result<BoundPtr> cast(const Expr& e) {
    RB_ASSIGN_OR_RETURN(BoundPtr a, bind_expr(*e.args[0]));
    SqlType to = type_from_name(e.type);
    // Unconstrained numeric keeps an exact source's scale.
    if (e.type.name == "numeric" && e.type.precision < 0) {
      if (a->type.is_integer()) to.scale = 0;
      if (a->type.id == TypeId::kNumeric) to = a->type;
    }
    if (!can_cast(a->type, to))
      return bind_error("cannot cast type " + a->type.name() + " to " + to.name(), e.begin);
    auto c = coerce(std::move(a), to);
    // The cast, not its operand, is what a runtime error quotes.
    if (c && (*c)->kind == BoundKind::kCall) {
      (*c)->begin = e.begin;
      (*c)->end = e.end;
    }
    return c;
  }

  // x [NOT] BETWEEN lo AND hi is x >= lo AND x <= hi.
  Result<BoundPtr> between(const Expr& e) {
    RB_ASSIGN_OR_RETURN(BoundPtr lo, compare(e, ">=", *e.args[0], *e.args[1]));
    RB_ASSIGN_OR_RETURN(BoundPtr hi, compare(e, "<=", *e.args[0], *e.args[2]));
    auto b = node(BoundKind::kAnd, make_type(TypeId::kBool), e);
    b->args.push_back(std::move(lo));
    b->args.push_back(std::move(hi));
    return e.negated ? negate(e, std::move(b)) : Result<BoundPtr>(std::move(b));
  }

  Result<BoundPtr> is_null(const Expr& e) {
    RB_ASSIGN_OR_RETURN(BoundPtr a, bind_expr(*e.args[0]));
    std::vector<BoundPtr> args;
    args.push_back(std::move(a));
    return call(e, make_type(TypeId::kBool), is_null_kernel(e.negated), std::move(args));
  }

  // x IS [NOT] TRUE|FALSE.
  Result<BoundPtr> is_bool(const Expr& e) {
    RB_ASSIGN_OR_RETURN(BoundPtr a, bind_expr(*e.args[0]));
    RB_ASSIGN_OR_RETURN(BoundPtr b, require_bool(std::move(a), "IS " + e.name));
    std::vector<BoundPtr> args;
    args.push_back(std::move(b));
    return call(e, make_type(TypeId::kBool), is_bool_kernel(e.name == "true", e.negated),
                std::move(args));
  }

  Result<BoundPtr> distinct_from(const Expr& e) {
    RB_ASSIGN_OR_RETURN(BoundPtr l, bind_expr(*e.args[0]));
    RB_ASSIGN_OR_RETURN(BoundPtr r, bind_expr(*e.args[1]));
    auto common = common_type(l->type, r->type);
    if (!common)
      return bind_error("cannot compare " + l->type.name() + " with " + r->type.name(), e.begin);
    RB_ASSIGN_OR_RETURN(BoundPtr lc, coerce(std::move(l), *common));
    RB_ASSIGN_OR_RETURN(BoundPtr rc, coerce(std::move(r), *common));
    std::vector<BoundPtr> args;
    args.push_back(std::move(lc));
    args.push_back(std::move(rc));
    return call(e, make_type(TypeId::kBool), distinct_from_kernel(e.negated), std::move(args));
  }

  // list[i]: 1-based; NULL out of range.
  Result<BoundPtr> subscript(const Expr& e) {
    RB_ASSIGN_OR_RETURN(BoundPtr list, bind_expr(*e.args[0]));
    if (list->type.id != TypeId::kTextList)
      return bind_error("cannot subscript type " + list->type.name(), e.begin);
    RB_ASSIGN_OR_RETURN(BoundPtr index, bind_expr(*e.args[1]));
    RB_ASSIGN_OR_RETURN(BoundPtr index64, coerce(std::move(index), make_type(TypeId::kInt64)));
    std::vector<BoundPtr> args;
    args.push_back(std::move(list));
    args.push_back(std::move(index64));
    return call(e, make_type(TypeId::kText), subscript_kernel(), std::move(args));
  }

  Result<BoundPtr> literal(const Expr& e) {
    switch (e.literal_kind) {
      case LiteralKind::kNull:
        return constant(null_vector(make_type(TypeId::kNull), 1), e);
      case LiteralKind::kBool: {
        Vector v = make_vector(make_type(TypeId::kBool), 1);
        v.i64[0] = e.literal == "t";
        return constant(std::move(v), e);
      }
      case LiteralKind::kString: {
        Vector v = make_vector(make_type(TypeId::kUnknown), 1);
        v.str[0] = v.heap().add(e.literal);
        return constant(std::move(v), e);
      }
      case LiteralKind::kInteger: {
        bool range = false;
        auto n = parse_integer(e.literal, range);
        if (n) {
          const bool small = *n >= INT32_MIN && *n <= INT32_MAX;
          Vector v = make_vector(make_type(small ? TypeId::kInt32 : TypeId::kInt64), 1);
          v.i64[0] = *n;
          return constant(std::move(v), e);
        }
        [[fallthrough]];
      }
      case LiteralKind::kDecimal: {
        // Scale: the digits after the point (exponent applied).
        const std::string& t = e.literal;
        int scale = 0;
        const size_t point = t.find('.');
        const size_t exp = t.find_first_of("eE");
        if (point != std::string::npos)
          scale = static_cast<int>((exp == std::string::npos ? t.size() : exp) - point - 1);
        if (exp != std::string::npos) scale -= std::atoi(t.c_str() + exp + 1);
        scale = std::clamp(scale, 0, 38);
        bool range = false;
        auto v = parse_numeric(t, scale, range);
        if (!v) return bind_error("numeric literal " + t + " does not fit 38 digits", e.begin);
        Vector out = make_vector(numeric_type(38, scale), 1);
        out.dec[0] = *v;
        return constant(std::move(out), e);
      }
    }
    return bind_error("bad literal", e.begin);
  }

  Result<BoundPtr> negate(const Expr& e, BoundPtr operand) {
    std::vector<BoundPtr> args;
    args.push_back(std::move(operand));
    return call(e, make_type(TypeId::kBool), not_kernel(), std::move(args));
  }

  Result<BoundPtr> unary(const Expr& e) {
    auto a = bind_expr(*e.args[0]);
    if (!a) return a;
    if (e.name == "not") {
      auto b = require_bool(std::move(*a), "NOT");
      if (!b) return b;
      return negate(e, std::move(*b));
    }
    if (e.name == "+") return a;
    BoundPtr operand = std::move(*a);
    if (operand->type.id == TypeId::kUnknown) {
      auto c = coerce(std::move(operand), make_type(TypeId::kFloat64));
      if (!c) return c;
      operand = std::move(*c);
    }
    auto k = resolve_negate(operand->type);
    if (!k) return bind_error("operator does not exist: - " + operand->type.name(), e.begin);
    const SqlType type = operand->type;
    std::vector<BoundPtr> args;
    args.push_back(std::move(operand));
    return call(e, type, std::move(*k), std::move(args));
  }

  Result<BoundPtr> resolved_call(const Expr& e, const std::string& op, BoundPtr l, BoundPtr r,
                                 const std::optional<OperatorResolution>& res) {
    if (!res) {
      return bind_error(
          "operator does not exist: " + l->type.name() + " " + op + " " + r->type.name(), e.begin);
    }
    auto lc = coerce(std::move(l), res->left);
    if (!lc) return lc;
    auto rc = coerce(std::move(r), res->right);
    if (!rc) return rc;
    std::vector<BoundPtr> args;
    args.push_back(std::move(*lc));
    args.push_back(std::move(*rc));
    return call(e, res->result, res->kernel, std::move(args));
  }

  Result<BoundPtr> compare(const Expr& e, const std::string& op, const Expr& left,
                           const Expr& right) {
    auto l = bind_expr(left);
    if (!l) return l;
    auto r = bind_expr(right);
    if (!r) return r;
    auto res = resolve_comparison(op, (*l)->type, (*r)->type);
    return resolved_call(e, op, std::move(*l), std::move(*r), res);
  }

  Result<BoundPtr> binary(const Expr& e) {
    if (e.name == "and" || e.name == "or") {
      auto l = bind_expr(*e.args[0]);
      if (!l) return l;
      auto lb = require_bool(std::move(*l), e.name == "and" ? "AND" : "OR");
      if (!lb) return lb;
      auto r = bind_expr(*e.args[1]);
      if (!r) return r;
      auto rb = require_bool(std::move(*r), e.name == "and" ? "AND" : "OR");
      if (!rb) return rb;
      auto b =
          node(e.name == "and" ? BoundKind::kAnd : BoundKind::kOr, make_type(TypeId::kBool), e);
      b->args.push_back(std::move(*lb));
      b->args.push_back(std::move(*rb));
      return b;
    }
    static constexpr std::string_view kComparisons[] = {"=", "<>", "<", "<=", ">", ">="};
    for (std::string_view c : kComparisons) {
      if (e.name == c) return compare(e, e.name, *e.args[0], *e.args[1]);
    }
    auto l = bind_expr(*e.args[0]);
    if (!l) return l;
    auto r = bind_expr(*e.args[1]);
    if (!r) return r;
    auto res = resolve_arithmetic(e.name, (*l)->type, (*r)->type);
    return resolved_call(e, e.name, std::move(*l), std::move(*r), res);
  }

  Result<BoundPtr> like(const Expr& e) {
    auto l = bind_expr(*e.args[0]);
    if (!l) return l;
    auto lc = coerce(std::move(*l), make_type(TypeId::kText));
    if (!lc) return lc;
    auto p = bind_expr(*e.args[1]);
    if (!p) return p;
    auto pc = coerce(std::move(*p), make_type(TypeId::kText));
    if (!pc) return pc;
    char escape = '\\';
    if (e.args.size() == 3) {
      auto esc = bind_expr(*e.args[2]);
      if (!esc) return esc;
      if ((*esc)->kind != BoundKind::kConstant || (*esc)->constant.is_null(0) ||
          (*esc)->constant.str[0].size() > 1) {
        return bind_error("ESCAPE needs a constant of one character", e.args[2]->begin);
      }
      escape = (*esc)->constant.str[0].empty() ? '\0' : (*esc)->constant.str[0][0];
    }
    const bool icase = e.name == "ilike";
    const bool negated = e.negated;
    std::shared_ptr<const LikePattern> fixed;
    if ((*pc)->kind == BoundKind::kConstant && !(*pc)->constant.is_null(0)) {
      fixed = std::make_shared<const LikePattern>((*pc)->constant.str[0], icase, escape);
    }
    std::vector<BoundPtr> args;
    args.push_back(std::move(*lc));
    args.push_back(std::move(*pc));
    return call(
        e, make_type(TypeId::kBool),
        [fixed, icase, negated, escape](std::span<const Vector> a, const SqlType& result,
                                        int64_t rows) -> Result<Vector> {
          std::string error;
          return map_binary(
              a[0], a[1], result, rows, error, [&](Vector& o, int64_t i, int64_t x, int64_t y) {
                const std::string_view s = a[0].str[static_cast<size_t>(x)];
                const bool m =
                    fixed ? fixed->matches(s)
                          : LikePattern(a[1].str[static_cast<size_t>(y)], icase, escape).matches(s);
                o.i64[static_cast<size_t>(i)] = m != negated;
                return true;
              });
        },
        std::move(args));
  }

  Result<BoundPtr> in_list(const Expr& e) {
    // x IN (a, b) is x = a OR x = b with SQL's three-valued logic.
    BoundPtr result;
    for (size_t k = 1; k < e.args.size(); ++k) {
      auto eq = compare(e, "=", *e.args[0], *e.args[k]);
      if (!eq) return eq;
      if (!result) {
        result = std::move(*eq);
        continue;
      }
      auto b = node(BoundKind::kOr, make_type(TypeId::kBool), e);
      b->args.push_back(std::move(result));
      b->args.push_back(std::move(*eq));
      result = std::move(b);
    }
    return e.negated ? negate(e, std::move(result)) : Result<BoundPtr>(std::move(result));
  }

  Result<BoundPtr> case_expr(const Expr& e) {
    std::vector<BoundPtr> conds, values;
    size_t k = e.has_operand ? 1 : 0;
    const size_t end = e.args.size() - (e.has_else ? 1 : 0);
    for (; k + 1 < end + 1 && k < end; k += 2) {
      Result<BoundPtr> cond =
          e.has_operand ? compare(*e.args[k], "=", *e.args[0], *e.args[k]) : bind_expr(*e.args[k]);
      if (!cond) return cond;
      auto cb = require_bool(std::move(*cond), "CASE/WHEN");
      if (!cb) return cb;
      conds.push_back(std::move(*cb));
      auto v = bind_expr(*e.args[k + 1]);
      if (!v) return v;
      values.push_back(std::move(*v));
    }
    if (e.has_else) {
      auto v = bind_expr(*e.args.back());
      if (!v) return v;
      values.push_back(std::move(*v));
    }
    SqlType type = make_type(TypeId::kNull);
    for (const BoundPtr& v : values) {
      auto c = common_type(type, v->type);
      if (!c)
        return bind_error(
            "CASE types " + type.name() + " and " + v->type.name() + " cannot be matched",
            v->begin);
      type = *c;
    }
    if (type.id == TypeId::kUnknown || type.id == TypeId::kNull) type = make_type(TypeId::kText);
    auto b = node(BoundKind::kCase, type, e);
    b->has_else = e.has_else;
    for (size_t w = 0; w < conds.size(); ++w) {
      b->args.push_back(std::move(conds[w]));
      auto v = coerce(std::move(values[w]), type);
      if (!v) return v;
      b->args.push_back(std::move(*v));
    }
    if (e.has_else) {
      auto v = coerce(std::move(values.back()), type);
      if (!v) return v;
      b->args.push_back(std::move(*v));
    }
    return b;
  }

  Result<BoundPtr> function(const Expr& e) {
    if (is_aggregate_function(e.name))
      return bind_error("aggregate function calls cannot be nested", e.begin);
    std::vector<BoundPtr> args;
    for (const auto& a : e.args) {
      auto b = bind_expr(*a);
      if (!b) return b;
      args.push_back(std::move(*b));
    }
    if (e.name == "coalesce") {
      if (args.empty()) return bind_error("coalesce needs arguments", e.begin);
      SqlType type = make_type(TypeId::kNull);
      for (const BoundPtr& a : args) {
        auto c = common_type(type, a->type);
        if (!c)
          return bind_error(
              "COALESCE types " + type.name() + " and " + a->type.name() + " cannot be matched",
              a->begin);
        type = *c;
      }
      if (type.id == TypeId::kUnknown || type.id == TypeId::kNull) type = make_type(TypeId::kText);
      auto b = node(BoundKind::kCoalesce, type, e);
      for (BoundPtr& a : args) {
        auto c = coerce(std::move(a), type);
        if (!c) return c;
        b->args.push_back(std::move(*c));
      }
      return b;
    }
    std::vector<FunctionArg> fargs;
    fargs.reserve(args.size());
    for (const BoundPtr& a : args) {
      fargs.push_back(
          FunctionArg{a->type, a->kind == BoundKind::kConstant ? &a->constant : nullptr});
    }
    auto res = resolve_function(e.name, fargs, env_);
    if (!res) return bind_error(res.error().message, e.begin);
    for (size_t k = 0; k < args.size(); ++k) {
      auto c = coerce(std::move(args[k]), res->arg_types[k]);
      if (!c) return c;
      args[k] = std::move(*c);
    }
    return call(e, res->result, res->kernel, std::move(args));
  }

  Result<BoundPtr> bind_aggregate(const Expr& e) {
    BoundAggregate agg;
    SqlType input = make_type(TypeId::kNull);
    if (!e.star) {
      if (e.args.size() != 1)
        return bind_error("function " + e.name + " takes one argument", e.begin);
      if (contains_aggregate(*e.args[0]))
        return bind_error("aggregate function calls cannot be nested", e.args[0]->begin);
      aggregating_ = false;  // the argument is over the input rows
      auto a = bind_expr(*e.args[0]);
      aggregating_ = true;
      if (!a) return a;
      input = (*a)->type;
      agg.arg = std::move(*a);
    } else if (e.name != "count") {
      return bind_error(e.name + "(*) does not exist", e.begin);
    }
    auto spec = resolve_aggregate(e.name, input, e.star, e.distinct);
    if (!spec)
      return bind_error("function " + e.name + "(" + input.name() + ") does not exist", e.begin);
    if (agg.arg && spec->input != agg.arg->type) {
      auto c = coerce(std::move(agg.arg), spec->input);
      if (!c) return c;
      agg.arg = std::move(*c);
    }
    agg.spec = *spec;
    const int column = static_cast<int>(group_exprs_.size() + aggregates_->size());
    aggregates_->push_back(std::move(agg));
    auto b = node(BoundKind::kColumn, spec->result, e);
    b->column = column;
    return b;
  }

  const arrow::Schema& input_;
  std::string_view query_;
  const FunctionEnv& env_;
  std::vector<SqlType> types_;
  bool aggregating_ = false;
  std::vector<const Expr*> group_exprs_;
  std::vector<SqlType> group_types_;
  std::vector<BoundAggregate>* aggregates_ = nullptr;
};

}  // namespace

Result<BoundQuery> bind_query(const SelectStatement& statement, const arrow::Schema& input,
                              std::string_view query, const FunctionEnv& env) {
  return Binder(input, query, env).bind(statement);
}

}  // namespace rapidbyte::sql
