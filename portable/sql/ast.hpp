// The syntax tree of a query, as the parser builds it: names are still
// names and nothing is typed yet (the binder does that).
//
// Every node records the byte range of the query text it came from, so the
// binder can point errors at it and runtime errors can quote the
// expression. Nodes are owned by their parent through unique_ptr; the tree
// is immutable once parsed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rapidbyte::sql {

// A type name as written: `numeric(12, 2)`, `timestamp with time zone`.
struct TypeName {
  std::string name;  // canonical: smallint integer bigint real double numeric
                     // text boolean date timestamp timestamptz interval
  int32_t precision = -1;
  int32_t scale = -1;
};

enum class ExprKind : uint8_t {
  kColumn,        // name (quoted or not)
  kLiteral,       // literal_kind + text
  kUnary,         // op: "-", "+", "not"
  kBinary,        // op: + - * / % = <> < <= > >= || and or
  kFunction,      // name(args), distinct, star (count(*))
  kCast,          // args[0] :: type
  kCase,          // [operand] WHEN args[i] THEN args[i+1] ... [ELSE]
  kIn,            // args[0] [NOT] IN (args[1..])
  kBetween,       // args[0] [NOT] BETWEEN args[1] AND args[2]
  kLike,          // args[0] [NOT] LIKE|ILIKE args[1]  (op "like" / "ilike")
  kIsNull,        // args[0] IS [NOT] NULL
  kIsBool,        // args[0] IS [NOT] TRUE|FALSE  (op "true"/"false")
  kDistinctFrom,  // args[0] IS [NOT] DISTINCT FROM args[1]
  kSubscript,     // args[0][args[1]]
};

enum class LiteralKind : uint8_t { kNull, kBool, kInteger, kDecimal, kString };

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  int64_t begin = 0;  // byte range in the query text
  int64_t end = 0;
  std::string name;     // column / function name; operator for unary/binary/like
  bool quoted = false;  // kColumn: a "quoted" identifier
  LiteralKind literal_kind = LiteralKind::kNull;
  std::string literal;       // kLiteral: the value's text ("t"/"f" for bools)
  bool negated = false;      // NOT IN / NOT BETWEEN / NOT LIKE / IS NOT ...
  bool distinct = false;     // kFunction: f(DISTINCT x)
  bool star = false;         // kFunction: count(*)
  bool has_operand = false;  // kCase: CASE x WHEN ...
  bool has_else = false;     // kCase
  TypeName type;             // kCast
  std::vector<std::unique_ptr<Expr>> args;
};

struct SelectItem {
  std::unique_ptr<Expr> expr;  // null for * / * EXCLUDE (...)
  std::optional<std::string> alias;
  std::vector<std::string> exclude;  // * EXCLUDE (a, b)
  std::vector<int64_t> exclude_positions;
  int64_t position = 0;
};

struct OrderItem {
  std::unique_ptr<Expr> expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // default: NULLS LAST for ASC, FIRST for DESC
};

struct SelectStatement {
  bool distinct = false;
  std::vector<SelectItem> items;
  std::string table;
  int64_t table_position = 0;
  std::unique_ptr<Expr> where;
  std::vector<std::unique_ptr<Expr>> group_by;
  std::unique_ptr<Expr> having;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
  int64_t offset = 0;
};

}  // namespace rapidbyte::sql
