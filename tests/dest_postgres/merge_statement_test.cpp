// dest-postgres's merge statement (staging table into target): exact SQL for
// append with casts, upsert on single and composite keys, a key-only upsert,
// a change batch's merge, and odd identifiers quoted everywhere.
#include "guest/connectors/dest-postgres/merge_statement.hpp"

#include <gtest/gtest.h>

namespace rapidbyte::test {
namespace {

using connectors::dest_postgres::DeleteMode;
using connectors::dest_postgres::merge_sql;
using connectors::dest_postgres::MergeKind;
using connectors::dest_postgres::MergeStatement;

MergeStatement statement(MergeKind kind, std::vector<std::string> columns,
                         std::vector<std::string> primary_key = {}) {
  MergeStatement out;
  out.kind = kind;
  out.target = R"("public"."users")";
  out.staging = R"("rb_stage")";
  out.columns = std::move(columns);
  out.primary_key = std::move(primary_key);
  return out;
}

TEST(MergeSqlTest, UpsertOnASingleKey) {
  EXPECT_EQ(merge_sql(statement(MergeKind::kUpsert, {"id", "name", "score"}, {"id"})),
            R"(INSERT INTO "public"."users" ("id", "name", "score") SELECT "id", "name", "score" )"
            R"(FROM (SELECT DISTINCT ON ("id") * FROM "rb_stage" ORDER BY "id", "__rb_seq" DESC) )"
            R"(AS s ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", )"
            R"("score" = EXCLUDED."score"; TRUNCATE "rb_stage")");
}

TEST(MergeSqlTest, UpsertOnACompositeKey) {
  // Key columns are neither listed first nor updated.
  EXPECT_EQ(merge_sql(statement(MergeKind::kUpsert, {"v", "tenant", "w", "id"}, {"tenant", "id"})),
            R"(INSERT INTO "public"."users" ("v", "tenant", "w", "id") )"
            R"(SELECT "v", "tenant", "w", "id" FROM (SELECT DISTINCT ON ("tenant", "id") * )"
            R"(FROM "rb_stage" ORDER BY "tenant", "id", "__rb_seq" DESC) AS s )"
            R"(ON CONFLICT ("tenant", "id") DO UPDATE SET "v" = EXCLUDED."v", "w" = EXCLUDED."w"; )"
            R"(TRUNCATE "rb_stage")");
}

TEST(MergeSqlTest, UpsertOfKeyColumnsOnlyDoesNothingOnConflict) {
  EXPECT_EQ(merge_sql(statement(MergeKind::kUpsert, {"tenant", "id"}, {"tenant", "id"})),
            R"(INSERT INTO "public"."users" ("tenant", "id") SELECT "tenant", "id" )"
            R"(FROM (SELECT DISTINCT ON ("tenant", "id") * FROM "rb_stage" )"
            R"(ORDER BY "tenant", "id", "__rb_seq" DESC) AS s ON CONFLICT ("tenant", "id") )"
            R"(DO NOTHING; TRUNCATE "rb_stage")");
}

TEST(MergeSqlTest, AppendSelectsCastsAndTypedNullsInArrivalOrder) {
  MergeStatement append = statement(MergeKind::kAppend, {"id", "amount", "note"});
  append.select_exprs = {"", R"("amount"::numeric(12,2))", "NULL::integer"};
  EXPECT_EQ(merge_sql(append),
            R"(INSERT INTO "public"."users" ("id", "amount", "note") )"
            R"(SELECT "id", "amount"::numeric(12,2), NULL::integer FROM "rb_stage" )"
            R"(ORDER BY "__rb_seq"; TRUNCATE "rb_stage")");
}

TEST(MergeSqlTest, UpsertSelectsCastsInPlaceOfColumns) {
  MergeStatement upsert = statement(MergeKind::kUpsert, {"id", "score"}, {"id"});
  upsert.select_exprs = {"", R"("score"::integer)"};
  EXPECT_EQ(merge_sql(upsert),
            R"(INSERT INTO "public"."users" ("id", "score") SELECT "id", "score"::integer )"
            R"(FROM (SELECT DISTINCT ON ("id") * FROM "rb_stage" ORDER BY "id", "__rb_seq" DESC) )"
            R"(AS s ON CONFLICT ("id") DO UPDATE SET "score" = EXCLUDED."score"; )"
            R"(TRUNCATE "rb_stage")");
}

TEST(MergeSqlTest, QuotesOddIdentifiers) {
  MergeStatement odd =
      statement(MergeKind::kUpsert, {"Key Col", R"(we"ird)", "UPPER"}, {"Key Col"});
  odd.target = R"("My Schema"."Odd""Table")";
  EXPECT_EQ(merge_sql(odd),
            R"(INSERT INTO "My Schema"."Odd""Table" ("Key Col", "we""ird", "UPPER") )"
            R"(SELECT "Key Col", "we""ird", "UPPER" FROM (SELECT DISTINCT ON ("Key Col") * )"
            R"(FROM "rb_stage" ORDER BY "Key Col", "__rb_seq" DESC) AS s )"
            R"(ON CONFLICT ("Key Col") DO UPDATE SET "we""ird" = EXCLUDED."we""ird", )"
            R"("UPPER" = EXCLUDED."UPPER"; TRUNCATE "rb_stage")");
}

TEST(MergeSqlTest, AppliesChangesWithHardDeletes) {
  EXPECT_EQ(merge_sql(statement(MergeKind::kApplyChanges, {"id", "v", "_rb_op"}, {"id"})),
            R"(WITH s AS (SELECT DISTINCT ON ("id") * FROM "rb_stage" )"
            R"(ORDER BY "id", "__rb_seq" DESC), d AS (DELETE FROM "public"."users" AS t USING s )"
            R"(WHERE s."_rb_op" = 'delete' AND t."id" = s."id") )"
            R"(INSERT INTO "public"."users" ("id", "v", "_rb_op") SELECT "id", "v", "_rb_op" )"
            R"(FROM s WHERE s."_rb_op" <> 'delete' ON CONFLICT ("id") )"
            R"(DO UPDATE SET "v" = EXCLUDED."v", "_rb_op" = EXCLUDED."_rb_op"; )"
            R"(TRUNCATE "rb_stage")");
}

TEST(MergeSqlTest, AppliesChangesWithSoftDeletesOnACompositeKey) {
  MergeStatement changes =
      statement(MergeKind::kApplyChanges, {"tenant", "id", "v", "_rb_op"}, {"tenant", "id"});
  changes.delete_mode = DeleteMode::kSoft;
  EXPECT_EQ(merge_sql(changes),
            R"(WITH s AS (SELECT DISTINCT ON ("tenant", "id") * FROM "rb_stage" )"
            R"(ORDER BY "tenant", "id", "__rb_seq" DESC), d AS (UPDATE "public"."users" AS t )"
            R"(SET "_rb_op" = s."_rb_op" FROM s WHERE s."_rb_op" = 'delete' )"
            R"(AND t."tenant" = s."tenant" AND t."id" = s."id") )"
            R"(INSERT INTO "public"."users" ("tenant", "id", "v", "_rb_op") )"
            R"(SELECT "tenant", "id", "v", "_rb_op" FROM s WHERE s."_rb_op" <> 'delete' )"
            R"(ON CONFLICT ("tenant", "id") DO UPDATE SET "v" = EXCLUDED."v", )"
            R"("_rb_op" = EXCLUDED."_rb_op"; TRUNCATE "rb_stage")");
}

}  // namespace
}  // namespace rapidbyte::test
