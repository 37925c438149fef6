// LIKE / ILIKE patterns: `%` matches any run of characters, `_` one
// character (a whole UTF-8 sequence), the escape character (default `\`)
// makes the next one literal. ILIKE folds ASCII letters. Matching is
// greedy with one backtrack point per `%`, so it is O(n*m) at worst.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rapidbyte::sql {

class LikePattern {
 public:
  LikePattern(std::string_view pattern, bool case_insensitive, char escape = '\\');
  bool matches(std::string_view text) const;

 private:
  struct Token {
    enum Kind : uint8_t { kLiteral, kOne, kAny } kind;
    std::string literal;
  };
  std::vector<Token> tokens_;
  bool icase_;
  // Fast paths: "abc%", "%abc", "%abc%", "abc" without other wildcards.
  enum class Shape : uint8_t { kGeneral, kExact, kPrefix, kSuffix, kContains };
  Shape shape_ = Shape::kGeneral;
  std::string needle_;
};

}  // namespace rapidbyte::sql
