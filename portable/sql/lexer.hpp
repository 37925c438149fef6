// Lexer: splits SQL text into tokens, each with its byte offset in the text
// so that later errors can point at it.
//
// Follows PostgreSQL's lexical rules where they matter to queries over one
// table: unquoted identifiers and keywords are case-insensitive (folded to
// lower case), "quoted" identifiers keep their case, 'strings' double ''
// to escape a quote, E'...' strings take backslash escapes, -- and /* */
// are comments. Keywords are not distinguished from identifiers here; the
// parser decides by context (so a column may be named like a keyword when
// quoted). Thread-compatible; a Lexer is used once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "portable/sql/sql_error.hpp"

namespace rapidbyte::sql {

enum class TokenKind : uint8_t {
  kIdentifier,        // unquoted: folded to lower case
  kQuotedIdentifier,  // "Name": exact
  kInteger,           // 123
  kDecimal,           // 1.5, .5, 1e10
  kString,            // 'text' (escapes resolved)
  kOperator,          // + - * / % = <> != < <= > >= || :: ( ) , . [ ] ;
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifier (folded), literal value or operator
  int64_t position = 0;

  // True for an unquoted identifier spelled `word` (lower case).
  bool is_keyword(std::string_view word) const {
    return kind == TokenKind::kIdentifier && text == word;
  }
  bool is_operator(std::string_view op) const { return kind == TokenKind::kOperator && text == op; }
};

// The tokens of `query`, ending with one kEnd token. Fails on an
// unterminated string, quoted identifier or comment, or a character that
// starts no token.
Result<std::vector<Token>> tokenize(std::string_view query);

}  // namespace rapidbyte::sql
