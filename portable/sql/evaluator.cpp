#include "portable/sql/evaluator.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::sql {
namespace {

bool is_true(const Vector& v, int64_t i) {
  return !v.is_null(i) && v.i64[static_cast<size_t>(v.at(i))] != 0;
}
bool is_false(const Vector& v, int64_t i) {
  return !v.is_null(i) && v.i64[static_cast<size_t>(v.at(i))] == 0;
}

// Rows of `sel` (with their positions in it) where keep(i) holds.
struct SubSelection {
  std::vector<int64_t> rows;
  std::vector<int64_t> positions;
  Selection selection() const { return Selection{rows.data(), static_cast<int64_t>(rows.size())}; }
};
template <class Keep>
SubSelection narrow(Selection sel, const std::vector<int64_t>* positions, Keep keep) {
  SubSelection out;
  for (int64_t i = 0; i < sel.count; ++i) {
    if (!keep(i)) continue;
    out.rows.push_back(sel[i]);
    out.positions.push_back(positions ? (*positions)[static_cast<size_t>(i)] : i);
  }
  return out;
}

// Writes the slots of `part` to the positions of `out` it stands for.
void scatter(const Vector& part, const std::vector<int64_t>& positions, Vector& out) {
  out.keep.insert(out.keep.end(), part.keep.begin(), part.keep.end());
  for (size_t j = 0; j < positions.size(); ++j)
    copy_slot(part, static_cast<int64_t>(j), out, positions[j]);
}

Vector all_null(const SqlType& type, int64_t rows) {
  Vector out = make_vector(type, rows);
  out.nulls.assign(static_cast<size_t>(rows), 1);
  return out;
}

Result<Vector> logical(const BoundExpr& e, const Chunk& chunk, Selection sel, std::string_view q) {
  const bool is_and = e.kind == BoundKind::kAnd;
  auto left = evaluate(*e.args[0], chunk, sel, q);
  if (!left) return left;
  // AND: rows where the left side is FALSE are decided; OR: where TRUE.
  auto undecided = [&](int64_t i) { return is_and ? !is_false(*left, i) : !is_true(*left, i); };
  int64_t open = 0;
  for (int64_t i = 0; i < sel.count; ++i) open += undecided(i);
  Vector out = make_vector(e.type, sel.count);
  if (open == 0) {
    for (int64_t i = 0; i < sel.count; ++i) out.i64[static_cast<size_t>(i)] = !is_and;
    return out;
  }
  Vector right;
  std::vector<int64_t> position_of(static_cast<size_t>(sel.count), -1);
  if (open == sel.count) {
    auto r = evaluate(*e.args[1], chunk, sel, q);
    if (!r) return r;
    right = std::move(*r);
    for (int64_t i = 0; i < sel.count; ++i) position_of[static_cast<size_t>(i)] = i;
  } else {
    SubSelection sub = narrow(sel, nullptr, undecided);
    auto r = evaluate(*e.args[1], chunk, sub.selection(), q);
    if (!r) return r;
    right = std::move(*r);
    for (size_t j = 0; j < sub.positions.size(); ++j)
      position_of[static_cast<size_t>(sub.positions[j])] = static_cast<int64_t>(j);
  }
  for (int64_t i = 0; i < sel.count; ++i) {
    const int64_t j = position_of[static_cast<size_t>(i)];
    if (j < 0) {
      out.i64[static_cast<size_t>(i)] = !is_and;
      continue;
    }
    const bool l_null = left->is_null(i), r_null = right.is_null(j);
    const bool rv = !r_null && right.i64[static_cast<size_t>(right.at(j))] != 0;
    if (is_and ? (!r_null && !rv) : (!r_null && rv)) {
      out.i64[static_cast<size_t>(i)] = !is_and;
    } else if (l_null || r_null) {
      out.set_null(i);
    } else {
      out.i64[static_cast<size_t>(i)] = is_and;
    }
  }
  return out;
}

Result<Vector> case_when(const BoundExpr& e, const Chunk& chunk, Selection sel,
                         std::string_view q) {
  Vector out = all_null(e.type, sel.count);
  std::vector<int64_t> rows(sel.rows ? sel.rows : nullptr,
                            sel.rows ? sel.rows + sel.count : nullptr);
  if (!sel.rows) {
    rows.resize(static_cast<size_t>(sel.count));
    for (int64_t i = 0; i < sel.count; ++i) rows[static_cast<size_t>(i)] = i;
  }
  std::vector<int64_t> positions(static_cast<size_t>(sel.count));
  for (int64_t i = 0; i < sel.count; ++i) positions[static_cast<size_t>(i)] = i;
  const size_t whens = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
  for (size_t w = 0; w < whens && !rows.empty(); ++w) {
    const Selection current{rows.data(), static_cast<int64_t>(rows.size())};
    auto cond = evaluate(*e.args[2 * w], chunk, current, q);
    if (!cond) return cond;
    SubSelection hit = narrow(current, &positions, [&](int64_t i) { return is_true(*cond, i); });
    if (!hit.rows.empty()) {
      auto value = evaluate(*e.args[2 * w + 1], chunk, hit.selection(), q);
      if (!value) return value;
      scatter(*value, hit.positions, out);
    }
    SubSelection rest = narrow(current, &positions, [&](int64_t i) { return !is_true(*cond, i); });
    rows = std::move(rest.rows);
    positions = std::move(rest.positions);
  }
  if (e.has_else && !rows.empty()) {
    auto value = evaluate(*e.args.back(), chunk,
                          Selection{rows.data(), static_cast<int64_t>(rows.size())}, q);
    if (!value) return value;
    scatter(*value, positions, out);
  }
  return out;
}

Result<Vector> coalesce(const BoundExpr& e, const Chunk& chunk, Selection sel, std::string_view q) {
  auto first = evaluate(*e.args[0], chunk, sel, q);
  if (!first) return first;
  if (!first->has_nulls() || e.args.size() == 1) return first;
  Vector out = all_null(e.type, sel.count);
  std::vector<int64_t> rows, positions;
  out.keep = first->keep;
  for (int64_t i = 0; i < sel.count; ++i) {
    if (first->is_null(i)) {
      rows.push_back(sel[i]);
      positions.push_back(i);
    } else {
      copy_slot(*first, i, out, i);
    }
  }
  for (size_t k = 1; k < e.args.size() && !rows.empty(); ++k) {
    auto next =
        evaluate(*e.args[k], chunk, Selection{rows.data(), static_cast<int64_t>(rows.size())}, q);
    if (!next) return next;
    std::vector<int64_t> still_rows, still_positions;
    out.keep.insert(out.keep.end(), next->keep.begin(), next->keep.end());
    for (size_t j = 0; j < rows.size(); ++j) {
      if (next->is_null(static_cast<int64_t>(j))) {
        still_rows.push_back(rows[j]);
        still_positions.push_back(positions[j]);
      } else {
        copy_slot(*next, static_cast<int64_t>(j), out, positions[j]);
      }
    }
    rows = std::move(still_rows);
    positions = std::move(still_positions);
  }
  return out;
}

}  // namespace

