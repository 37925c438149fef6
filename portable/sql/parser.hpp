// Parser: SQL text to a SelectStatement, by recursive descent over the
// lexer's tokens with PostgreSQL's operator precedence:
//
//   OR < AND < NOT < IS < comparison < BETWEEN/IN/LIKE/ILIKE < || < + - <
//   * / % < unary - < :: and [] (tightest)
//
// The grammar is one SELECT over one table:
//
//   SELECT [DISTINCT] item [, ...] FROM name [WHERE expr]
//   [GROUP BY expr [, ...]] [HAVING expr]
//   [ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST] [, ...]]
//   [LIMIT n] [OFFSET n] [;]
//
// where an item is `expr [[AS] alias]`, `*` or `* EXCLUDE (col [, ...])`.
// Errors say what was expected and what was found, at the token's offset.
#pragma once

#include <string_view>

#include "portable/sql/ast.hpp"
#include "portable/sql/sql_error.hpp"

namespace rapidbyte::sql {

// Nesting deeper than this is rejected (the parser recurses).
inline constexpr int kMaxExpressionDepth = 200;

Result<SelectStatement> parse_select(std::string_view query);

}  // namespace rapidbyte::sql
