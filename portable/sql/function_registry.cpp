#include "portable/sql/function_registry.hpp"

#include <algorithm>
#include <string>

#include "portable/arrow/utf8.hpp"
#include "portable/sql/cast.hpp"

namespace rapidbyte::sql {

std::span<const FunctionEntry> function_registry() {
  // Built on first use and never changed: a lookup needs no lock.
  static const std::vector<FunctionEntry> kEntries = [] {
    std::vector<FunctionEntry> entries;
    for (std::span<const FunctionEntry> family :
         {string_functions(), regexp_functions(), math_functions(), time_functions(),
          conditional_functions()}) {
      entries.insert(entries.end(), family.begin(), family.end());
    }
    std::ranges::sort(entries, {}, &FunctionEntry::name);
    return entries;
  }();
  return kEntries;
}

const FunctionEntry* find_function(std::string_view name) {
  const std::span<const FunctionEntry> entries = function_registry();
  const auto it = std::ranges::lower_bound(entries, name, {}, &FunctionEntry::name);
  return it != entries.end() && it->name == name ? &*it : nullptr;
}

std::unexpected<SqlError> no_function(const FunctionCall& call) {
  std::string sig;
  for (const FunctionArg& a : call.args) {
    if (!sig.empty()) sig += ", ";
    sig += a.type.id == TypeId::kUnknown ? "unknown" : a.type.name();
  }
  return bind_error("function " + std::string(call.name) + "(" + sig + ") does not exist", -1);
}

bool fits(std::span<const FunctionArg> args, std::initializer_list<TypeId> want) {
  if (args.size() != want.size()) return false;
  size_t k = 0;
  for (TypeId w : want) {
    const SqlType& t = args[k++].type;
    if (!implicit_cast(t, make_type(w)) && !(t.id == TypeId::kNumeric && w == TypeId::kNumeric))
      return false;
  }
  return true;
}

int64_t char_count(std::string_view s) {
  return static_cast<int64_t>(arrow::count_code_points(s));
}

size_t char_offset(std::string_view s, int64_t k) {
  size_t i = 0;
  while (k > 0 && i < s.size()) {
    i += arrow::code_point_length(static_cast<unsigned char>(s[i]));
    --k;
  }
  return std::min(i, s.size());
}

}  // namespace rapidbyte::sql
