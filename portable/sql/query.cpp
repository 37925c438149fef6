#include "portable/sql/query.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include "portable/base/try.hpp"
#include "portable/sql/evaluator.hpp"
#include "portable/sql/operators.hpp"
#include "portable/sql/parser.hpp"
#include "portable/sql/statement_check.hpp"

namespace rapidbyte::sql {

Result<Query> Query::prepare(std::string_view text, FunctionEnv env) {
  RB_ASSIGN_OR_RETURN(auto statement, parse_select(text));
  Query q;
  q.text_ = std::string(text);
  q.env_ = env;
  q.statement_ = std::make_unique<SelectStatement>(std::move(statement));
  return q;
}

Result<void> Query::check() const {
  return check_statement(*statement_);
}

void Query::set_env(FunctionEnv env) {
  env_ = env;
  plan_.reset();
  bound_schema_.reset();
  output_schema_.reset();
}

Result<void> Query::bind(const std::shared_ptr<const arrow::Schema>& schema) {
  if (plan_ && bound_schema_ && (bound_schema_ == schema || *bound_schema_ == *schema)) return {};
  RB_ASSIGN_OR_RETURN(auto plan, bind_query(*statement_, *schema, text_, env_));
  plan_ = std::make_unique<BoundQuery>(std::move(plan));
  bound_schema_ = schema;
  std::vector<arrow::Field> fields;
  for (const BoundOutput& o : plan_->outputs) fields.push_back(o.field);
  output_schema_ = arrow::make_schema(std::move(fields));
  return {};
}

namespace {

void mark_columns(const BoundExpr* e, std::vector<bool>& used) {
  if (e == nullptr) return;
  if (e->kind == BoundKind::kColumn) used[static_cast<size_t>(e->column)] = true;
  for (const BoundPtr& a : e->args) mark_columns(a.get(), used);
}

}  // namespace

std::vector<int> Query::input_columns() const {
  const int n = bound_schema_->num_fields();
  std::vector<bool> used(static_cast<size_t>(n), false);
  bool star = false;
  for (const SelectItem& item : statement_->items) star = star || !item.expr;
  if (star) used.assign(used.size(), true);
  const BoundQuery& p = *plan_;
  mark_columns(p.where.get(), used);
  for (const BoundPtr& k : p.group_keys) mark_columns(k.get(), used);
  for (const BoundAggregate& a : p.aggregates) mark_columns(a.arg.get(), used);
  for (const BoundOutput& o : p.outputs) {
    if (o.passthrough >= 0) used[static_cast<size_t>(o.passthrough)] = true;
    // Over an aggregated query, outputs and ORDER BY read the aggregated chunk.
    if (!p.aggregated) mark_columns(o.expr.get(), used);
  }
  if (!p.aggregated) {
    for (const BoundOrder& o : p.order_by) mark_columns(o.expr.get(), used);
  }
  std::vector<int> columns;
  for (int c = 0; c < n; ++c) {
    if (used[static_cast<size_t>(c)]) columns.push_back(c);
  }
  return columns;
}

bool Query::row_by_row() const {
  const BoundQuery& p = *plan_;
  return !p.aggregated && !p.distinct && p.order_by.empty() && !p.limit && p.offset == 0;
}

namespace {

Selection all(const std::vector<int64_t>& rows) {
  return Selection{rows.data(), static_cast<int64_t>(rows.size())};
}

// Whether row `a` of the sort keys comes before row `b`.
bool sorts_before(const std::vector<Vector>& keys, const std::vector<BoundOrder>& order_by,
                  int64_t a, int64_t b) {
  for (size_t k = 0; k < keys.size(); ++k) {
    const Vector& v = keys[k];
    const BoundOrder& o = order_by[k];
    const bool an = v.is_null(a), bn = v.is_null(b);
    if (an || bn) {
      if (an == bn) continue;
      return an == o.nulls_first;
    }
    const int c = compare_slots(v, a, v, b);
    if (c != 0) return o.descending ? c > 0 : c < 0;
  }
  return false;
}

// One run of a plan over one batch: the steps of Query::execute in order,
// each leaving its result for the next. The selections point into the
// vectors held here, so an Execution stays where it was made.
class Execution {
 public:
  Execution(const BoundQuery& plan, std::string_view text, const arrow::RecordBatch& batch)
      : plan_(plan), text_(text) {
    input_.rows = batch.num_rows();
    input_.arrays = batch.columns();
    for (const arrow::Field& f : batch.schema()->fields())
      input_.array_types.push_back(from_arrow(f.type));
    selected_ = Selection{nullptr, batch.num_rows()};
    out_ = selected_;
  }
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // WHERE: the input rows the rest of the query sees.
  Result<void> filter() {
    if (!plan_.where) return {};
    RB_ASSIGN_OR_RETURN(auto predicate, evaluate(*plan_.where, input_, selected_, text_));
    where_rows_ = true_rows(predicate, selected_);
    filtered_ = true;
    selected_ = all(where_rows_);
    out_ = selected_;
    return {};
  }