Result<Vector> evaluate(const BoundExpr& e, const Chunk& chunk, Selection sel, std::string_view q) {
  switch (e.kind) {
    case BoundKind::kColumn: {
      const size_t c = static_cast<size_t>(e.column);
      if (c < chunk.arrays.size()) return load_column(chunk.arrays[c], chunk.array_types[c], sel);
      return gather(*chunk.vectors[c - chunk.arrays.size()], sel);
    }
    case BoundKind::kConstant: {
      Vector v = e.constant;
      v.size = sel.count;
      return v;
    }
    case BoundKind::kAnd:
    case BoundKind::kOr:
      return logical(e, chunk, sel, q);
    case BoundKind::kCase:
      return case_when(e, chunk, sel, q);
    case BoundKind::kCoalesce:
      return coalesce(e, chunk, sel, q);
    case BoundKind::kCall:
      break;
  }
  std::vector<Vector> args;
  args.reserve(e.args.size());
  for (const BoundPtr& a : e.args) {
    RB_ASSIGN_OR_RETURN(auto v, evaluate(*a, chunk, sel, q));
    args.push_back(std::move(v));
  }
  auto out = e.kernel(args, e.type, sel.count);
  if (!out) {
    SqlError error = out.error();
    // Kernels report rows of their arguments; map them to chunk rows once,
    // at the innermost failing call.
    if (error.expression.empty()) {
      if (error.row >= 0 && error.row < sel.count) error.row = sel[error.row];
      if (e.end > e.begin)
        error.expression = std::string(
            q.substr(static_cast<size_t>(e.begin), static_cast<size_t>(e.end - e.begin)));
      if (error.expression.empty()) error.expression = "?";
    }
    return std::unexpected(std::move(error));
  }
  return out;
}

std::vector<int64_t> true_rows(const Vector& predicate, Selection sel) {
  std::vector<int64_t> rows;
  rows.reserve(static_cast<size_t>(sel.count));
  if (predicate.constant) {
    if (is_true(predicate, 0)) {
      for (int64_t i = 0; i < sel.count; ++i) rows.push_back(sel[i]);
    }
    return rows;
  }
  const int64_t* v = predicate.i64.data();
  if (!predicate.has_nulls()) {
    for (int64_t i = 0; i < sel.count; ++i) {
      if (v[i]) rows.push_back(sel[i]);
    }
    return rows;
  }
  for (int64_t i = 0; i < sel.count; ++i) {
    if (v[i] && !predicate.nulls[static_cast<size_t>(i)]) rows.push_back(sel[i]);
  }
  return rows;
}

}  // namespace rapidbyte::sql
