#include "portable/sql/parser.hpp"

#include <array>

#include "portable/base/try.hpp"
#include "portable/sql/lexer.hpp"

namespace rapidbyte::sql {
namespace {

using ExprPtr = std::unique_ptr<Expr>;

// Words that end an expression or a clause, so they cannot be bare column
// names or aliases (PostgreSQL reserves them too).
constexpr std::array<std::string_view, 33> kReserved = {
    "select", "from", "where",   "group", "having",   "order", "limit", "offset", "and",
    "or",     "not",  "as",      "by",    "distinct", "case",  "when",  "then",   "else",
    "end",    "in",   "between", "like",  "ilike",    "is",    "null",  "true",   "false",
    "cast",   "asc",  "desc",    "all",   "both",     "using"};

bool reserved(const Token& t) {
  if (t.kind != TokenKind::kIdentifier) return false;
  for (std::string_view w : kReserved) {
    if (t.text == w) return true;
  }
  return false;
}

std::string describe_token(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "end of query";
    case TokenKind::kString:
      return "string '" + t.text + "'";
    default:  // identifiers, quoted or not, keywords and symbols
      return "\"" + t.text + "\"";
  }
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<SelectStatement> statement() {
    SelectStatement s;
    if (!peek().is_keyword("select")) return expected("SELECT");
    advance();
    if (peek().is_keyword("distinct")) {
      advance();
      s.distinct = true;
    } else if (peek().is_keyword("all")) {
      advance();
    }
    do {
      RB_ASSIGN_OR_RETURN(auto item, select_item());
      s.items.push_back(std::move(item));
    } while (accept_op(","));
    if (!peek().is_keyword("from")) return expected("FROM or \",\"");
    advance();
    auto table = identifier("table name");
    if (!table) return std::unexpected(table.error());
    s.table = table->text;
    s.table_position = table->position;
    if (accept_keyword("where")) {
      RB_ASSIGN_OR_RETURN(auto e, expr());
      s.where = std::move(e);
    }
    if (accept_keyword("group")) {
      if (!accept_keyword("by")) return expected("BY");
      do {
        RB_ASSIGN_OR_RETURN(auto e, expr());
        s.group_by.push_back(std::move(e));
      } while (accept_op(","));
    }
    if (accept_keyword("having")) {
      RB_ASSIGN_OR_RETURN(auto e, expr());
      s.having = std::move(e);
    }
    if (accept_keyword("order")) {
      if (!accept_keyword("by")) return expected("BY");
      do {
        OrderItem item;
        RB_ASSIGN_OR_RETURN(auto e, expr());
        item.expr = std::move(e);
        if (accept_keyword("desc")) {
          item.descending = true;
        } else {
          accept_keyword("asc");
        }
        if (accept_keyword("nulls")) {
          if (accept_keyword("first")) {
            item.nulls_first = true;
          } else if (accept_keyword("last")) {
            item.nulls_first = false;
          } else {
            return expected("FIRST or LAST");
          }
        }
        s.order_by.push_back(std::move(item));
      } while (accept_op(","));
    }
    // LIMIT and OFFSET in either order, as PostgreSQL accepts.
    for (int i = 0; i < 2; ++i) {
      if (!s.limit && accept_keyword("limit")) {
        if (accept_keyword("all")) continue;
        RB_ASSIGN_OR_RETURN(auto n, count("LIMIT"));
        s.limit = n;
      } else if (accept_keyword("offset")) {
        RB_ASSIGN_OR_RETURN(auto n, count("OFFSET"));
        s.offset = n;
        if (!accept_keyword("rows")) accept_keyword("row");
      }
    }
    accept_op(";");
    if (peek().kind != TokenKind::kEnd) return expected("end of query");
    return s;
  }