  // GROUP BY and the aggregates, then HAVING: the outputs are computed over
  // one row per group from here on.
  Result<void> aggregate() {
    std::vector<Vector> keys;
    for (const BoundPtr& k : plan_.group_keys) {
      RB_ASSIGN_OR_RETURN(auto v, evaluate(*k, input_, selected_, text_));
      keys.push_back(std::move(v));
    }
    Grouping grouping = group_rows(keys, selected_.count);
    // Grouped queries over no rows have no groups (a global aggregate has one).
    if (!plan_.group_keys.empty() && selected_.count == 0)
      grouping.groups = 0, grouping.first_row.clear();
    const Selection firsts{grouping.first_row.data(), grouping.groups};
    for (const Vector& k : keys) agg_columns_.push_back(gather(k, firsts));
    for (const BoundAggregate& a : plan_.aggregates) {
      std::optional<Vector> arg;
      if (a.arg) {
        RB_ASSIGN_OR_RETURN(arg, evaluate(*a.arg, input_, selected_, text_));
      }
      RB_ASSIGN_OR_RETURN(auto result, compute_aggregate(a.spec, arg ? &*arg : nullptr, grouping));
      agg_columns_.push_back(std::move(result));
    }
    aggregated_.rows = grouping.groups;
    for (const Vector& v : agg_columns_) aggregated_.vectors.push_back(&v);
    source_ = &aggregated_;
    out_ = Selection{nullptr, grouping.groups};
    return having();
  }

  // The computed outputs, dense over the output rows; passthrough columns
  // are copied from the input only at the end, for the rows that remain.
  Result<void> project() {
    outputs_.resize(plan_.outputs.size());
    for (size_t k = 0; k < outputs_.size(); ++k) {
      if (!plan_.outputs[k].expr) continue;
      RB_ASSIGN_OR_RETURN(outputs_[k], evaluate(*plan_.outputs[k].expr, *source_, out_, text_));
    }
    order_.resize(static_cast<size_t>(out_.count));
    std::iota(order_.begin(), order_.end(), int64_t{0});
    return {};
  }

  // DISTINCT: the first row of each set of equal output rows.
  void distinct() {
    std::vector<Vector> cols;
    cols.reserve(outputs_.size());
    for (size_t k = 0; k < outputs_.size(); ++k) cols.push_back(output_vector(k));
    std::unordered_set<std::string> seen;
    std::vector<int64_t> kept;
    std::string key;
    for (int64_t i : order_) {
      key.clear();
      for (const Vector& c : cols) append_key(c, i, key);
      if (seen.insert(key).second) kept.push_back(i);
    }
    order_ = std::move(kept);
  }

  // ORDER BY: stable, so equal rows keep their order.
  Result<void> sort() {
    std::vector<Vector> keys;
    for (const BoundOrder& o : plan_.order_by) {
      if (o.output >= 0) {
        keys.push_back(output_vector(static_cast<size_t>(o.output)));
      } else {
        RB_ASSIGN_OR_RETURN(auto v, evaluate(*o.expr, *source_, out_, text_));
        keys.push_back(std::move(v));
      }
    }
    std::stable_sort(order_.begin(), order_.end(), [&](int64_t a, int64_t b) {
      return sorts_before(keys, plan_.order_by, a, b);
    });
    return {};
  }

