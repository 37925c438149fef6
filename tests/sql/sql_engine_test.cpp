// Unit tests of the SQL engine without a server: lexer and parser errors
// with positions, binder errors, kernels over Arrow batches (NULLs,
// overflow, selection-driven CASE) and LIKE (regular expressions: tests/regex).
#include <gtest/gtest.h>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/extension_type.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/base/try.hpp"
#include "portable/sql/datetime.hpp"
#include "portable/sql/function_registry.hpp"
#include "portable/sql/like.hpp"
#include "portable/sql/parser.hpp"
#include "portable/sql/query.hpp"

namespace rapidbyte::sql {
namespace {

arrow::RecordBatch sample() {
  arrow::PrimitiveBuilder<int32_t> a(arrow::int32());
  arrow::PrimitiveBuilder<int32_t> b(arrow::int32());
  arrow::StringBuilder s;
  const int32_t av[] = {1, 2, 3, 2147483647};
  const int32_t bv[] = {1, 0, 3, 2};
  const char* sv[] = {"alpha", "beta", nullptr, "Gamma"};
  for (int i = 0; i < 4; ++i) {
    a.append(av[i]);
    b.append(bv[i]);
    if (sv[i]) {
      s.append(std::string_view(sv[i]));
    } else {
      s.append_null();
    }
  }
  auto schema =
      arrow::make_schema({arrow::field("a", arrow::int32()), arrow::field("b", arrow::int32()),
                          arrow::field("s", arrow::utf8())});
  return arrow::RecordBatch(schema, {*a.finish(), *b.finish(), *s.finish()}, 4);
}

Result<arrow::RecordBatch> run(const std::string& text) {
  RB_ASSIGN_OR_RETURN(auto q, Query::prepare(text));
  return q.execute(sample());
}

std::string error_of(const std::string& text) {
  auto r = run(text);
  if (r) return "no error";
  return describe(r.error(), text);
}

TEST(SqlParser, SyntaxErrorsNamePosition) {
  EXPECT_EQ(error_of("SELECT a FROM input WHERE"),
            "syntax error at line 1, column 26: expected an expression, found end of query");
  EXPECT_EQ(error_of("SELECT a,\n  FROM input"),
            "syntax error at line 2, column 3: expected an expression, found \"from\"");
  EXPECT_EQ(error_of("SELECT 'abc FROM input"),
            "syntax error at line 1, column 8: unterminated quoted string");
}

TEST(SqlBinder, UnknownColumnAndFunction) {
  EXPECT_EQ(error_of("SELECT nope FROM input"),
            "query error at line 1, column 8: column \"nope\" does not exist");
  EXPECT_EQ(error_of("SELECT frob(a) FROM input"),
            "query error at line 1, column 8: function frob(integer) does not exist");
  EXPECT_EQ(error_of("SELECT a FROM other"),
            "query error at line 1, column 15: relation \"other\" does not exist (the batch is "
            "table \"input\")");
  EXPECT_EQ(error_of("SELECT a, count(*) FROM input"),
            "query error at line 1, column 8: column \"a\" must appear in the GROUP BY clause or "
            "be used in an aggregate function");
}

// The checks transform-sql's validate runs before any schema is known.
TEST(SqlCheck, NeedsNoSchema) {
  auto check = [](const std::string& text) -> std::string {
    auto q = Query::prepare(text);
    if (!q) return describe(q.error(), text);
    auto ok = q->check();
    return ok ? "ok" : describe(ok.error(), text);
  };
  EXPECT_EQ(check("SELECT nope, upper(s) FROM input WHERE a > 1"), "ok");
  EXPECT_EQ(check("SELECT a,\n  lowr(s) FROM input"),
            "query error at line 2, column 3: function lowr does not exist");
  EXPECT_EQ(check("SELECT a FROM input WHERE count(*) > 1"),
            "query error at line 1, column 27: aggregate functions are not allowed in WHERE");
  EXPECT_EQ(check("SELECT a FROM events"),
            "query error at line 1, column 15: relation \"events\" does not exist (the batch is "
            "table \"input\")");
  EXPECT_EQ(check("SELECT coalesce(a, 1), sum(b), now() FROM input GROUP BY a"), "ok");
}

// The registry is the one list of scalar functions: the names the checks
// accept before binding are the names that resolve, each registered once.
TEST(SqlFunctions, RegistryIsTheListOfScalarFunctions) {
  std::vector<std::string_view> names;
  for (const FunctionEntry& f : function_registry()) names.push_back(f.name);
  EXPECT_TRUE(std::ranges::is_sorted(names));
  EXPECT_EQ(std::ranges::adjacent_find(names), names.end());
  const std::vector<std::string_view> expected = {
      "abs",          "btrim",        "ceil",
      "ceiling",      "char_length",  "character_length",
      "concat",       "current_date", "current_timestamp",
      "date_part",    "date_trunc",   "extract",
      "floor",        "greatest",     "least",
      "left",         "length",       "localtimestamp",
      "lower",        "ltrim",        "md5",
      "mod",          "now",          "nullif",
      "octet_length", "pow",          "power",
      "regexp_like",  "regexp_match", "regexp_replace",
      "replace",      "reverse",      "right",
      "round",        "rtrim",        "sha256",
      "sign",         "split_part",   "sqrt",
      "starts_with",  "substr",       "trunc",
      "upper"};
  EXPECT_EQ(names, expected);
  for (std::string_view name : names) EXPECT_TRUE(is_scalar_function(name)) << name;
  EXPECT_TRUE(is_scalar_function("coalesce"));
  EXPECT_FALSE(is_scalar_function("frob"));
  EXPECT_FALSE(is_scalar_function("count"));
  const FunctionArg text{make_type(TypeId::kText)};
  auto unknown = resolve_function("frob", std::span(&text, 1), {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "function frob(text) does not exist");
}

// The columns a plan reads: what transform-sql decodes of each batch.
TEST(SqlQuery, InputColumnsAreTheColumnsThePlanReads) {
  auto columns = [](const std::string& text) {
    auto q = Query::prepare(text);
    EXPECT_TRUE(q);
    EXPECT_TRUE(q->bind(sample().schema()));
    return q->input_columns();
  };
  EXPECT_EQ(columns("SELECT s FROM input WHERE a > 1"), (std::vector<int>{0, 2}));
  EXPECT_EQ(columns("SELECT b + 1 AS c FROM input ORDER BY a"), (std::vector<int>{0, 1}));
  EXPECT_EQ(columns("SELECT s, count(*) FROM input GROUP BY s ORDER BY 2"), (std::vector<int>{2}));
  EXPECT_EQ(columns("SELECT * EXCLUDE (b) FROM input"), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(columns("SELECT 1 AS one FROM input"), (std::vector<int>{}));
  // A batch of just those columns gives the same result.
  auto q = Query::prepare("SELECT upper(s) AS u, a * 2 AS d FROM input WHERE a < 3");
  ASSERT_TRUE(q);
  const arrow::RecordBatch full = sample();
  auto whole = q->execute(full);
  ASSERT_TRUE(whole);
  auto narrow_schema = arrow::make_schema({full.schema()->field(0), full.schema()->field(2)});
  auto narrow = q->execute(arrow::RecordBatch(narrow_schema, {full.column(0), full.column(2)}, 4));
  ASSERT_TRUE(narrow) << narrow.error().message;
  ASSERT_EQ(narrow->num_rows(), whole->num_rows());
  EXPECT_EQ(arrow::StringArray(narrow->column(0)).value(1), "BETA");
  EXPECT_EQ(arrow::Int32Array(narrow->column(1)).value(1), 4);
}

TEST(SqlRuntime, DivisionByZeroNamesRowAndExpression) {
  EXPECT_EQ(error_of("SELECT a / b FROM input"), "row 1: division by zero in \"a / b\"");
  EXPECT_EQ(error_of("SELECT a + 1 FROM input"), "row 3: integer out of range in \"a + 1\"");
  // -2^63, whose absolute value no bigint holds.
  EXPECT_EQ(error_of("SELECT abs(CAST(-a - 1 AS bigint) * 4294967296) FROM input"),
            "row 3: bigint out of range in \"abs(CAST(-a - 1 AS bigint) * 4294967296)\"");
  // A date plus any bigint: refused, not wrapped (found by the SQL fuzzer).
  EXPECT_EQ(error_of("SELECT DATE '1970-01-02' + 9223372036854775807 FROM input"),
            "query error at line 1, column 8: date out of range");
}

TEST(SqlRuntime, CaseEvaluatesBranchesOnlyWhereTaken) {
  auto r = run("SELECT CASE WHEN b <> 0 THEN a / b ELSE -1 END AS q FROM input");
  ASSERT_TRUE(r) << r.error().message;
  const arrow::Int32Array q(r->column(0));
  EXPECT_EQ(q.value(0), 1);
  EXPECT_EQ(q.value(1), -1);
  EXPECT_EQ(q.value(2), 1);
}

TEST(SqlRuntime, FilterProjectionAndPassthrough) {
  auto r = run("SELECT s, upper(s) AS u FROM input WHERE a < 3 AND s LIKE '%a' ORDER BY s DESC");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->num_rows(), 2);
  const arrow::StringArray u(r->column(1));
  EXPECT_EQ(u.value(0), "BETA");
  EXPECT_EQ(u.value(1), "ALPHA");
}

// Columns the engine passes through without computing on them (uuid here)
// still tell their values apart in DISTINCT.
TEST(SqlRuntime, DistinctKeepsDifferentOpaqueValues) {
  arrow::FixedSizeBinaryBuilder ids(arrow::fixed_size_binary(16));
  const std::string one(16, '\x01'), two(16, '\x02');
  for (const std::string* v : {&one, &two, &one}) ids.append(std::string_view(*v));
  ids.append_null();
  auto schema = arrow::make_schema({arrow::uuid_field("id")});
  const arrow::RecordBatch batch(schema, {*ids.finish()}, 4);
  auto q = Query::prepare("SELECT DISTINCT id FROM input");
  ASSERT_TRUE(q) << q.error().message;
  auto r = q->execute(batch);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->num_rows(), 3);  // one, two, NULL
}

TEST(SqlLike, Patterns) {
  EXPECT_TRUE(LikePattern("a%c", false).matches("abbbc"));
  EXPECT_FALSE(LikePattern("a_c", false).matches("abbc"));
  EXPECT_TRUE(LikePattern("a_c", false).matches("aéc"));
  EXPECT_TRUE(LikePattern("50\\%", false).matches("50%"));
  EXPECT_TRUE(LikePattern("%B%", true).matches("abc"));
}

TEST(SqlInterval, UnitsFractionsAndClockParts) {
  using arrow::MonthDayNano;
  constexpr int64_t kSecond = 1000000000;
  EXPECT_EQ(parse_interval("1 year 2 mons"), (MonthDayNano{14, 0, 0}));
  EXPECT_EQ(parse_interval("1.5 months"), (MonthDayNano{1, 15, 0}));
  EXPECT_EQ(parse_interval("2 weeks -1 day"), (MonthDayNano{0, 13, 0}));
  EXPECT_EQ(parse_interval("1.5 days"), (MonthDayNano{0, 1, 43200 * kSecond}));
  EXPECT_EQ(parse_interval("2 hours 30 min 1.25 s"),
            (MonthDayNano{0, 0, 9001 * kSecond + kSecond / 4}));
  EXPECT_EQ(parse_interval("90"), (MonthDayNano{0, 0, 90 * kSecond}));
  EXPECT_EQ(parse_interval("1.5 ms 7 us"), (MonthDayNano{0, 0, 1507000}));
  EXPECT_EQ(parse_interval("-01:02:03.5"), (MonthDayNano{0, 0, -(3723 * kSecond + kSecond / 2)}));
  EXPECT_EQ(parse_interval("3 fortnights"), std::nullopt);
  EXPECT_EQ(parse_interval(""), std::nullopt);
}

TEST(SqlInterval, OverflowIsRefusedNotWrapped) {
  // Each of these overflowed int64 arithmetic before it was checked.
  EXPECT_EQ(parse_interval("177777777777777777"), std::nullopt);
  EXPECT_EQ(parse_interval("999999999999999999 hours"), std::nullopt);
  EXPECT_EQ(parse_interval("999999999999999999 years"), std::nullopt);
  EXPECT_EQ(parse_interval("9000000000000000 us 9000000000000000 us"), std::nullopt);
  EXPECT_EQ(parse_interval("2147483648 days"), std::nullopt);
  EXPECT_EQ(parse_interval("2147483647 days"), (arrow::MonthDayNano{0, 2147483647, 0}));
}

}  // namespace
}  // namespace rapidbyte::sql
