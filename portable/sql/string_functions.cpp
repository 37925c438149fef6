// String functions: lower, upper, length (characters), octet_length, substr,
// btrim/ltrim/rtrim, left, right, replace, split_part, starts_with, reverse,
// md5 and sha256 (hex text), concat (NULLs ignored). Lengths and positions
// count characters (code points), as PostgreSQL does for UTF-8.
#include <algorithm>
#include <cstdint>
#include <string>

#include "portable/crypto/hex.hpp"
#include "portable/crypto/md5.hpp"
#include "portable/crypto/sha256.hpp"
#include "portable/sql/cast.hpp"
#include "portable/sql/function_registry.hpp"

namespace rapidbyte::sql {
namespace {

// `s` with its ASCII letters in one case, written straight into `heap` (no
// temporary string per row).
std::string_view ascii_case(std::string_view s, bool upper, StringHeap& heap) {
  if (s.empty()) return {};
  char* out = heap.reserve(s.size());
  const char from = upper ? 'a' : 'A', to = upper ? 'A' : 'a';
  for (size_t k = 0; k < s.size(); ++k) {
    const char c = s[k];
    out[k] = c >= from && c <= from + 25 ? static_cast<char>(c - from + to) : c;
  }
  return heap.commit(out, s.size());
}

// lower, upper.
Result<FunctionResolution> resolve_case(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText})) return no_function(call);
  const SqlType text = make_type(TypeId::kText);
  const bool upper = call.name == "upper";
  return resolution({text}, text,
                    row_kernel([upper](KernelArgs a, Vector& o, int64_t i, std::string&) {
                      o.str[row_index(i)] = ascii_case(text_value(a[0], i), upper, o.heap());
                      return true;
                    }));
}

// length, char_length, character_length.
Result<FunctionResolution> resolve_length(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText})) return no_function(call);
  return resolution({make_type(TypeId::kText)}, make_type(TypeId::kInt32),
                    row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string&) {
                      o.i64[row_index(i)] = char_count(text_value(a[0], i));
                      return true;
                    }));
}

Result<FunctionResolution> resolve_octet_length(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText})) return no_function(call);
  return resolution({make_type(TypeId::kText)}, make_type(TypeId::kInt32),
                    row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string&) {
                      o.i64[row_index(i)] = static_cast<int64_t>(text_value(a[0], i).size());
                      return true;
                    }));
}

// Characters [from, to) of s, 0-based, clipped to the string; `to` is
// INT64_MAX for the rest of it. A view: no copy.
std::string_view char_range(std::string_view s, int64_t from, int64_t to) {
  if (from < 0) from = 0;
  if (to <= from) return {};
  const size_t b = char_offset(s, from);
  const size_t e = to == INT64_MAX ? s.size() : char_offset(s, to);
  return s.substr(b, e - b);
}

Result<FunctionResolution> resolve_substr(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText, TypeId::kInt64}) &&
      !fits(call.args, {TypeId::kText, TypeId::kInt64, TypeId::kInt64})) {
    return no_function(call);
  }
  const bool counted = call.args.size() == 3;
  std::vector<SqlType> types = {make_type(TypeId::kText), make_type(TypeId::kInt64)};
  if (counted) types.push_back(make_type(TypeId::kInt64));
  return resolution(std::move(types), make_type(TypeId::kText),
                    row_kernel([counted](KernelArgs a, Vector& o, int64_t i, std::string& error) {
                      // PostgreSQL: characters [start, start + count) with a 1-based
                      // start; a negative count is an error.
                      const int64_t from = int_value(a[1], i) - 1;
                      int64_t to = INT64_MAX;
                      if (counted) {
                        const int64_t count = int_value(a[2], i);
                        if (count < 0) {
                          error = "negative substring length not allowed";
                          return false;
                        }
                        to = from > INT64_MAX - count ? INT64_MAX : from + count;
                      }
                      o.str[row_index(i)] = char_range(text_value(a[0], i), from, to);
                      return true;
                    }));
}

