// Regex: a compiled regular expression, matched by a Pike VM — in time
// linear in the input (times the program size), never backtracking, so no
// pattern can make a match take exponential time or deep recursion.
//
// Why not std::regex: in our wasm guests (no exceptions) libc++'s
// std::regex aborts the module on a bad pattern instead of reporting it,
// and its backtracking matcher is exponential on patterns like (a*)*b.
// This engine runs on both sides (host and guests) and reports every
// pattern error as a value with the byte position it refers to.
//
// Syntax (a subset of RE2/Perl, over UTF-8 code points):
//   literals, `.` (any code point but \n), `^` `$` (start/end of the text),
//   `\b` `\B` (ASCII word boundary), classes `[a-z_]` `[^0-9]` with `\d \w
//   \s` inside, escapes `\d \D \w \W \s \S \t \n \r \f \v \0` and escaped
//   punctuation, groups `( )` (capturing) and `(?: )`, alternation `|`,
//   greedy quantifiers `* + ? {n} {n,} {n,m}` and their lazy forms (`*?`
//   ...). Not supported (a compile error, never a silent difference):
//   backreferences, lookaround, named groups, inline flags other than a
//   leading `(?i)`. Case-insensitive matching folds ASCII letters only.
//
// Matching semantics are leftmost-first (Perl's): search() reports whether
// the pattern matches anywhere in the text; find() returns the leftmost
// match and its capture groups. Input that is not valid UTF-8 is read one
// byte per invalid byte, never rejected.
//
// Limits: a repetition count may be at most kMaxRepeat and the compiled
// program at most kMaxProgramSize instructions, so {n,m} cannot blow up
// memory. A compiled Regex is immutable and may be shared by many threads;
// each search builds its scratch afresh. For many searches with one pattern
// use a Matcher, which keeps a lazily built DFA (lazy_dfa.hpp) between
// searches: one table lookup per character once warm.
//
//   auto re = regex::Regex::compile("^[a-z]+@[a-z]+\\.com$");
//   if (!re) return fail(re.error().message, re.error().position);
//   bool ok = re->search("a@b.com");
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rapidbyte::regex {

inline constexpr int kMaxRepeat = 1000;
inline constexpr size_t kMaxProgramSize = 20000;

// A pattern error: what is wrong and the byte offset in the pattern where
// it was found.
struct Error {
  std::string message;
  size_t position = 0;
};

struct Options {
  bool case_insensitive = false;
};

// The result of find(): group 0 is the whole match; group i the i-th
// capturing group, nullopt when it did not take part in the match. The views
// point into the searched text.
struct Match {
  std::vector<std::optional<std::string_view>> groups;
};

struct Program;  // compiled form, defined in program.hpp
class LazyDfa;

class Regex {
 public:
  static std::expected<Regex, Error> compile(std::string_view pattern, Options options = {});

  // Whether the pattern matches somewhere in `text`.
  bool search(std::string_view text) const;

  // The leftmost match in `text` at or after byte offset `start` with its
  // groups, or nullopt. `^` and `\b` still see the whole text, so repeated
  // finds (a global replace) do not match `^` again after the start.
  // REQUIRES: start <= text.size(), on a code point boundary.
  std::optional<Match> find(std::string_view text, size_t start = 0) const;

  // Capturing groups in the pattern (not counting group 0).
  size_t group_count() const;

  const std::string& pattern() const { return pattern_; }

 private:
  Regex(std::string pattern, std::shared_ptr<const Program> program)
      : pattern_(std::move(pattern)), program_(std::move(program)) {}

  friend class Matcher;

  std::string pattern_;
  std::shared_ptr<const Program> program_;
};

// Matcher: a Regex with the cache that makes repeated searches fast. Same
// results as the Regex's own methods. Not thread-safe: one per thread.
class Matcher {
 public:
  explicit Matcher(Regex regex);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  bool search(std::string_view text);
  const Regex& regex() const { return regex_; }

 private:
  Regex regex_;
  std::unique_ptr<LazyDfa> dfa_;  // null when the program needs the Pike VM
};

}  // namespace rapidbyte::regex
