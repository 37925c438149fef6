#include "portable/sql/functions.hpp"

#include <cmath>

#include "portable/arrow/utf8.hpp"
#include "portable/crypto/hex.hpp"
#include "portable/crypto/md5.hpp"
#include "portable/crypto/sha256.hpp"
#include "portable/regex/regex.hpp"
#include "portable/sql/ascii.hpp"
#include "portable/sql/cast.hpp"
#include "portable/sql/datetime.hpp"
#include "portable/sql/kernel_util.hpp"
#include "portable/sql/operators.hpp"
#include "portable/sql/value_text.hpp"

namespace rapidbyte::sql {
namespace {

// Strict n-ary loop: `op(out, i)` reads args[k] at args[k].at(i).
template <class Op>
Result<Vector> map_rows(std::span<const Vector> args, const SqlType& type, int64_t rows,
                        std::string& error, Op op) {
  Vector out = result_vector(args, type, rows);
  strict_nulls(args, out);
  const int64_t n = out.constant ? 1 : rows;
  const bool nulls = !out.nulls.empty();
  for (int64_t i = 0; i < n; ++i) {
    if (nulls && out.nulls[row_index(i)]) continue;
    if (!op(out, i)) return data_error(error, i);
  }
  return out;
}

std::string_view str(const Vector& v, int64_t i) {
  return v.str[row_index(v.at(i))];
}
int64_t i64(const Vector& v, int64_t i) {
  return v.i64[row_index(v.at(i))];
}

int64_t char_count(std::string_view s) {
  return static_cast<int64_t>(arrow::count_code_points(s));
}
// Byte offset of character `k` (0-based) in s, clamped to s.size().
size_t char_offset(std::string_view s, int64_t k) {
  size_t i = 0;
  while (k > 0 && i < s.size()) {
    i += arrow::code_point_length(static_cast<unsigned char>(s[i]));
    --k;
  }
  return std::min(i, s.size());
}

std::unexpected<SqlError> no_function(std::string_view name, std::span<const FunctionArg> args) {
  std::string sig;
  for (const FunctionArg& a : args) {
    if (!sig.empty()) sig += ", ";
    sig += a.type.id == TypeId::kUnknown ? "unknown" : a.type.name();
  }
  return std::unexpected(SqlError{ErrorKind::kBind,
                                  "function " + std::string(name) + "(" + sig + ") does not exist",
                                  -1,
                                  -1,
                                  {}});
}

// True when every argument casts implicitly to `want` (same arity).
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

FunctionResolution make(std::vector<SqlType> args, SqlType result, Kernel k) {
  return FunctionResolution{std::move(args), result, std::move(k)};
}

// ---- strings -------------------------------------------------------------------

template <class F>
Kernel text_map(F f) {
  return [f](std::span<const Vector> args, const SqlType& result, int64_t rows) -> Result<Vector> {
    std::string error;
    return map_rows(args, result, rows, error,
                    [&](Vector& out, int64_t i) { return f(args, out, i, error); });
  };
}

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

std::string_view trim_chars(std::string_view s, std::string_view chars, bool left, bool right) {
  while (left && !s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (right && !s.empty() && chars.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

Result<FunctionResolution> string_function(std::string_view name,
                                           std::span<const FunctionArg> args) {
  const SqlType text = make_type(TypeId::kText), integer = make_type(TypeId::kInt32),
                boolean = make_type(TypeId::kBool);
  const size_t n = args.size();
  if ((name == "lower" || name == "upper") && fits(args, {TypeId::kText})) {
    const bool upper = name == "upper";
    return make({text}, text, text_map([upper](auto a, Vector& o, int64_t i, std::string&) {
                  o.str[row_index(i)] = ascii_case(str(a[0], i), upper, o.heap());
                  return true;
                }));
  }
  if ((name == "length" || name == "char_length" || name == "character_length") &&
      fits(args, {TypeId::kText})) {
    return make({text}, integer, text_map([](auto a, Vector& o, int64_t i, std::string&) {
                  o.i64[row_index(i)] = char_count(str(a[0], i));
                  return true;
                }));
  }
  if (name == "octet_length" && fits(args, {TypeId::kText})) {
    return make({text}, integer, text_map([](auto a, Vector& o, int64_t i, std::string&) {
                  o.i64[row_index(i)] = static_cast<int64_t>(str(a[0], i).size());
                  return true;
                }));
  }
  if (name == "substr" && (fits(args, {TypeId::kText, TypeId::kInt64}) ||
                           fits(args, {TypeId::kText, TypeId::kInt64, TypeId::kInt64}))) {
    std::vector<SqlType> types = {text, make_type(TypeId::kInt64)};
    if (n == 3) types.push_back(make_type(TypeId::kInt64));
    return make(types, text, text_map([n](auto a, Vector& o, int64_t i, std::string& error) {
                  const std::string_view s = str(a[0], i);
                  const int64_t start = i64(a[1], i);
                  // PostgreSQL: characters [start, start + count) with 1-based start,
                  // clipped to the string; a negative count is an error.
                  int64_t from = start - 1;
                  int64_t to = INT64_MAX;
                  if (n == 3) {
                    const int64_t count = i64(a[2], i);
                    if (count < 0) {
                      error = "negative substring length not allowed";
                      return false;
                    }
                    to = from > INT64_MAX - count ? INT64_MAX : from + count;
                  }
                  if (from < 0) from = 0;
                  if (to <= from) {
                    o.str[row_index(i)] = {};
                    return true;
                  }
                  const size_t b = char_offset(s, from);
                  const size_t e = to == INT64_MAX ? s.size() : char_offset(s, to);
                  o.str[row_index(i)] = s.substr(b, e - b);  // a view: no copy
                  return true;
                }));
  }
  if ((name == "btrim" || name == "ltrim" || name == "rtrim") &&
      (fits(args, {TypeId::kText}) || fits(args, {TypeId::kText, TypeId::kText}))) {
    const bool left = name != "rtrim", right = name != "ltrim";
    std::vector<SqlType> types(n, text);
    return make(types, text, text_map([=](auto a, Vector& o, int64_t i, std::string&) {
                  o.str[row_index(i)] = trim_chars(
                      str(a[0], i), n == 2 ? str(a[1], i) : std::string_view(" "), left, right);
                  return true;
                }));
  }
  if ((name == "left" || name == "right") && fits(args, {TypeId::kText, TypeId::kInt64})) {
    const bool left = name == "left";
    return make({text, make_type(TypeId::kInt64)}, text,
                text_map([left](auto a, Vector& o, int64_t i, std::string&) {
                  const std::string_view s = str(a[0], i);
                  const int64_t len = char_count(s);
                  int64_t k = i64(a[1], i);
                  if (k < 0) k = std::max<int64_t>(0, len + k);
                  k = std::min(k, len);
                  o.str[row_index(i)] =
                      left ? s.substr(0, char_offset(s, k)) : s.substr(char_offset(s, len - k));
                  return true;
                }));
  }
  if (name == "replace" && fits(args, {TypeId::kText, TypeId::kText, TypeId::kText})) {
    return make({text, text, text}, text, text_map([](auto a, Vector& o, int64_t i, std::string&) {
                  const std::string_view s = str(a[0], i), from = str(a[1], i), to = str(a[2], i);
                  if (from.empty()) {
                    o.str[row_index(i)] = s;
                    return true;
                  }
                  std::string out;
                  size_t pos = 0;
                  for (size_t hit; (hit = s.find(from, pos)) != std::string_view::npos;
                       pos = hit + from.size()) {
                    out.append(s.substr(pos, hit - pos)).append(to);
                  }
                  out.append(s.substr(pos));
                  o.str[row_index(i)] = o.heap().add(out);
                  return true;
                }));
  }
  if (name == "split_part" && fits(args, {TypeId::kText, TypeId::kText, TypeId::kInt64})) {
    return make({text, text, make_type(TypeId::kInt64)}, text,
                text_map([](auto a, Vector& o, int64_t i, std::string& error) {
                  const std::string_view s = str(a[0], i), d = str(a[1], i);
                  const int64_t k = i64(a[2], i);
                  if (k == 0) {
                    error = "field position must not be zero";
                    return false;
                  }
                  std::vector<std::string_view> parts;
                  if (d.empty()) {
                    parts.push_back(s);
                  } else {
                    size_t pos = 0;
                    for (size_t hit; (hit = s.find(d, pos)) != std::string_view::npos;
                         pos = hit + d.size()) {
                      parts.push_back(s.substr(pos, hit - pos));
                    }
                    parts.push_back(s.substr(pos));
                  }
                  if (s.empty()) parts.clear();
                  const int64_t count = static_cast<int64_t>(parts.size());
                  const int64_t idx = k > 0 ? k - 1 : count + k;
                  o.str[row_index(i)] =
                      idx >= 0 && idx < count ? parts[row_index(idx)] : std::string_view();
                  return true;
                }));
  }
  if (name == "starts_with" && fits(args, {TypeId::kText, TypeId::kText})) {
    return make({text, text}, boolean, text_map([](auto a, Vector& o, int64_t i, std::string&) {
                  o.i64[row_index(i)] = str(a[0], i).starts_with(str(a[1], i));
                  return true;
                }));
  }
  if (name == "reverse" && fits(args, {TypeId::kText})) {
    return make({text}, text, text_map([](auto a, Vector& o, int64_t i, std::string&) {
                  const std::string_view s = str(a[0], i);
                  std::string out;
                  for (size_t k = s.size(); k > 0;) {
                    size_t b = k - 1;
                    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
                    out.append(s.substr(b, k - b));
                    k = b;
                  }
                  o.str[row_index(i)] = o.heap().add(out);
                  return true;
                }));
  }
  if ((name == "md5" || name == "sha256") && fits(args, {TypeId::kText})) {
    const bool md5 = name == "md5";
    return make({text}, text, text_map([md5](auto a, Vector& o, int64_t i, std::string&) {
                  const std::string_view s = str(a[0], i);
                  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(s.data()),
                                                       s.size());
                  if (md5) {
                    const auto digest = crypto::md5(bytes);
                    o.str[row_index(i)] = o.heap().add(crypto::to_hex(digest));
                  } else {
                    const auto digest = crypto::sha256(bytes);
                    o.str[row_index(i)] = o.heap().add(crypto::to_hex(digest));
                  }
                  return true;
                }));
  }
  if (name == "regexp_match" || name == "regexp_replace" || name == "regexp_like") {
    const bool replace = name == "regexp_replace";
    const size_t base = replace ? 3 : 2;
    if (n < base || n > base + 1) return no_function(name, args);
    for (const FunctionArg& a : args) {
      if (!implicit_cast(a.type, text)) return no_function(name, args);
    }
    // The pattern and flags must be constants: compiled once per query.
    const FunctionArg& pattern = args[1];
    const FunctionArg* flags = n == base + 1 ? &args[base] : nullptr;
    if (!pattern.constant || (flags && !flags->constant)) {
      return std::unexpected(SqlError{
          ErrorKind::kBind,
          name == "regexp_replace" ? "regexp_replace needs a constant pattern and flags"
                                   : std::string(name) + " needs a constant pattern and flags",
          -1,
          -1,
          {}});
    }
    if (pattern.constant->is_null(0)) {
      return make(std::vector<SqlType>(n, text),
                  replace                 ? text
                  : name == "regexp_like" ? boolean
                                          : make_type(TypeId::kTextList),
                  [](std::span<const Vector>, const SqlType& r, int64_t rows) -> Result<Vector> {
                    return null_vector(r, rows);
                  });
    }
    std::string flag_text =
        flags && !flags->constant->is_null(0) ? std::string(flags->constant->str[0]) : "";
    bool global = false, icase = false;
    for (char f : flag_text) {
      if (f == 'g' && replace) {
        global = true;
      } else if (f == 'i') {
        icase = true;
      } else if (f != 'c') {
        return std::unexpected(
            SqlError{ErrorKind::kBind,
                     "invalid regular expression option: \"" + std::string(1, f) + "\"",
                     -1,
                     -1,
                     {}});
      }
    }
    auto re =
        regex::Regex::compile(pattern.constant->str[0], regex::Options{.case_insensitive = icase});
    if (!re) {
      return std::unexpected(SqlError{ErrorKind::kBind,
                                      "invalid regular expression: " + re.error().message +
                                          " at offset " + std::to_string(re.error().position),
                                      -1,
                                      -1,
                                      {}});
    }
    auto shared = std::make_shared<const regex::Regex>(std::move(*re));
    if (replace) {
      return make(std::vector<SqlType>(n, text), text,
                  text_map([shared, global](auto a, Vector& o, int64_t i, std::string&) {
                    const std::string_view s = str(a[0], i), repl = str(a[2], i);
                    std::string out;
                    size_t pos = 0;
                    while (pos <= s.size()) {
                      auto m = shared->find(s, pos);
                      if (!m) break;
                      const auto offset = [&](std::string_view group) {
                        return static_cast<size_t>(group.data() - s.data());
                      };
                      const size_t b = offset(*m->groups[0]);
                      const size_t e = b + m->groups[0]->size();
                      out.append(s.substr(pos, b - pos));
                      // \1..\9 and \& refer to the match.
                      for (size_t k = 0; k < repl.size(); ++k) {
                        if (repl[k] == '\\' && k + 1 < repl.size()) {
                          const char c = repl[k + 1];
                          int g = c == '&' ? 0 : (c >= '1' && c <= '9' ? c - '0' : -1);
                          if (g >= 0 && static_cast<size_t>(g) <= shared->group_count()) {
                            if (const auto& group = m->groups[static_cast<size_t>(g)]) {
                              out.append(*group);
                            }
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
                      if (e == b) {
                        // An empty match: copy one whole character and go on
                        // after it (find() needs a code point boundary).
                        const size_t next = b < s.size() ? b + char_offset(s.substr(b), 1) : b + 1;
                        if (b < s.size()) out.append(s.substr(b, next - b));
                        pos = next;
                      } else {
                        pos = e;
                      }
                      if (!global) break;
                    }
                    if (pos < s.size()) out.append(s.substr(pos));
                    o.str[row_index(i)] = o.heap().add(out);
                    return true;
                  }));
    }
    if (name == "regexp_like") {
      // A Matcher keeps its lazily built automaton from row to row; a
      // Regex's own search() starts a new one each call. A plan runs on one
      // thread, as a Matcher requires.
      auto matcher = std::make_shared<regex::Matcher>(*shared);
      return make(std::vector<SqlType>(n, text), boolean,
                  text_map([matcher](auto a, Vector& o, int64_t i, std::string&) {
                    o.i64[row_index(i)] = matcher->search(str(a[0], i));
                    return true;
                  }));
    }
    return make(
        std::vector<SqlType>(n, text), make_type(TypeId::kTextList),
        [shared](std::span<const Vector> a, const SqlType& result, int64_t rows) -> Result<Vector> {
          std::string error;
          return map_rows(a, result, rows, error, [&](Vector& o, int64_t i) {
            const std::string_view s = str(a[0], i);
            auto m = shared->find(s);
            if (!m) {
              o.set_null(i);  // no match: NULL, as PostgreSQL
              return true;
            }
            std::vector<std::string_view> parts;
            const size_t g0 = shared->group_count() == 0 ? 0 : 1;
            for (size_t g = g0; g <= shared->group_count(); ++g) {
              parts.push_back(m->groups[g].value_or(std::string_view()));
            }
            o.list[row_index(i)] = std::move(parts);
            return true;
          });
        });
  }
  if (name == "concat") {
    std::vector<SqlType> types(n, text);
    for (const FunctionArg& a : args) {
      if (!can_cast(a.type, text)) return no_function(name, args);
    }
    // Not strict: NULL arguments are skipped.
    return make(
        types, text,
        [](std::span<const Vector> a, const SqlType& result, int64_t rows) -> Result<Vector> {
          bool constant = true;
          for (const Vector& v : a) constant = constant && v.constant;
          Vector out = make_vector(result, constant ? 1 : rows);
          out.size = rows;
          out.constant = constant;
          for (int64_t i = 0; i < (constant ? 1 : rows); ++i) {
            std::string s;
            for (const Vector& v : a) {
              if (!v.is_null(i)) s.append(str(v, i));
            }
            out.str[row_index(i)] = out.heap().add(s);
          }
          return out;
        });
  }
  return no_function(name, args);
}

// ---- math ------------------------------------------------------------------------

// The numeric family a math function resolves to: integers stay integers
// for abs/mod/sign, numeric stays numeric, everything else is float8
// (PostgreSQL prefers float8 for integer arguments of floor/ceil/round).
Result<FunctionResolution> math_function(std::string_view name, std::span<const FunctionArg> args,
                                         std::string& unused) {
  (void)unused;
  const size_t n = args.size();
  if (n == 0 || n > 2) return no_function(name, args);
  for (const FunctionArg& a : args) {
    if (!a.type.is_numeric() && a.type.id != TypeId::kUnknown && a.type.id != TypeId::kNull) {
      return no_function(name, args);
    }
  }
  const SqlType t0 = args[0].type.id == TypeId::kUnknown || args[0].type.id == TypeId::kNull
                         ? make_type(TypeId::kFloat64)
                         : args[0].type;
  const SqlType f8 = make_type(TypeId::kFloat64);
  auto float_fn = [&](double (*f)(double)) {
    return make({f8}, f8, text_map([f](auto a, Vector& o, int64_t i, std::string&) {
                  o.f64[row_index(i)] = f(a[0].f64[row_index(a[0].at(i))]);
                  return true;
                }));
  };
  if (name == "abs" && n == 1) {
    if (t0.is_integer()) {
      const TypeId id = t0.id;
      return make(
          {t0}, t0, text_map([id](auto a, Vector& o, int64_t i, std::string& error) {
            const int64_t v = i64(a[0], i);
            if (v == integer_min(id)) {  // its negation does not fit (nor may it be computed)
              error = out_of_range_message(id);
              return false;
            }
            o.i64[row_index(i)] = v < 0 ? -v : v;
            return true;
          }));
    }
    if (t0.id == TypeId::kNumeric) {
      return make({t0}, t0, text_map([](auto a, Vector& o, int64_t i, std::string&) {
                    const __int128 v = a[0].dec[row_index(a[0].at(i))];
                    o.dec[row_index(i)] = v < 0 ? -v : v;
                    return true;
                  }));
    }
    return float_fn([](double x) { return std::fabs(x); });
  }
  if (name == "sign" && n == 1) {
    if (t0.id == TypeId::kNumeric) {
      const SqlType r = numeric_type(38, 0);
      return make({t0}, r, text_map([](auto a, Vector& o, int64_t i, std::string&) {
                    const __int128 v = a[0].dec[row_index(a[0].at(i))];
                    o.dec[row_index(i)] = v > 0 ? 1 : (v < 0 ? -1 : 0);
                    return true;
                  }));
    }
    return float_fn([](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); });
  }
  if ((name == "floor" || name == "ceil" || name == "ceiling" || name == "round" ||
       name == "trunc") &&
      (n == 1 || name == "round" || name == "trunc")) {
    const bool is_round = name == "round", is_trunc = name == "trunc", is_floor = name == "floor";
    if (t0.id == TypeId::kNumeric || n == 2) {
      // round/trunc(numeric, d): scale d (a constant); floor/ceil: scale 0.
      int digits = 0;
      if (n == 2) {
        if (!args[1].constant || !args[1].type.is_integer()) {
          return std::unexpected(
              SqlError{ErrorKind::kBind,
                       std::string(name) + "(numeric, n) needs a constant integer n",
                       -1,
                       -1,
                       {}});
        }
        digits = args[1].constant->is_null(0) ? 0 : static_cast<int>(args[1].constant->i64[0]);
        if (digits > 38 || digits < -38)
          return std::unexpected(
              SqlError{ErrorKind::kBind, "rounding digits out of range", -1, -1, {}});
      }
      const SqlType in =
          t0.id == TypeId::kNumeric ? t0 : numeric_type(38, t0.is_integer() ? 0 : 16);
      const int from = in.scale;
      const int to = std::max(digits, 0);
      std::vector<SqlType> types = {in};
      if (n == 2) types.push_back(make_type(TypeId::kInt32));
      return make(types, numeric_type(38, to),
                  text_map([=](auto a, Vector& o, int64_t i, std::string& error) {
                    error = "numeric field overflow";
                    __int128 v = a[0].dec[row_index(a[0].at(i))];
                    // Reduce to `digits` places (may be negative), then store at `to`.
                    const int drop = from - digits;
                    if (drop > 0) {
                      const __int128 p = pow10_i128(std::min(drop, 38));
                      __int128 q = v / p, r = v % p;
                      if (is_round) {
                        if (r * 2 >= p) ++q;
                        if (r * 2 <= -p) --q;
                      } else if (!is_trunc) {
                        if (is_floor && r < 0) --q;
                        if (!is_floor && r > 0) ++q;
                      }
                      v = q;
                      if (digits < 0) {
                        __int128 back;
                        if (mul_overflow_i128(v, pow10_i128(-digits), &back)) return false;
                        v = back;
                      }
                      auto scaled = rescale(v, std::max(digits, 0), to);
                      if (!scaled) return false;
                      v = *scaled;
                    } else {
                      auto scaled = rescale(v, from, to);
                      if (!scaled) return false;
                      v = *scaled;
                    }
                    o.dec[row_index(i)] = v;
                    return true;
                  }));
    }
    if (is_round) return float_fn([](double x) { return std::nearbyint(x); });
    if (is_trunc) return float_fn([](double x) { return std::trunc(x); });
    if (is_floor) return float_fn([](double x) { return std::floor(x); });
    return float_fn([](double x) { return std::ceil(x); });
  }
  if (name == "sqrt" && n == 1) {
    return make({f8}, f8, text_map([](auto a, Vector& o, int64_t i, std::string& error) {
                  const double x = a[0].f64[row_index(a[0].at(i))];
                  error = "cannot take square root of a negative number";
                  o.f64[row_index(i)] = std::sqrt(x);
                  return !(x < 0);
                }));
  }
  if ((name == "power" || name == "pow") && n == 2) {
    return make(
        {f8, f8}, f8, text_map([](auto a, Vector& o, int64_t i, std::string& error) {
          const double x = a[0].f64[row_index(a[0].at(i))], y = a[1].f64[row_index(a[1].at(i))];
          if (x == 0 && y < 0) {
            error = "zero raised to a negative power is undefined";
            return false;
          }
          if (x < 0 && std::floor(y) != y) {
            error = "a negative number raised to a non-integer power yields a complex result";
            return false;
          }
          const double r = std::pow(x, y);
          error = "value out of range: overflow";
          o.f64[row_index(i)] = r;
          return !std::isinf(r) || std::isinf(x) || std::isinf(y);
        }));
  }
  if (name == "mod" && n == 2) {
    auto r = resolve_arithmetic("%", args[0].type, args[1].type);
    if (!r) return no_function(name, args);
    return make({r->left, r->right}, r->result, r->kernel);
  }
  return no_function(name, args);
}

// ---- date/time -------------------------------------------------------------------

Result<FunctionResolution> time_function(std::string_view name, std::span<const FunctionArg> args,
                                         const FunctionEnv& env) {
  const size_t n = args.size();
  const SqlType text = make_type(TypeId::kText);
  if ((name == "now" || name == "current_timestamp" || name == "localtimestamp" ||
       name == "current_date") &&
      n == 0) {
    const SqlType type = name == "current_date"     ? make_type(TypeId::kDate)
                         : name == "localtimestamp" ? make_type(TypeId::kTimestamp)
                                                    : make_type(TypeId::kTimestampTz);
    const int64_t v =
        name == "current_date" ? floor_div(env.now_micros, kMicrosPerDay) : env.now_micros;
    return make({}, type,
                [v](std::span<const Vector>, const SqlType& r, int64_t rows) -> Result<Vector> {
                  Vector out = make_vector(r, 1);
                  out.constant = true;
                  out.size = rows;
                  out.i64[0] = v;
                  return out;
                });
  }
  if ((name == "date_trunc" || name == "date_part" || name == "extract") && n == 2) {
    if (!implicit_cast(args[0].type, text)) return no_function(name, args);
    if (!args[0].constant || args[0].constant->is_null(0)) {
      return std::unexpected(
          SqlError{ErrorKind::kBind, std::string(name) + " needs a constant unit", -1, -1, {}});
    }
    const std::string unit = ascii_lower(args[0].constant->str[0]);
    SqlType source = args[1].type;
    if (source.id == TypeId::kUnknown) source = make_type(TypeId::kTimestampTz);
    const bool interval = source.id == TypeId::kInterval;
    if (!source.is_temporal() && !interval) return no_function(name, args);
    if (name == "date_trunc") {
      if (interval) return no_function(name, args);
      // date_trunc over a date computes on a timestamp with time zone.
      const SqlType t = source.id == TypeId::kDate ? make_type(TypeId::kTimestampTz) : source;
      std::string norm = unit;
      if (norm == "microsecond") norm = "microseconds";
      if (norm == "millisecond") norm = "milliseconds";
      if (norm.size() > 1 && norm.back() == 's' && norm != "microseconds" && norm != "milliseconds")
        norm.pop_back();
      if (!trunc_timestamp(norm, 0)) {
        return std::unexpected(SqlError{
            ErrorKind::kBind, "unit \"" + unit + "\" not recognized for date_trunc", -1, -1, {}});
      }
      return make({text, t}, t, text_map([norm](auto a, Vector& o, int64_t i, std::string&) {
                    o.i64[row_index(i)] = *trunc_timestamp(norm, i64(a[1], i));
                    return true;
                  }));
    }
    // date_part returns double precision, extract numeric (PostgreSQL 14+).
    const bool as_numeric = name == "extract";
    const bool from_date = source.id == TypeId::kDate;
    auto probe = interval ? extract_interval(unit, {}) : extract_timestamp(unit, 0);
    if (!probe || (from_date && (unit == "hour" || unit == "minute" || unit == "second" ||
                                 unit == "milliseconds" || unit == "microseconds"))) {
      return std::unexpected(
          SqlError{ErrorKind::kBind,
                   "unit \"" + unit + "\" not supported for type " + source.name(),
                   -1,
                   -1,
                   {}});
    }
    const int scale = probe->scale;
    const SqlType result = as_numeric ? numeric_type(38, from_date && unit == "epoch" ? 0 : scale)
                                      : make_type(TypeId::kFloat64);
    const SqlType in = from_date ? make_type(TypeId::kDate) : source;
    return make({text, in}, result, text_map([=](auto a, Vector& o, int64_t i, std::string&) {
                  FieldValue f;
                  if (interval) {
                    f = *extract_interval(unit, a[1].iv[row_index(a[1].at(i))]);
                  } else {
                    const int64_t v = i64(a[1], i);
                    f = *extract_timestamp(unit, from_date ? v * kMicrosPerDay : v);
                    if (from_date && unit == "epoch") f = {f.value / kMicrosPerSecond, 0};
                  }
                  if (as_numeric) {
                    o.dec[row_index(i)] = f.value;
                  } else {
                    o.f64[row_index(i)] = static_cast<double>(f.value) / std::pow(10.0, f.scale);
                  }
                  return true;
                }));
  }
  return no_function(name, args);
}

// NULLIF, GREATEST, LEAST: over the arguments' common type.
Result<FunctionResolution> conditional_function(std::string_view name,
                                                std::span<const FunctionArg> args) {
  if (args.empty()) return no_function(name, args);
  std::optional<SqlType> common = args[0].type;
  for (const FunctionArg& a : args) {
    if (common) common = common_type(*common, a.type);
  }
  if (!common || common->id == TypeId::kOpaque) return no_function(name, args);
  if (common->id == TypeId::kUnknown || common->id == TypeId::kNull)
    common = make_type(TypeId::kText);
  std::vector<SqlType> types(args.size(), *common);
  if (name == "nullif") {
    if (args.size() != 2) return no_function(name, args);
    return make(
        types, *common,
        [](std::span<const Vector> a, const SqlType& r, int64_t rows) -> Result<Vector> {
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
        });
  }
  const bool greatest = name == "greatest";
  return make(
      types, *common,
      [greatest](std::span<const Vector> a, const SqlType& r, int64_t rows) -> Result<Vector> {
        bool constant = true;
        for (const Vector& v : a) constant = constant && v.constant;
        Vector out = make_vector(r, constant ? 1 : rows);
        out.size = rows;
        out.constant = constant;
        for (const Vector& v : a) out.keep.insert(out.keep.end(), v.keep.begin(), v.keep.end());
        for (int64_t i = 0; i < (constant ? 1 : rows); ++i) {
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
          if (best < 0) {
            out.set_null(i);
          } else {
            copy_slot(a[row_index(best)], i, out, i);
          }
        }
        return out;
      });
}

}  // namespace

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
  static constexpr std::string_view kNames[] = {"abs",
                                                "btrim",
                                                "ceil",
                                                "ceiling",
                                                "char_length",
                                                "character_length",
                                                "coalesce",
                                                "concat",
                                                "current_date",
                                                "current_timestamp",
                                                "date_part",
                                                "date_trunc",
                                                "extract",
                                                "floor",
                                                "greatest",
                                                "least",
                                                "left",
                                                "length",
                                                "localtimestamp",
                                                "lower",
                                                "ltrim",
                                                "md5",
                                                "mod",
                                                "now",
                                                "nullif",
                                                "octet_length",
                                                "pow",
                                                "power",
                                                "regexp_like",
                                                "regexp_match",
                                                "regexp_replace",
                                                "replace",
                                                "reverse",
                                                "right",
                                                "round",
                                                "rtrim",
                                                "sha256",
                                                "sign",
                                                "split_part",
                                                "sqrt",
                                                "starts_with",
                                                "substr",
                                                "trunc",
                                                "upper"};
  for (std::string_view n : kNames) {
    if (name == n) return true;
  }
  return false;
}

Result<FunctionResolution> resolve_function(std::string_view name,
                                            std::span<const FunctionArg> args,
                                            const FunctionEnv& env) {
  static constexpr std::string_view kMath[] = {"abs",   "sign", "floor", "ceil", "ceiling", "round",
                                               "trunc", "sqrt", "power", "pow",  "mod"};
  for (std::string_view m : kMath) {
    if (name == m) {
      std::string unused;
      return math_function(name, args, unused);
    }
  }
  static constexpr std::string_view kTime[] = {
      "now",        "current_timestamp", "localtimestamp", "current_date",
      "date_trunc", "date_part",         "extract"};
  for (std::string_view t : kTime) {
    if (name == t) return time_function(name, args, env);
  }
  if (name == "nullif" || name == "greatest" || name == "least")
    return conditional_function(name, args);
  return string_function(name, args);
}

}  // namespace rapidbyte::sql