  // OFFSET and LIMIT.
  void limit() {
    const int64_t total = static_cast<int64_t>(order_.size());
    const int64_t begin = std::min(plan_.offset, total);
    const int64_t end = plan_.limit ? std::min(total, begin + *plan_.limit) : total;
    order_ = std::vector<int64_t>(order_.begin() + begin, order_.begin() + end);
  }

  Result<arrow::RecordBatch> result(const std::shared_ptr<const arrow::Schema>& schema) {
    std::vector<int64_t> rows;  // input rows, for passthrough columns
    rows.reserve(order_.size());
    for (int64_t i : order_) rows.push_back(out_[i]);
    std::vector<arrow::Array> columns;
    for (size_t k = 0; k < outputs_.size(); ++k) {
      RB_ASSIGN_OR_RETURN(auto column,
                          outputs_[k] ? computed_column(k) : passthrough_column(k, rows));
      columns.push_back(std::move(column));
    }
    return arrow::RecordBatch(schema, std::move(columns), static_cast<int64_t>(order_.size()));
  }

 private:
  Result<void> having() {
    if (!plan_.having) return {};
    RB_ASSIGN_OR_RETURN(auto predicate, evaluate(*plan_.having, aggregated_, out_, text_));
    having_rows_ = true_rows(predicate, out_);
    out_ = all(having_rows_);
    return {};
  }

  // Output k, dense over the output rows.
  Vector output_vector(size_t k) const {
    if (outputs_[k]) return *outputs_[k];
    const auto c = static_cast<size_t>(plan_.outputs[k].passthrough);
    return load_column(input_.arrays[c], input_.array_types[c], out_);
  }

  // True when the result rows are the output rows, all of them, in order.
  bool identity() const {
    return !plan_.distinct && plan_.order_by.empty() &&
           static_cast<int64_t>(order_.size()) == out_.count;
  }

  Result<arrow::Array> passthrough_column(size_t k, const std::vector<int64_t>& rows) const {
    const arrow::Array& in = input_.arrays[static_cast<size_t>(plan_.outputs[k].passthrough)];
    if (!filtered_ && identity()) return in;  // unchanged: zero copy
    return take(in, all(rows));
  }

  Result<arrow::Array> computed_column(size_t k) {
    Vector v = identity() ? std::move(*outputs_[k]) : gather(*outputs_[k], all(order_));
    // A constant is broadcast for writing.
    if (v.constant) v.size = static_cast<int64_t>(order_.size());
    return to_arrow_array(v);
  }

  const BoundQuery& plan_;
  std::string_view text_;
  Chunk input_;
  bool filtered_ = false;
  std::vector<int64_t> where_rows_;
  Selection selected_;  // the input rows WHERE keeps
  std::vector<Vector> agg_columns_;
  Chunk aggregated_;  // group keys, then aggregates: one row per group
  std::vector<int64_t> having_rows_;
  const Chunk* source_ = &input_;               // the chunk the outputs are computed over
  Selection out_;                               // its rows that make output rows
  std::vector<std::optional<Vector>> outputs_;  // empty for passthrough columns
  std::vector<int64_t> order_;                  // result rows, as positions in out_
};

}  // namespace

Result<arrow::RecordBatch> Query::execute(const arrow::RecordBatch& batch) {
  RB_TRY(bind(batch.schema()));
  Execution run(*plan_, text_, batch);
  RB_TRY(run.filter());
  if (plan_->aggregated) RB_TRY(run.aggregate());
  RB_TRY(run.project());
  if (plan_->distinct) run.distinct();
  if (!plan_->order_by.empty()) RB_TRY(run.sort());
  run.limit();
  return run.result(output_schema_);
}

}  // namespace rapidbyte::sql
