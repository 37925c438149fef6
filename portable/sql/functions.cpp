#include "portable/sql/functions.hpp"

#include "portable/sql/function_registry.hpp"

namespace rapidbyte::sql {

bool is_aggregate_function(std::string_view name) {
  return name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max";
}

bool contains_aggregate(const Expr& e) {
  if (e.kind == ExprKind::kFunction && is_aggregate_function(e.name)) return true;
  for (const auto& a : e.args) {
    if (contains_aggregate(*a)) return true;
  }
  return false;
}

bool is_scalar_function(std::string_view name) {
  // COALESCE is not in the registry: the binder makes it a node of its own,
  // which evaluates an argument only for the rows still NULL.
  return name == "coalesce" || find_function(name) != nullptr;
}

Result<FunctionResolution> resolve_function(std::string_view name,
                                            std::span<const FunctionArg> args,
                                            const FunctionEnv& env) {
  const FunctionCall call{name, args, env};
  const FunctionEntry* entry = find_function(name);
  if (entry == nullptr) return no_function(call);
  return entry->resolve(call);
}

}  // namespace rapidbyte::sql