std::string_view trim_chars(std::string_view s, std::string_view chars, bool left, bool right) {
  while (left && !s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (right && !s.empty() && chars.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

// btrim, ltrim, rtrim: of spaces, or of the characters of a second argument.
Result<FunctionResolution> resolve_trim(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText}) && !fits(call.args, {TypeId::kText, TypeId::kText}))
    return no_function(call);
  const bool left = call.name != "rtrim", right = call.name != "ltrim";
  const bool given = call.args.size() == 2;
  const SqlType text = make_type(TypeId::kText);
  return resolution(std::vector<SqlType>(call.args.size(), text), text,
                    row_kernel([=](KernelArgs a, Vector& o, int64_t i, std::string&) {
                      const std::string_view chars = given ? text_value(a[1], i) : " ";
                      o.str[row_index(i)] = trim_chars(text_value(a[0], i), chars, left, right);
                      return true;
                    }));
}

// left, right: the first or last k characters, or all but the last or
// first -k.
Result<FunctionResolution> resolve_left_right(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText, TypeId::kInt64})) return no_function(call);
  const bool left = call.name == "left";
  const SqlType text = make_type(TypeId::kText);
  return resolution({text, make_type(TypeId::kInt64)}, text,
                    row_kernel([left](KernelArgs a, Vector& o, int64_t i, std::string&) {
                      const std::string_view s = text_value(a[0], i);
                      const int64_t len = char_count(s);
                      int64_t k = int_value(a[1], i);
                      if (k < 0) k = std::max<int64_t>(0, len + k);
                      k = std::min(k, len);
                      o.str[row_index(i)] =
                          left ? s.substr(0, char_offset(s, k)) : s.substr(char_offset(s, len - k));
                      return true;
                    }));
}

// REQUIRES: `from` is not empty.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string_view::npos; pos = hit + from.size()) {
    out.append(s.substr(pos, hit - pos)).append(to);
  }
  out.append(s.substr(pos));
  return out;
}

Result<FunctionResolution> resolve_replace(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText, TypeId::kText, TypeId::kText})) return no_function(call);
  const SqlType text = make_type(TypeId::kText);
  return resolution(
      {text, text, text}, text, row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string&) {
        const std::string_view s = text_value(a[0], i), from = text_value(a[1], i);
        o.str[row_index(i)] =
            from.empty() ? s : o.heap().add(replace_all(s, from, text_value(a[2], i)));
        return true;
      }));
}

// Field `k` (1-based; negative counts from the end) of s split at
// `delimiter`; empty when there is no such field. REQUIRES: k != 0.
std::string_view split_field(std::string_view s, std::string_view delimiter, int64_t k) {
  std::vector<std::string_view> parts;
  if (delimiter.empty()) {
    parts.push_back(s);
  } else {
    size_t pos = 0;
    for (size_t hit; (hit = s.find(delimiter, pos)) != std::string_view::npos;
         pos = hit + delimiter.size()) {
      parts.push_back(s.substr(pos, hit - pos));
    }
    parts.push_back(s.substr(pos));
  }
  if (s.empty()) parts.clear();
  const int64_t count = static_cast<int64_t>(parts.size());
  const int64_t idx = k > 0 ? k - 1 : count + k;
  return idx >= 0 && idx < count ? parts[row_index(idx)] : std::string_view();
}

Result<FunctionResolution> resolve_split_part(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText, TypeId::kText, TypeId::kInt64})) return no_function(call);
  const SqlType text = make_type(TypeId::kText);
  return resolution({text, text, make_type(TypeId::kInt64)}, text,
                    row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string& error) {
                      const int64_t k = int_value(a[2], i);
                      if (k == 0) {
                        error = "field position must not be zero";
                        return false;
                      }
                      o.str[row_index(i)] =
                          split_field(text_value(a[0], i), text_value(a[1], i), k);
                      return true;
                    }));
}

