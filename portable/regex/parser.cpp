#include "portable/regex/parser.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "portable/base/try.hpp"

namespace rapidbyte::regex {

namespace {

using Kind = Node::Kind;

std::unique_ptr<Node> make_node(Kind kind) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  return n;
}

// The ranges of \d, \w, \s (ASCII, as in RE2).
void add_shorthand(char which, CharClass& cls) {
  switch (which) {
    case 'd':
      cls.ranges.push_back({'0', '9'});
      break;
    case 'w':
      cls.ranges.push_back({'0', '9'});
      cls.ranges.push_back({'A', 'Z'});
      cls.ranges.push_back({'_', '_'});
      cls.ranges.push_back({'a', 'z'});
      break;
    case 's':
      cls.ranges.push_back({'\t', '\r'});  // \t \n \v \f \r
      cls.ranges.push_back({' ', ' '});
      break;
    default:  // the caller passes only d, w and s
      break;
  }
}

// Sorts and merges overlapping or adjacent ranges.
void normalize(CharClass& cls) {
  auto& r = cls.ranges;
  std::sort(r.begin(), r.end());
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  for (const auto& range : r) {
    if (!merged.empty() && range.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  r = std::move(merged);
}

class Parser {
 public:
  explicit Parser(std::string_view pattern) : p_(pattern) {}

  std::expected<ParsedPattern, Error> parse() {
    ParsedPattern out;
    if (p_.starts_with("(?i)")) {
      out.case_insensitive = true;
      pos_ = 4;
    }
    auto root = parse_alt();
    if (!root) return std::unexpected(root.error());
    if (pos_ < p_.size()) return fail("unmatched ')'", pos_);
    out.root = std::move(*root);
    out.groups = groups_;
    return out;
  }

 private:
  using NodeResult = std::expected<std::unique_ptr<Node>, Error>;

  static std::unexpected<Error> fail(std::string message, size_t at) {
    return std::unexpected(Error{std::move(message), at});
  }

  bool at_end() const { return pos_ >= p_.size(); }
  char peek() const { return p_[pos_]; }

  // One code point of the pattern itself.
  uint32_t next_code_point() {
    size_t len = 1;
    const uint32_t c = decode_utf8(p_, pos_, len);
    pos_ += len;
    return c;
  }

  NodeResult parse_alt() {
    auto first = parse_concat();
    if (!first) return first;
    if (at_end() || peek() != '|') return first;
    auto alt = make_node(Kind::kAlt);
    alt->children.push_back(std::move(*first));
    while (!at_end() && peek() == '|') {
      ++pos_;
      auto next = parse_concat();
      if (!next) return next;
      alt->children.push_back(std::move(*next));
    }
    return alt;
  }

  NodeResult parse_concat() {
    auto concat = make_node(Kind::kConcat);
    while (!at_end() && peek() != '|' && peek() != ')') {
      auto item = parse_repeat();
      if (!item) return item;
      concat->children.push_back(std::move(*item));
    }
    if (concat->children.size() == 1) return std::move(concat->children[0]);
    if (concat->children.empty()) return make_node(Kind::kEmpty);
    return concat;
  }

  NodeResult parse_repeat() {
    auto atom = parse_atom();
    if (!atom) return atom;
    bool repeated = false;
    while (!at_end()) {
      const size_t at = pos_;
      int min = 0;
      int max = 0;
      const char q = peek();
      if (q == '*') {
        min = 0, max = -1;
        ++pos_;
      } else if (q == '+') {
        min = 1, max = -1;
        ++pos_;
      } else if (q == '?') {
        min = 0, max = 1;
        ++pos_;
      } else if (q == '{') {
        RB_ASSIGN_OR_RETURN(auto counts, parse_counts());
        if (!counts) break;  // a literal '{'
        min = counts->first;
        max = counts->second;
      } else {
        break;
      }
      if (repeated) return fail("nested quantifier '" + std::string(1, q) + "'", at);
      const Kind k = (*atom)->kind;
      if (k == Kind::kBegin || k == Kind::kEnd || k == Kind::kWordB || k == Kind::kNotWordB ||
          k == Kind::kEmpty) {
        return fail("nothing to repeat before '" + std::string(1, q) + "'", at);
      }
      repeated = true;
      auto rep = make_node(Kind::kRepeat);
      rep->min = min;
      rep->max = max;
      if (!at_end() && peek() == '?') {
        rep->greedy = false;
        ++pos_;
      }
      rep->children.push_back(std::move(*atom));
      *atom = std::move(rep);
    }
    return atom;
  }

  // After '{': "n}", "n,}" or "n,m}". nullopt (position unchanged) when the
  // brace does not start a count, as in Perl, where it is then a literal.
  std::expected<std::optional<std::pair<int, int>>, Error> parse_counts() {
    const size_t start = pos_;
    size_t i = pos_ + 1;
    auto number = [&](int& out) {
      const size_t from = i;
      long v = 0;
      while (i < p_.size() && p_[i] >= '0' && p_[i] <= '9') {
        v = std::min<long>(v * 10 + (p_[i] - '0'), 1'000'000);
        ++i;
      }
      out = static_cast<int>(v);
      return i > from;
    };
    int min = 0;
    int max = 0;
    if (!number(min)) return std::nullopt;
    if (i < p_.size() && p_[i] == ',') {
      ++i;
      if (!number(max)) max = -1;
    } else {
      max = min;
    }
    if (i >= p_.size() || p_[i] != '}') return std::nullopt;
    pos_ = i + 1;
    if (min > kMaxRepeat || max > kMaxRepeat) {
      return fail("repetition count above " + std::to_string(kMaxRepeat), start);
    }
    if (max >= 0 && max < min) {
      return fail(
          "repetition {" + std::to_string(min) + "," + std::to_string(max) + "} has max below min",
          start);
    }
    return std::pair{min, max};
  }

  NodeResult parse_atom() {
    const size_t at = pos_;
    const char c = peek();
    switch (c) {
      case '(':
        return parse_group();
      case '[':
        return parse_class();
      case '.':
        ++pos_;
        return make_node(Kind::kAny);
      case '^':
        ++pos_;
        return make_node(Kind::kBegin);
      case '$':
        ++pos_;
        return make_node(Kind::kEnd);
      case '\\':
        return parse_escape_atom();
      case '*':
      case '+':
      case '?':
        return fail("nothing to repeat before '" + std::string(1, c) + "'", at);
      default: {
        auto lit = make_node(Kind::kLiteral);
        lit->c = next_code_point();
        return lit;
      }
    }
  }

  NodeResult parse_group() {
    const size_t open = pos_;
    ++pos_;
    size_t group = 0;
    if (p_.substr(pos_).starts_with("?:")) {
      pos_ += 2;
    } else if (!at_end() && peek() == '?') {
      return fail("unsupported group syntax '(?' (only '(?:' and a leading '(?i)')", open);
    } else {
      group = ++groups_;
    }
    auto body = parse_alt();
    if (!body) return body;
    if (at_end() || peek() != ')') return fail("missing ')' for the group opened here", open);
    ++pos_;
    if (group == 0) return body;
    auto node = make_node(Kind::kGroup);
    node->group = group;
    node->children.push_back(std::move(*body));
    return node;
  }

  // An escape outside a class: a shorthand class, an assertion or a literal.
  NodeResult parse_escape_atom() {
    const size_t at = pos_;
    if (pos_ + 1 >= p_.size()) return fail("trailing backslash", at);
    const char e = p_[pos_ + 1];
    if (e == 'b' || e == 'B') {
      pos_ += 2;
      return make_node(e == 'b' ? Kind::kWordB : Kind::kNotWordB);
    }
    if (e == 'd' || e == 'w' || e == 's' || e == 'D' || e == 'W' || e == 'S') {
      pos_ += 2;
      auto node = make_node(Kind::kClass);
      add_shorthand(static_cast<char>(e | 0x20), node->cls);
      node->cls.negated = e < 'a';
      return node;
    }
    auto c = parse_literal_escape();
    if (!c) return std::unexpected(c.error());
    auto lit = make_node(Kind::kLiteral);
    lit->c = *c;
    return lit;
  }

  // `\` plus a control letter or punctuation -> the code point it stands for.
  std::expected<uint32_t, Error> parse_literal_escape() {
    const size_t at = pos_;
    if (pos_ + 1 >= p_.size()) return fail("trailing backslash", at);
    const char e = p_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '0':
        return 0;
      default:  // punctuation or unsupported, below
        break;
    }
    const auto u = static_cast<unsigned char>(e);
    if (u < 0x80 && !std::isalnum(u)) return u;  // escaped punctuation
    return fail(std::string("unsupported escape '\\") + e + "'", at);
  }

  NodeResult parse_class() {
    const size_t open = pos_;
    ++pos_;
    auto node = make_node(Kind::kClass);
    CharClass& cls = node->cls;
    if (!at_end() && peek() == '^') {
      cls.negated = true;
      ++pos_;
    }
    bool first = true;
    while (true) {
      if (at_end()) return fail("missing ']' for the class opened here", open);
      if (peek() == ']' && !first) break;
      first = false;
      const size_t item_at = pos_;
      if (peek() == '\\' && pos_ + 1 < p_.size()) {
        const char e = p_[pos_ + 1];
        if (e == 'd' || e == 'w' || e == 's') {
          pos_ += 2;
          add_shorthand(e, cls);
          continue;
        }
        if (e == 'D' || e == 'W' || e == 'S') {
          return fail(std::string("negated shorthand '\\") + e + "' inside a class", item_at);
        }
      }
      RB_ASSIGN_OR_RETURN(auto lo, class_char());
      uint32_t hi = lo;
      if (pos_ + 1 < p_.size() && peek() == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        RB_ASSIGN_OR_RETURN(auto h, class_char());
        hi = h;
        if (hi < lo) return fail("class range out of order", item_at);
      }
      cls.ranges.push_back({lo, hi});
    }
    ++pos_;  // ']'
    normalize(cls);
    return node;
  }

  std::expected<uint32_t, Error> class_char() {
    if (peek() == '\\') return parse_literal_escape();
    return next_code_point();
  }

  std::string_view p_;
  size_t pos_ = 0;
  size_t groups_ = 0;
};

}  // namespace

std::expected<ParsedPattern, Error> parse_pattern(std::string_view pattern) {
  return Parser(pattern).parse();
}

}  // namespace rapidbyte::regex
