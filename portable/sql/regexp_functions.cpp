// Regular expression functions: regexp_match (text[] of the groups, or of
// the whole match when there are none), regexp_replace (flags g, i) and
// regexp_like (flag i). The pattern and flags must be constants, so a
// pattern is compiled once per query, not per row.
#include <memory>
#include <string>

#include "portable/base/try.hpp"
#include "portable/regex/regex.hpp"
#include "portable/sql/cast.hpp"
#include "portable/sql/function_registry.hpp"

namespace rapidbyte::sql {
namespace {

enum class RegexpFunction : uint8_t { kMatch, kReplace, kLike };

using SharedRegex = std::shared_ptr<const regex::Regex>;

struct RegexpFlags {
  bool global = false;  // regexp_replace: every match, not only the first
  bool case_insensitive = false;
};

Result<RegexpFlags> parse_flags(std::string_view text, RegexpFunction function) {
  RegexpFlags flags;
  for (char f : text) {
    if (f == 'g' && function == RegexpFunction::kReplace) {
      flags.global = true;
    } else if (f == 'i') {
      flags.case_insensitive = true;
    } else if (f != 'c') {
      return bind_error("invalid regular expression option: \"" + std::string(1, f) + "\"", -1);
    }
  }
  return flags;
}

Result<SharedRegex> compile_pattern(std::string_view pattern, const RegexpFlags& flags) {
  auto re =
      regex::Regex::compile(pattern, regex::Options{.case_insensitive = flags.case_insensitive});
  if (!re) {
    return bind_error("invalid regular expression: " + re.error().message + " at offset " +
                          std::to_string(re.error().position),
                      -1);
  }
  return std::make_shared<const regex::Regex>(std::move(*re));
}

// Appends the replacement `repl` for match `m`: \1..\9 and \& refer to the
// match's groups, \\ is a backslash.
void append_replacement(std::string& out, std::string_view repl, const regex::Match& m,
                        size_t group_count) {
  for (size_t k = 0; k < repl.size(); ++k) {
    if (repl[k] == '\\' && k + 1 < repl.size()) {
      const char c = repl[k + 1];
      const int g = c == '&' ? 0 : (c >= '1' && c <= '9' ? c - '0' : -1);
      if (g >= 0 && static_cast<size_t>(g) <= group_count) {
        if (const auto& group = m.groups[static_cast<size_t>(g)]) out.append(*group);
        ++k;
        continue;
      }
      if (c == '\\') {
        out += '\\';
        ++k;
        continue;
      }
    }
    out += repl[k];
  }
}

std::string replace_matches(const regex::Regex& re, std::string_view s, std::string_view repl,
                            bool global) {
  std::string out;
  size_t pos = 0;
  while (pos <= s.size()) {
    auto m = re.find(s, pos);
    if (!m) break;
    const size_t b = static_cast<size_t>(m->groups[0]->data() - s.data());
    const size_t e = b + m->groups[0]->size();
    out.append(s.substr(pos, b - pos));
    append_replacement(out, repl, *m, re.group_count());
    if (e == b) {
      // An empty match: copy one whole character and go on after it
      // (find() needs a code point boundary).
      const size_t next = b < s.size() ? b + char_offset(s.substr(b), 1) : b + 1;
      if (b < s.size()) out.append(s.substr(b, next - b));
      pos = next;
    } else {
      pos = e;
    }
    if (!global) break;
  }
  if (pos < s.size()) out.append(s.substr(pos));
  return out;
}

Kernel replace_kernel(SharedRegex re, bool global) {
  return row_kernel([re = std::move(re), global](KernelArgs a, Vector& o, int64_t i, std::string&) {
    o.str[row_index(i)] =
        o.heap().add(replace_matches(*re, text_value(a[0], i), text_value(a[2], i), global));
    return true;
  });
}

Kernel like_kernel(const SharedRegex& re) {
  // A Matcher keeps its lazily built automaton from row to row; a Regex's
  // own search() starts a new one each call. A plan runs on one thread, as
  // a Matcher requires.
  auto matcher = std::make_shared<regex::Matcher>(*re);
  return row_kernel([matcher](KernelArgs a, Vector& o, int64_t i, std::string&) {
    o.i64[row_index(i)] = matcher->search(text_value(a[0], i));
    return true;
  });
}

Kernel match_kernel(SharedRegex re) {
  return row_kernel([re = std::move(re)](KernelArgs a, Vector& o, int64_t i, std::string&) {
    auto m = re->find(text_value(a[0], i));
    if (!m) {
      o.set_null(i);  // no match: NULL, as PostgreSQL
      return true;
    }
    std::vector<std::string_view> parts;
    const size_t g0 = re->group_count() == 0 ? 0 : 1;
    for (size_t g = g0; g <= re->group_count(); ++g) {
      parts.push_back(m->groups[g].value_or(std::string_view()));
    }
    o.list[row_index(i)] = std::move(parts);
    return true;
  });
}

SqlType result_type(RegexpFunction function) {
  switch (function) {
    case RegexpFunction::kReplace:
      return make_type(TypeId::kText);
    case RegexpFunction::kLike:
      return make_type(TypeId::kBool);
    case RegexpFunction::kMatch:
      break;
  }
  return make_type(TypeId::kTextList);
}

// f(text, pattern [, flags]); regexp_replace(text, pattern, replacement
// [, flags]).
Result<FunctionResolution> resolve_regexp(const FunctionCall& call, RegexpFunction function) {
  const size_t n = call.args.size();
  const size_t base = function == RegexpFunction::kReplace ? 3 : 2;
  if (n < base || n > base + 1) return no_function(call);
  const SqlType text = make_type(TypeId::kText);
  for (const FunctionArg& a : call.args) {
    if (!implicit_cast(a.type, text)) return no_function(call);
  }
  const FunctionArg& pattern = call.args[1];
  const FunctionArg* flags = n == base + 1 ? &call.args[base] : nullptr;
  if (!pattern.constant || (flags && !flags->constant))
    return bind_error(std::string(call.name) + " needs a constant pattern and flags", -1);
  std::vector<SqlType> types(n, text);
  const SqlType result = result_type(function);
  if (pattern.constant->is_null(0)) {
    return resolution(std::move(types), result,
                      [](KernelArgs, const SqlType& r, int64_t rows) -> Result<Vector> {
                        return null_vector(r, rows);
                      });
  }
  const std::string_view flag_text =
      flags && !flags->constant->is_null(0) ? flags->constant->str[0] : std::string_view();
  RB_ASSIGN_OR_RETURN(const RegexpFlags parsed, parse_flags(flag_text, function));
  RB_ASSIGN_OR_RETURN(SharedRegex re, compile_pattern(pattern.constant->str[0], parsed));
  switch (function) {
    case RegexpFunction::kReplace:
      return resolution(std::move(types), result, replace_kernel(std::move(re), parsed.global));
    case RegexpFunction::kLike:
      return resolution(std::move(types), result, like_kernel(re));
    case RegexpFunction::kMatch:
      break;
  }
  return resolution(std::move(types), result, match_kernel(std::move(re)));
}

Result<FunctionResolution> resolve_regexp_match(const FunctionCall& call) {
  return resolve_regexp(call, RegexpFunction::kMatch);
}
Result<FunctionResolution> resolve_regexp_replace(const FunctionCall& call) {
  return resolve_regexp(call, RegexpFunction::kReplace);
}
Result<FunctionResolution> resolve_regexp_like(const FunctionCall& call) {
  return resolve_regexp(call, RegexpFunction::kLike);
}

}  // namespace

std::span<const FunctionEntry> regexp_functions() {
  static constexpr FunctionEntry kFunctions[] = {
      {"regexp_like", resolve_regexp_like},
      {"regexp_match", resolve_regexp_match},
      {"regexp_replace", resolve_regexp_replace},
  };
  return kFunctions;
}

}  // namespace rapidbyte::sql