 private:
  const Token& peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  const Token& advance() {
    const Token& t = t_[i_];
    if (i_ + 1 < t_.size()) ++i_;
    return t;
  }
  bool accept_keyword(std::string_view w) {
    if (!peek().is_keyword(w)) return false;
    advance();
    return true;
  }
  bool accept_op(std::string_view op) {
    if (!peek().is_operator(op)) return false;
    advance();
    return true;
  }
  std::unexpected<SqlError> expected(std::string_view what) const {
    return syntax_error("expected " + std::string(what) + ", found " + describe_token(peek()),
                        peek().position);
  }
  int64_t prev_end() const {
    if (i_ == 0) return 0;
    const Token& p = t_[i_ - 1];
    // Literal text lost its quotes; the next token's start bounds it well
    // enough, trimmed of spaces by the caller of the text.
    return p.position + static_cast<int64_t>(p.text.size()) +
           (p.kind == TokenKind::kString || p.kind == TokenKind::kQuotedIdentifier ? 2 : 0);
  }

  Result<Token> identifier(std::string_view what) {
    const Token& t = peek();
    if ((t.kind == TokenKind::kIdentifier && !reserved(t)) ||
        t.kind == TokenKind::kQuotedIdentifier) {
      return advance();
    }
    return expected(what);
  }

