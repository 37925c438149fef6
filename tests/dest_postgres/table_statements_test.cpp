// dest-postgres's statement texts besides the merge: exact SQL, with plain
// and odd names (quotes, capitals, spaces) quoted.
#include "guest/connectors/dest-postgres/table_statements.hpp"

#include <gtest/gtest.h>

namespace rapidbyte::test {
namespace {

using connectors::dest_postgres::add_column_sql;
using connectors::dest_postgres::copy_in_sql;
using connectors::dest_postgres::insert_head_sql;
using connectors::dest_postgres::replace_staging_table;
using connectors::dest_postgres::replace_swap_sql;
using connectors::postgres_common::TableName;

TEST(TableStatementsTest, AddColumnQuotesTheName) {
  EXPECT_EQ(add_column_sql(R"("public"."users")", "extra", "integer"),
            R"(ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "extra" integer)");
  EXPECT_EQ(
      add_column_sql(R"("public"."users")", R"(New "Col" X)", "numeric(12, 2)"),
      R"(ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "New ""Col"" X" numeric(12, 2))");
}

TEST(TableStatementsTest, LoadHeadsListTheColumns) {
  const std::vector<std::string> columns = {"id", "Name", R"(a "b" c)"};
  EXPECT_EQ(copy_in_sql(R"("rb_stage")", columns),
            R"(COPY "rb_stage" ("id", "Name", "a ""b"" c") FROM STDIN (FORMAT binary))");
  EXPECT_EQ(insert_head_sql(R"("public"."users")", columns),
            R"(INSERT INTO "public"."users" ("id", "Name", "a ""b"" c") VALUES )");
}

TEST(TableStatementsTest, ReplaceStagesBesideTheTarget) {
  const TableName staging = replace_staging_table({"sales", "Orders"});
  EXPECT_EQ(staging.schema, "sales");
  EXPECT_EQ(staging.table, "Orders__rb_replace");
  EXPECT_EQ(staging.quoted(), R"("sales"."Orders__rb_replace")");
}

TEST(TableStatementsTest, ReplaceSwapRenamesTableAndKeyIndex) {
  EXPECT_EQ(replace_swap_sql({"public", "users"}),
            R"(DROP TABLE IF EXISTS "public"."users"; )"
            R"(ALTER TABLE "public"."users__rb_replace" RENAME TO "users"; )"
            R"(ALTER INDEX IF EXISTS "public"."users__rb_replace_pkey" RENAME TO "users_pkey")");
  EXPECT_EQ(replace_swap_sql({"My Schema", R"(Odd"T)"}),
            R"(DROP TABLE IF EXISTS "My Schema"."Odd""T"; )"
            R"(ALTER TABLE "My Schema"."Odd""T__rb_replace" RENAME TO "Odd""T"; )"
            R"(ALTER INDEX IF EXISTS "My Schema"."Odd""T__rb_replace_pkey" )"
            R"(RENAME TO "Odd""T_pkey")");
}

}  // namespace
}  // namespace rapidbyte::test
