// NULLIF, GREATEST and LEAST, over the arguments' common type. (COALESCE
// is a node of its own: see bound_expr.hpp.)
#include <optional>

#include "portable/base/try.hpp"
#include "portable/sql/function_registry.hpp"
#include "portable/sql/operators.hpp"

namespace rapidbyte::sql {
namespace {

// The type every argument is compared as; text when all are untyped.
Result<SqlType> common_argument_type(const FunctionCall& call) {
  if (call.args.empty()) return no_function(call);
  std::optional<SqlType> common = call.args[0].type;
  for (const FunctionArg& a : call.args) {
    if (common) common = common_type(*common, a.type);
  }
  if (!common || common->id == TypeId::kOpaque) return no_function(call);
  if (common->id == TypeId::kUnknown || common->id == TypeId::kNull)
    return make_type(TypeId::kText);
  return *common;
}

Vector nullif_rows(KernelArgs a, const SqlType& r, int64_t rows) {
  const bool constant = a[0].constant && a[1].constant;
  Vector out = make_vector(r, constant ? 1 : rows);
  out.size = rows;
  out.constant = constant;
  out.keep = a[0].keep;
  for (int64_t i = 0; i < (constant ? 1 : rows); ++i) {
    copy_slot(a[0], i, out, i);
    if (!a[0].is_null(i) && !a[1].is_null(i) && compare_slots(a[0], i, a[1], i) == 0)
      out.set_null(i);
  }
  return out;
}

Result<FunctionResolution> resolve_nullif(const FunctionCall& call) {
  RB_ASSIGN_OR_RETURN(const SqlType common, common_argument_type(call));
  if (call.args.size() != 2) return no_function(call);
  return resolution(std::vector<SqlType>(call.args.size(), common), common,
                    [](KernelArgs a, const SqlType& r, int64_t rows) -> Result<Vector> {
                      return nullif_rows(a, r, rows);
                    });
}

// The argument holding row i's greatest (or least) non-NULL value, -1 when
// all are NULL.
int extreme_argument(KernelArgs a, int64_t i, bool greatest) {
  int best = -1;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k].is_null(i)) continue;
    if (best < 0) {
      best = static_cast<int>(k);
      continue;
    }
    const int c = compare_slots(a[k], i, a[row_index(best)], i);
    if (greatest ? c > 0 : c < 0) best = static_cast<int>(k);
  }
  return best;
}

// NULL arguments are ignored; the result is NULL only when all are.
Vector extreme_rows(KernelArgs a, const SqlType& r, int64_t rows, bool greatest) {
  bool constant = true;
  for (const Vector& v : a) constant = constant && v.constant;
  Vector out = make_vector(r, constant ? 1 : rows);
  out.size = rows;
  out.constant = constant;
  for (const Vector& v : a) out.keep.insert(out.keep.end(), v.keep.begin(), v.keep.end());
  for (int64_t i = 0; i < (constant ? 1 : rows); ++i) {
    const int best = extreme_argument(a, i, greatest);
    if (best < 0) {
      out.set_null(i);
    } else {
      copy_slot(a[row_index(best)], i, out, i);
    }
  }
  return out;
}

// greatest, least.
Result<FunctionResolution> resolve_extreme(const FunctionCall& call) {
  RB_ASSIGN_OR_RETURN(const SqlType common, common_argument_type(call));
  const bool greatest = call.name == "greatest";
  return resolution(std::vector<SqlType>(call.args.size(), common), common,
                    [greatest](KernelArgs a, const SqlType& r, int64_t rows) -> Result<Vector> {
                      return extreme_rows(a, r, rows, greatest);
                    });
}

}  // namespace

std::span<const FunctionEntry> conditional_functions() {
  static constexpr FunctionEntry kFunctions[] = {
      {"greatest", resolve_extreme},
      {"least", resolve_extreme},
      {"nullif", resolve_nullif},
  };
  return kFunctions;
}

}  // namespace rapidbyte::sql
