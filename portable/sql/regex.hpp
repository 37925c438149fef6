// Regex: a regular-expression matcher without backtracking (Thompson NFA
// simulated as a Pike VM), so matching is linear in the input for every
// pattern: a hostile pattern cannot stall a pipeline. std::regex is not an
// option in guests (it reports errors by throwing and backtracks).
//
// Syntax (the common subset of PostgreSQL's AREs): literals, `.`,
// bracket classes `[a-z]`, `[^...]`, escapes `\d \w \s \D \W \S` and
// escaped metacharacters, anchors `^ $`, groups `( )` and `(?: )`,
// alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` and their lazy forms
// `*? +? ??`. Matching is byte-wise (UTF-8 literals match themselves; `.`
// matches one byte of a multi-byte character, a documented difference) and
// leftmost-first (Perl) rather than PostgreSQL's leftmost-longest.
// Thread-compatible: a compiled Regex is immutable; match() uses scratch
// space of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portable/sql/sql_error.hpp"

namespace rapidbyte::sql {

class Regex {
 public:
  // Fails with a message naming the problem and its offset in `pattern`.
  static Result<Regex> compile(std::string_view pattern, bool case_insensitive = false);

  // Capture spans of the leftmost match at or after `start`: [0] is the
  // whole match, [k] group k; -1/-1 for a group that did not take part.
  struct Match {
    std::vector<int64_t> spans;  // begin0, end0, begin1, end1, ...
  };
  std::optional<Match> search(std::string_view text, size_t start = 0) const;

  int groups() const { return groups_; }

 private:
  enum class Op : uint8_t { kByte, kAny, kClass, kSplit, kJump, kSave, kMatch, kBol, kEol };
  struct Inst {
    Op op;
    uint8_t byte = 0;
    int x = 0;  // jump/split target, save slot, class index
    int y = 0;  // second split target (lower priority)
  };
  friend class RegexCompiler;

  std::vector<Inst> program_;
  std::vector<std::vector<bool>> classes_;  // 256 flags each
  int groups_ = 0;
  bool icase_ = false;
};

}  // namespace rapidbyte::sql
