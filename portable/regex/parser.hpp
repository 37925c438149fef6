// The regex parser: pattern text -> syntax tree (Node), with every error
// reported as a value naming its byte position. The syntax is documented in
// regex.hpp. The compiler (compiler.hpp) turns the tree into a Program.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string_view>
#include <vector>

#include "portable/regex/program.hpp"
#include "portable/regex/regex.hpp"

namespace rapidbyte::regex {

struct Node {
  enum class Kind : uint8_t {
    kEmpty,
    kLiteral,  // code point `c`
    kClass,    // `cls`
    kAny,
    kBegin,
    kEnd,
    kWordB,
    kNotWordB,
    kConcat,  // children in order
    kAlt,     // children, first preferred
    kRepeat,  // children[0] {min, max}; max < 0: unbounded
    kGroup,   // children[0], capturing group `group` (1-based)
  };
  Kind kind = Kind::kEmpty;
  uint32_t c = 0;
  CharClass cls;
  int min = 0;
  int max = 0;
  bool greedy = true;
  size_t group = 0;
  std::vector<std::unique_ptr<Node>> children;
};

struct ParsedPattern {
  std::unique_ptr<Node> root;
  size_t groups = 0;
  bool case_insensitive = false;  // a leading (?i)
};

std::expected<ParsedPattern, Error> parse_pattern(std::string_view pattern);

}  // namespace rapidbyte::regex
