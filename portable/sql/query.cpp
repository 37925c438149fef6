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

}  // namespace

Result<arrow::RecordBatch> Query::execute(const arrow::RecordBatch& batch) {
  RB_TRY(bind(batch.schema()));
  const BoundQuery& p = *plan_;
  Chunk input;
  input.rows = batch.num_rows();
  input.arrays = batch.columns();
  for (const arrow::Field& f : batch.schema()->fields())
    input.array_types.push_back(from_arrow(f.type));

  // WHERE: the selected input rows.
  std::vector<int64_t> rows;
  const Selection everything{nullptr, batch.num_rows()};
  bool filtered = false;
  if (p.where) {
    RB_ASSIGN_OR_RETURN(auto predicate, evaluate(*p.where, input, everything, text_));
    rows = true_rows(predicate, everything);
    filtered = true;
  }
  Selection selected = filtered ? all(rows) : everything;

  // The chunk the outputs are computed over, and its selection.
  const Chunk* source = &input;
  Chunk aggregated;
  std::vector<Vector> agg_columns;
  std::vector<int64_t> agg_rows;
  Selection out_sel = selected;
  if (p.aggregated) {
    std::vector<Vector> keys;
    for (const BoundPtr& k : p.group_keys) {
      RB_ASSIGN_OR_RETURN(auto v, evaluate(*k, input, selected, text_));
      keys.push_back(std::move(v));
    }
    Grouping grouping = group_rows(keys, selected.count);
    // Grouped queries over no rows have no groups (a global aggregate has one).
    if (!p.group_keys.empty() && selected.count == 0)
      grouping.groups = 0, grouping.first_row.clear();
    const Selection firsts{grouping.first_row.data(), grouping.groups};
    for (const Vector& k : keys) agg_columns.push_back(gather(k, firsts));
    for (const BoundAggregate& a : p.aggregates) {
      std::optional<Vector> arg;
      if (a.arg) {
        RB_ASSIGN_OR_RETURN(auto v, evaluate(*a.arg, input, selected, text_));
        arg = std::move(v);
      }
      RB_ASSIGN_OR_RETURN(auto result, compute_aggregate(a.spec, arg ? &*arg : nullptr, grouping));
      agg_columns.push_back(std::move(result));
    }
    aggregated.rows = grouping.groups;
    for (const Vector& v : agg_columns) aggregated.vectors.push_back(&v);
    source = &aggregated;
    out_sel = Selection{nullptr, grouping.groups};
    if (p.having) {
      RB_ASSIGN_OR_RETURN(auto predicate, evaluate(*p.having, aggregated, out_sel, text_));
      agg_rows = true_rows(predicate, out_sel);
      out_sel = all(agg_rows);
    }
  }

  // Projections (dense over out_sel); passthrough columns wait for the end.
  const size_t nout = p.outputs.size();
  std::vector<std::optional<Vector>> outputs(nout);
  for (size_t k = 0; k < nout; ++k) {
    if (!p.outputs[k].expr) continue;
    RB_ASSIGN_OR_RETURN(auto v, evaluate(*p.outputs[k].expr, *source, out_sel, text_));
    outputs[k] = std::move(v);
  }
  auto output_vector = [&](size_t k) -> Result<Vector> {
    if (outputs[k]) return *outputs[k];
    const int c = p.outputs[k].passthrough;
    Vector v = load_column(input.arrays[static_cast<size_t>(c)],
                           input.array_types[static_cast<size_t>(c)], out_sel);
    return v;
  };

  // Order of the result rows, as positions in out_sel.
  std::vector<int64_t> order(static_cast<size_t>(out_sel.count));
  std::iota(order.begin(), order.end(), int64_t{0});

  if (p.distinct) {
    std::vector<Vector> cols;
    for (size_t k = 0; k < nout; ++k) {
      RB_ASSIGN_OR_RETURN(auto v, output_vector(k));
      cols.push_back(std::move(v));
    }
    std::unordered_set<std::string> seen;
    std::vector<int64_t> kept;
    std::string key;
    for (int64_t i : order) {
      key.clear();
      for (const Vector& c : cols) append_key(c, i, key);
      if (seen.insert(key).second) kept.push_back(i);
    }
    order = std::move(kept);
  }

  if (!p.order_by.empty()) {
    std::vector<Vector> keys;
    for (const BoundOrder& o : p.order_by) {
      if (o.output >= 0) {
        RB_ASSIGN_OR_RETURN(auto v, output_vector(static_cast<size_t>(o.output)));
        keys.push_back(std::move(v));
      } else {
        RB_ASSIGN_OR_RETURN(auto v, evaluate(*o.expr, *source, out_sel, text_));
        keys.push_back(std::move(v));
      }
    }
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      for (size_t k = 0; k < keys.size(); ++k) {
        const Vector& v = keys[k];
        const BoundOrder& o = p.order_by[k];
        const bool an = v.is_null(a), bn = v.is_null(b);
        if (an || bn) {
          if (an == bn) continue;
          return an == o.nulls_first;
        }
        const int c = compare_slots(v, a, v, b);
        if (c != 0) return o.descending ? c > 0 : c < 0;
      }
      return false;
    });
  }

  const int64_t total = static_cast<int64_t>(order.size());
  const int64_t begin = std::min(p.offset, total);
  const int64_t end = p.limit ? std::min(total, begin + *p.limit) : total;
  const bool identity = begin == 0 && end == out_sel.count && !p.distinct && p.order_by.empty();

  std::vector<arrow::Array> columns;
  std::vector<int64_t> final_positions(order.begin() + begin, order.begin() + end);
  std::vector<int64_t> final_rows;  // input rows, for passthrough columns
  final_rows.reserve(final_positions.size());
  for (int64_t i : final_positions) final_rows.push_back(out_sel[i]);
  for (size_t k = 0; k < nout; ++k) {
    if (!outputs[k]) {
      const arrow::Array& in = input.arrays[static_cast<size_t>(p.outputs[k].passthrough)];
      if (!filtered && identity) {
        columns.push_back(in);  // unchanged: zero copy
        continue;
      }
      RB_ASSIGN_OR_RETURN(auto taken, take(in, all(final_rows)));
      columns.push_back(std::move(taken));
      continue;
    }
    Vector v = identity ? std::move(*outputs[k]) : gather(*outputs[k], all(final_positions));
    if (v.constant) {
      // Broadcast for writing.
      v.size = static_cast<int64_t>(final_positions.size());
    }
    RB_ASSIGN_OR_RETURN(auto array, to_arrow_array(v));
    columns.push_back(std::move(array));
  }
  return arrow::RecordBatch(output_schema_, std::move(columns),
                            static_cast<int64_t>(final_positions.size()));
}

}  // namespace rapidbyte::sql