Result<FunctionResolution> resolve_starts_with(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText, TypeId::kText})) return no_function(call);
  const SqlType text = make_type(TypeId::kText);
  return resolution({text, text}, make_type(TypeId::kBool),
                    row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string&) {
                      o.i64[row_index(i)] = text_value(a[0], i).starts_with(text_value(a[1], i));
                      return true;
                    }));
}

// The characters of s in reverse order (a character's bytes keep theirs).
std::string reverse_chars(std::string_view s) {
  std::string out;
  for (size_t k = s.size(); k > 0;) {
    size_t b = k - 1;
    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    out.append(s.substr(b, k - b));
    k = b;
  }
  return out;
}

Result<FunctionResolution> resolve_reverse(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText})) return no_function(call);
  const SqlType text = make_type(TypeId::kText);
  return resolution({text}, text, row_kernel([](KernelArgs a, Vector& o, int64_t i, std::string&) {
                      o.str[row_index(i)] = o.heap().add(reverse_chars(text_value(a[0], i)));
                      return true;
                    }));
}

// md5, sha256: the digest of the text's bytes, in lowercase hex.
Result<FunctionResolution> resolve_digest(const FunctionCall& call) {
  if (!fits(call.args, {TypeId::kText})) return no_function(call);
  const SqlType text = make_type(TypeId::kText);
  const bool md5 = call.name == "md5";
  return resolution(
      {text}, text, row_kernel([md5](KernelArgs a, Vector& o, int64_t i, std::string&) {
        const std::string_view s = text_value(a[0], i);
        const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
        o.str[row_index(i)] = o.heap().add(md5 ? crypto::to_hex(crypto::md5(bytes))
                                               : crypto::to_hex(crypto::sha256(bytes)));
        return true;
      }));
}

// Not strict: NULL arguments are skipped, so the kernel loops by itself.
Vector concat_rows(KernelArgs a, const SqlType& result, int64_t rows) {
  bool constant = true;
  for (const Vector& v : a) constant = constant && v.constant;
  Vector out = make_vector(result, constant ? 1 : rows);
  out.size = rows;
  out.constant = constant;
  for (int64_t i = 0; i < (constant ? 1 : rows); ++i) {
    std::string s;
    for (const Vector& v : a) {
      if (!v.is_null(i)) s.append(text_value(v, i));
    }
    out.str[row_index(i)] = out.heap().add(s);
  }
  return out;
}

Result<FunctionResolution> resolve_concat(const FunctionCall& call) {
  const SqlType text = make_type(TypeId::kText);
  for (const FunctionArg& a : call.args) {
    if (!can_cast(a.type, text)) return no_function(call);
  }
  return resolution(std::vector<SqlType>(call.args.size(), text), text,
                    [](KernelArgs a, const SqlType& result, int64_t rows) -> Result<Vector> {
                      return concat_rows(a, result, rows);
                    });
}

}  // namespace

std::span<const FunctionEntry> string_functions() {
  static constexpr FunctionEntry kFunctions[] = {
      {"btrim", resolve_trim},
      {"char_length", resolve_length},
      {"character_length", resolve_length},
      {"concat", resolve_concat},
      {"left", resolve_left_right},
      {"length", resolve_length},
      {"lower", resolve_case},
      {"ltrim", resolve_trim},
      {"md5", resolve_digest},
      {"octet_length", resolve_octet_length},
      {"replace", resolve_replace},
      {"reverse", resolve_reverse},
      {"right", resolve_left_right},
      {"rtrim", resolve_trim},
      {"sha256", resolve_digest},
      {"split_part", resolve_split_part},
      {"starts_with", resolve_starts_with},
      {"substr", resolve_substr},
      {"upper", resolve_case},
  };
  return kFunctions;
}

}  // namespace rapidbyte::sql
