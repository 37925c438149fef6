#include "portable/sql/lexer.hpp"

#include "portable/base/try.hpp"
#include "portable/sql/ascii.hpp"

namespace rapidbyte::sql {
namespace {

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (static_cast<unsigned char>(c) >= 0x80);
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c) || c == '$';
}

class Lexer {
 public:
  explicit Lexer(std::string_view q) : q_(q) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      RB_TRY(skip_space_and_comments());
      if (pos_ >= q_.size()) break;
      RB_ASSIGN_OR_RETURN(auto token, next());
      out.push_back(std::move(token));
    }
    out.push_back(Token{TokenKind::kEnd, "", static_cast<int64_t>(q_.size())});
    return out;
  }

 private:
  Result<void> skip_space_and_comments() {
    while (pos_ < q_.size()) {
      const char c = q_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (c == '-' && peek(1) == '-') {
        while (pos_ < q_.size() && q_[pos_] != '\n') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        const size_t start = pos_;
        const size_t end = q_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) {
          return syntax_error("unterminated /* comment", static_cast<int64_t>(start));
        }
        pos_ = end + 2;
      } else {
        break;
      }
    }
    return {};
  }

  char peek(size_t ahead) const { return pos_ + ahead < q_.size() ? q_[pos_ + ahead] : '\0'; }

  Result<Token> next() {
    const size_t start = pos_;
    const char c = q_[pos_];
    auto make = [&](TokenKind kind, std::string text) {
      return Token{kind, std::move(text), static_cast<int64_t>(start)};
    };
    if ((c == 'e' || c == 'E') && peek(1) == '\'') {
      ++pos_;
      RB_ASSIGN_OR_RETURN(auto s, quoted('\'', true));
      return make(TokenKind::kString, std::move(s));
    }
    if (is_ident_start(c)) {
      std::string text;
      while (pos_ < q_.size() && is_ident_char(q_[pos_])) text += ascii_lower(q_[pos_++]);
      return make(TokenKind::kIdentifier, std::move(text));
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return number();
    if (c == '\'') {
      RB_ASSIGN_OR_RETURN(auto s, quoted('\'', false));
      return make(TokenKind::kString, std::move(s));
    }
    if (c == '"') {
      RB_ASSIGN_OR_RETURN(auto s, quoted('"', false));
      if (s.empty())
        return syntax_error("zero-length delimited identifier", static_cast<int64_t>(start));
      return make(TokenKind::kQuotedIdentifier, std::move(s));
    }
    static constexpr std::string_view kTwo[] = {"<>", "!=", "<=", ">=", "||", "::"};
    for (std::string_view op : kTwo) {
      if (q_.substr(pos_, 2) == op) {
        pos_ += 2;
        return make(TokenKind::kOperator, std::string(op == "!=" ? "<>" : op));
      }
    }
    static constexpr std::string_view kOne = "+-*/%=<>(),.[];";
    if (kOne.find(c) != std::string_view::npos) {
      ++pos_;
      return make(TokenKind::kOperator, std::string(1, c));
    }
    return syntax_error("unexpected character '" + std::string(1, c) + "'",
                        static_cast<int64_t>(start));
  }

  Result<Token> number() {
    const size_t start = pos_;
    bool decimal = false;
    while (is_digit(peek(0))) ++pos_;
    if (peek(0) == '.' && peek(1) != '.') {
      decimal = true;
      ++pos_;
      while (is_digit(peek(0))) ++pos_;
    }
    if ((peek(0) == 'e' || peek(0) == 'E') &&
        (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
      decimal = true;
      pos_ += 2;
      while (is_digit(peek(0))) ++pos_;
    }
    if (is_ident_start(peek(0))) {
      return syntax_error("trailing junk after numeric literal", static_cast<int64_t>(start));
    }
    return Token{decimal ? TokenKind::kDecimal : TokenKind::kInteger,
                 std::string(q_.substr(start, pos_ - start)), static_cast<int64_t>(start)};
  }

  // A string or identifier delimited by `quote`; a doubled quote stands for
  // itself. With `escapes`, backslash escapes (\n \t \\ \') are resolved.
  Result<std::string> quoted(char quote, bool escapes) {
    const size_t start = pos_;
    ++pos_;
    std::string out;
    while (pos_ < q_.size()) {
      const char c = q_[pos_];
      if (c == quote) {
        if (peek(1) == quote) {
          out += quote;
          pos_ += 2;
          continue;
        }
        ++pos_;
        return out;
      }
      if (escapes && c == '\\' && pos_ + 1 < q_.size()) {
        const char e = q_[pos_ + 1];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        pos_ += 2;
        continue;
      }
      out += c;
      ++pos_;
    }
    return syntax_error(
        quote == '"' ? "unterminated quoted identifier" : "unterminated quoted string",
        static_cast<int64_t>(start));
  }

  std::string_view q_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view query) {
  return Lexer(query).run();
}

}  // namespace rapidbyte::sql