  Result<int64_t> count(std::string_view clause) {
    const Token& t = peek();
    if (t.kind != TokenKind::kInteger) {
      return syntax_error(
          std::string(clause) + " takes a non-negative integer, found " + describe_token(t),
          t.position);
    }
    advance();
    int64_t v = 0;
    for (char c : t.text) {
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v)) {
        return syntax_error(std::string(clause) + " value is out of range", t.position);
      }
    }
    return v;
  }

  Result<SelectItem> select_item() {
    SelectItem item;
    item.position = peek().position;
    if (accept_op("*")) {
      if (accept_keyword("exclude")) {
        const bool parens = accept_op("(");
        do {
          auto name = identifier("column name");
          if (!name) return std::unexpected(name.error());
          item.exclude.push_back(name->text);
          item.exclude_positions.push_back(name->position);
        } while (parens && accept_op(","));
        if (parens && !accept_op(")")) return expected("\")\"");
      }
      return item;
    }
    RB_ASSIGN_OR_RETURN(auto e, expr());
    item.expr = std::move(e);
    if (accept_keyword("as")) {
      auto alias = identifier("alias");
      if (!alias) return std::unexpected(alias.error());
      item.alias = alias->text;
    } else if ((peek().kind == TokenKind::kIdentifier && !reserved(peek())) ||
               peek().kind == TokenKind::kQuotedIdentifier) {
      item.alias = advance().text;
    }
    return item;
  }

  ExprPtr node(ExprKind kind, int64_t begin) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->begin = begin;
    return e;
  }
  ExprPtr finish(ExprPtr e) {
    e->end = prev_end();
    return e;
  }
  ExprPtr binary(std::string op, ExprPtr l, ExprPtr r) {
    auto e = node(ExprKind::kBinary, l->begin);
    e->name = std::move(op);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return finish(std::move(e));
  }

  Result<ExprPtr> expr() {
    if (++depth_ > kMaxExpressionDepth) {
      return syntax_error("expression nested too deeply", peek().position);
    }
    auto e = or_expr();
    --depth_;
    return e;
  }

  Result<ExprPtr> or_expr() {
    auto l = and_expr();
    if (!l) return l;
    while (accept_keyword("or")) {
      auto r = and_expr();
      if (!r) return r;
      *l = binary("or", std::move(*l), std::move(*r));
    }
    return l;
  }
  Result<ExprPtr> and_expr() {
    auto l = not_expr();
    if (!l) return l;
    while (accept_keyword("and")) {
      auto r = not_expr();
      if (!r) return r;
      *l = binary("and", std::move(*l), std::move(*r));
    }
    return l;
  }
  Result<ExprPtr> not_expr() {
    if (peek().is_keyword("not")) {
      const int64_t begin = advance().position;
      if (++depth_ > kMaxExpressionDepth) {
        return syntax_error("expression nested too deeply", peek().position);
      }
      auto operand = not_expr();
      --depth_;
      if (!operand) return operand;
      auto e = node(ExprKind::kUnary, begin);
      e->name = "not";
      e->args.push_back(std::move(*operand));
      return finish(std::move(e));
    }
    return is_expr();
  }
  Result<ExprPtr> is_expr() {
    auto l = comparison();
    if (!l) return l;
    while (peek().is_keyword("is")) {
      advance();
      const bool negated = accept_keyword("not");
      ExprPtr e;
      if (accept_keyword("null")) {
        e = node(ExprKind::kIsNull, (*l)->begin);
      } else if (peek().is_keyword("true") || peek().is_keyword("false")) {
        e = node(ExprKind::kIsBool, (*l)->begin);
        e->name = advance().text;
      } else if (accept_keyword("distinct")) {
        if (!accept_keyword("from")) return expected("FROM");
        auto r = comparison();
        if (!r) return r;
        e = node(ExprKind::kDistinctFrom, (*l)->begin);
        e->args.push_back(std::move(*l));
        e->args.push_back(std::move(*r));
        e->negated = negated;
        *l = finish(std::move(e));
        continue;
      } else {
        return expected("NULL, TRUE, FALSE or DISTINCT FROM after IS");
      }
      e->negated = negated;
      e->args.push_back(std::move(*l));
      *l = finish(std::move(e));
    }
    return l;
  }
  Result<ExprPtr> comparison() {
    auto l = predicate();
    if (!l) return l;
    static constexpr std::string_view kOps[] = {"=", "<>", "<", "<=", ">", ">="};
    while (true) {
      std::string op;
      for (std::string_view o : kOps) {
        if (peek().is_operator(o)) op = o;
      }
      if (op.empty()) return l;
      advance();
      auto r = predicate();
      if (!r) return r;
      *l = binary(op, std::move(*l), std::move(*r));
    }
  }
  // BETWEEN, IN, LIKE, ILIKE (with an optional NOT in front).
  Result<ExprPtr> predicate() {
    auto l = concat();
    if (!l) return l;
    while (true) {
      bool negated = false;
      if (peek().is_keyword("not") && (peek(1).is_keyword("between") || peek(1).is_keyword("in") ||
                                       peek(1).is_keyword("like") || peek(1).is_keyword("ilike"))) {
        advance();
        negated = true;
      }
      if (accept_keyword("between")) {
        auto lo = concat();
        if (!lo) return lo;
        if (!accept_keyword("and")) return expected("AND in BETWEEN");
        auto hi = concat();
        if (!hi) return hi;
        auto e = node(ExprKind::kBetween, (*l)->begin);
        e->negated = negated;
        e->args.push_back(std::move(*l));
        e->args.push_back(std::move(*lo));
        e->args.push_back(std::move(*hi));
        *l = finish(std::move(e));
      } else if (accept_keyword("in")) {
        if (!accept_op("(")) return expected("\"(\" after IN");
        auto e = node(ExprKind::kIn, (*l)->begin);
        e->negated = negated;
        e->args.push_back(std::move(*l));
        do {
          auto v = expr();
          if (!v) return v;
          e->args.push_back(std::move(*v));
        } while (accept_op(","));
        if (!accept_op(")")) return expected("\")\" or \",\" in IN list");
        *l = finish(std::move(e));
      } else if (peek().is_keyword("like") || peek().is_keyword("ilike")) {
        auto e = node(ExprKind::kLike, (*l)->begin);
        e->name = advance().text;
        e->negated = negated;
        auto pattern = concat();
        if (!pattern) return pattern;
        e->args.push_back(std::move(*l));
        e->args.push_back(std::move(*pattern));
        if (accept_keyword("escape")) {
          auto esc = concat();
          if (!esc) return esc;
          e->args.push_back(std::move(*esc));
        }
        *l = finish(std::move(e));
      } else {
        return l;
      }
    }
  }
  Result<ExprPtr> concat() {
    auto l = additive();
    if (!l) return l;
    while (accept_op("||")) {
      auto r = additive();
      if (!r) return r;
      *l = binary("||", std::move(*l), std::move(*r));
    }
    return l;
  }
  Result<ExprPtr> additive() {
    auto l = multiplicative();
    if (!l) return l;
    while (peek().is_operator("+") || peek().is_operator("-")) {
      std::string op = advance().text;
      auto r = multiplicative();
      if (!r) return r;
      *l = binary(op, std::move(*l), std::move(*r));
    }
    return l;
  }
  Result<ExprPtr> multiplicative() {
    auto l = unary();
    if (!l) return l;
    while (peek().is_operator("*") || peek().is_operator("/") || peek().is_operator("%")) {
      std::string op = advance().text;
      auto r = unary();
      if (!r) return r;
      *l = binary(op, std::move(*l), std::move(*r));
    }
    return l;
  }
  Result<ExprPtr> unary() {
    if (peek().is_operator("-") || peek().is_operator("+")) {
      const Token& op = advance();
      const int64_t begin = op.position;
      const std::string name = op.text;
      if (++depth_ > kMaxExpressionDepth) {
        return syntax_error("expression nested too deeply", peek().position);
      }
      auto operand = unary();
      --depth_;
      if (!operand) return operand;
      // Fold "-<number>" into the literal, so -2147483648 is an integer.
      if (name == "-" && (*operand)->kind == ExprKind::kLiteral &&
          ((*operand)->literal_kind == LiteralKind::kInteger ||
           (*operand)->literal_kind == LiteralKind::kDecimal) &&
          (*operand)->literal[0] != '-') {
        (*operand)->literal.insert(0, "-");
        (*operand)->begin = begin;
        return operand;
      }
      auto e = node(ExprKind::kUnary, begin);
      e->name = name;
      e->args.push_back(std::move(*operand));
      return finish(std::move(e));
    }
    return postfix();
  }
  Result<ExprPtr> postfix() {
    auto e = primary();
    if (!e) return e;
    while (true) {
      if (accept_op("::")) {
        auto type = type_name();
        if (!type) return std::unexpected(type.error());
        auto c = node(ExprKind::kCast, (*e)->begin);
        c->type = std::move(*type);
        c->args.push_back(std::move(*e));
        *e = finish(std::move(c));
      } else if (accept_op("[")) {
        auto index = expr();
        if (!index) return index;
        if (!accept_op("]")) return expected("\"]\"");
        auto s = node(ExprKind::kSubscript, (*e)->begin);
        s->args.push_back(std::move(*e));
        s->args.push_back(std::move(*index));
        *e = finish(std::move(s));
      } else {
        return e;
      }
    }
  }

  // A type name; multi-word names (double precision, timestamp with time
  // zone, character varying) are folded into one canonical name.
  Result<TypeName> type_name() {
    const Token& t = peek();
    if (t.kind != TokenKind::kIdentifier) return expected("type name");
    advance();
    TypeName type;
    const std::string& w = t.text;
    if (w == "smallint" || w == "int2") {
      type.name = "smallint";
    } else if (w == "integer" || w == "int" || w == "int4") {
      type.name = "integer";
    } else if (w == "bigint" || w == "int8") {
      type.name = "bigint";
    } else if (w == "double") {
      if (!accept_keyword("precision")) return expected("PRECISION after DOUBLE");
      type.name = "double";
    } else if (w == "float8" || w == "float" || w == "real" || w == "float4") {
      type.name = "double";  // real is computed as float8 too, see docs/SQL.md
    } else if (w == "numeric" || w == "decimal") {
      type.name = "numeric";
    } else if (w == "text" || w == "varchar" || w == "character" || w == "char" || w == "bpchar") {
      if (w == "character") accept_keyword("varying");
      type.name = "text";
    } else if (w == "boolean" || w == "bool") {
      type.name = "boolean";
    } else if (w == "date") {
      type.name = "date";
    } else if (w == "timestamp" || w == "timestamptz") {
      type.name = w;
      if (w == "timestamp" && (peek().is_keyword("with") || peek().is_keyword("without"))) {
        const bool with = advance().text == "with";
        if (!accept_keyword("time") || !accept_keyword("zone")) return expected("TIME ZONE");
        if (with) type.name = "timestamptz";
      }
    } else if (w == "interval") {
      type.name = "interval";
    } else {
      return syntax_error("type \"" + w + "\" does not exist", t.position);
    }
    if (accept_op("(")) {
      const Token& p = peek();
      if (p.kind != TokenKind::kInteger) return expected("type modifier");
      advance();
      type.precision = std::stoi(p.text.size() > 9 ? "999999999" : p.text);
      if (accept_op(",")) {
        const Token& s = peek();
        if (s.kind != TokenKind::kInteger) return expected("numeric scale");
        advance();
        type.scale = std::stoi(s.text.size() > 9 ? "999999999" : s.text);
      }
      if (!accept_op(")")) return expected("\")\"");
      if (type.name != "numeric") type.precision = type.scale = -1;  // varchar(n) etc.
    }
    if (type.name == "timestamp" && (peek().is_keyword("with") || peek().is_keyword("without"))) {
      const bool with = advance().text == "with";
      if (!accept_keyword("time") || !accept_keyword("zone")) return expected("TIME ZONE");
      if (with) type.name = "timestamptz";
    }
    return type;
  }

  Result<ExprPtr> primary() {
    const Token& t = peek();
    const int64_t begin = t.position;
    switch (t.kind) {
      case TokenKind::kInteger:
      case TokenKind::kDecimal:
      case TokenKind::kString: {
        auto e = node(ExprKind::kLiteral, begin);
        e->literal_kind = t.kind == TokenKind::kInteger   ? LiteralKind::kInteger
                          : t.kind == TokenKind::kDecimal ? LiteralKind::kDecimal
                                                          : LiteralKind::kString;
        e->literal = advance().text;
        return finish(std::move(e));
      }
      case TokenKind::kOperator:
        if (t.is_operator("(")) {
          advance();
          auto e = expr();
          if (!e) return e;
          if (!accept_op(")")) return expected("\")\"");
          (*e)->begin = begin;
          (*e)->end = prev_end();
          return e;
        }
        return expected("an expression");
      case TokenKind::kEnd:
        return expected("an expression");
      case TokenKind::kQuotedIdentifier: {
        auto e = node(ExprKind::kColumn, begin);
        e->name = advance().text;
        e->quoted = true;
        return finish(std::move(e));
      }
      case TokenKind::kIdentifier:
        break;
    }
    const std::string& w = t.text;
    if (w == "null" || w == "true" || w == "false") {
      advance();
      auto e = node(ExprKind::kLiteral, begin);
      e->literal_kind = w == "null" ? LiteralKind::kNull : LiteralKind::kBool;
      e->literal = w == "true" ? "t" : "f";
      return finish(std::move(e));
    }
    if (w == "case") return case_expr();
    if (w == "cast" && peek(1).is_operator("(")) {
      advance();
      advance();
      auto operand = expr();
      if (!operand) return operand;
      if (!accept_keyword("as")) return expected("AS in CAST");
      auto type = type_name();
      if (!type) return std::unexpected(type.error());
      if (!accept_op(")")) return expected("\")\"");
      auto e = node(ExprKind::kCast, begin);
      e->type = std::move(*type);
      e->args.push_back(std::move(*operand));
      return finish(std::move(e));
    }
    // Typed literals: date '2024-01-01', timestamp '...', interval '1 day'.
    if ((w == "date" || w == "timestamp" || w == "timestamptz" || w == "interval" || w == "time") &&
        (peek(1).kind == TokenKind::kString ||
         (w == "timestamp" && (peek(1).is_keyword("with") || peek(1).is_keyword("without"))))) {
      auto type = type_name();
      if (!type) return std::unexpected(type.error());
      if (peek().kind != TokenKind::kString) return expected("string literal");
      auto lit = node(ExprKind::kLiteral, peek().position);
      lit->literal_kind = LiteralKind::kString;
      lit->literal = advance().text;
      lit = finish(std::move(lit));
      auto e = node(ExprKind::kCast, begin);
      e->type = std::move(*type);
      e->args.push_back(std::move(lit));
      return finish(std::move(e));
    }
    if (reserved(t)) return expected("an expression");
    advance();
    if (w == "current_timestamp" || w == "current_date" || w == "localtimestamp") {
      auto e = node(ExprKind::kFunction, begin);
      e->name = w;
      return finish(std::move(e));
    }
    if (!peek().is_operator("(")) {
      auto e = node(ExprKind::kColumn, begin);
      e->name = w;
      return finish(std::move(e));
    }
    advance();
    auto e = node(ExprKind::kFunction, begin);
    e->name = w;
    if (w == "extract") return extract_args(std::move(e));
    if (w == "trim") return trim_args(std::move(e));
    if (w == "substring") return substring_args(std::move(e));
    if (accept_op("*")) {
      e->star = true;
    } else if (!peek().is_operator(")")) {
      if (accept_keyword("distinct")) e->distinct = true;
      do {
        auto a = expr();
        if (!a) return a;
        e->args.push_back(std::move(*a));
      } while (accept_op(","));
    }
    if (!accept_op(")")) return expected("\")\" or \",\" in argument list");
    return finish(std::move(e));
  }

  ExprPtr string_literal(std::string value, int64_t at) {
    auto lit = node(ExprKind::kLiteral, at);
    lit->literal_kind = LiteralKind::kString;
    lit->literal = std::move(value);
    lit->end = at;
    return lit;
  }

  // EXTRACT(field FROM source) is date_part's SQL-standard spelling.
  Result<ExprPtr> extract_args(ExprPtr e) {
    const Token& f = peek();
    if (f.kind != TokenKind::kIdentifier && f.kind != TokenKind::kString) {
      return expected("field name in EXTRACT");
    }
    advance();
    e->args.push_back(string_literal(f.text, f.position));
    if (!accept_keyword("from")) return expected("FROM in EXTRACT");
    auto source = expr();
    if (!source) return source;
    e->args.push_back(std::move(*source));
    if (!accept_op(")")) return expected("\")\"");
    return finish(std::move(e));
  }

  // TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) or TRIM(s [, chars]) become
  // btrim/ltrim/rtrim(s, chars).
  Result<ExprPtr> trim_args(ExprPtr e) {
    e->name = "btrim";
    if (accept_keyword("both")) {
    } else if (accept_keyword("leading")) {
      e->name = "ltrim";
    } else if (accept_keyword("trailing")) {
      e->name = "rtrim";
    }
    ExprPtr chars;
    if (!accept_keyword("from")) {
      auto first = expr();
      if (!first) return first;
      if (accept_keyword("from")) {
        chars = std::move(*first);
      } else {
        e->args.push_back(std::move(*first));
        if (accept_op(",")) {
          auto c = expr();
          if (!c) return c;
          e->args.push_back(std::move(*c));
        }
        if (!accept_op(")")) return expected("\")\"");
        return finish(std::move(e));
      }
    }
    auto source = expr();
    if (!source) return source;
    e->args.push_back(std::move(*source));
    if (chars) e->args.push_back(std::move(chars));
    if (!accept_op(")")) return expected("\")\"");
    return finish(std::move(e));
  }

  // SUBSTRING(s FROM start [FOR count]) or SUBSTRING(s, start [, count]).
  Result<ExprPtr> substring_args(ExprPtr e) {
    e->name = "substr";
    auto source = expr();
    if (!source) return source;
    e->args.push_back(std::move(*source));
    const bool keywords = accept_keyword("from");
    if (keywords || accept_op(",")) {
      auto start = expr();
      if (!start) return start;
      e->args.push_back(std::move(*start));
      if (keywords ? accept_keyword("for") : accept_op(",")) {
        auto n = expr();
        if (!n) return n;
        e->args.push_back(std::move(*n));
      }
    }
    if (!accept_op(")")) return expected("\")\"");
    return finish(std::move(e));
  }

  Result<ExprPtr> case_expr() {
    auto e = node(ExprKind::kCase, advance().position);
    if (!peek().is_keyword("when")) {
      auto operand = expr();
      if (!operand) return operand;
      e->has_operand = true;
      e->args.push_back(std::move(*operand));
    }
    if (!peek().is_keyword("when")) return expected("WHEN");
    while (accept_keyword("when")) {
      auto cond = expr();
      if (!cond) return cond;
      if (!accept_keyword("then")) return expected("THEN");
      auto value = expr();
      if (!value) return value;
      e->args.push_back(std::move(*cond));
      e->args.push_back(std::move(*value));
    }
    if (accept_keyword("else")) {
      auto value = expr();
      if (!value) return value;
      e->has_else = true;
      e->args.push_back(std::move(*value));
    }
    if (!accept_keyword("end")) return expected("END or WHEN in CASE");
    return finish(std::move(e));
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<SelectStatement> parse_select(std::string_view query) {
  RB_ASSIGN_OR_RETURN(auto tokens, tokenize(query));
  return Parser(std::move(tokens)).statement();
}

}  // namespace rapidbyte::sql
