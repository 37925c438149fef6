// dest-postgres's reconcile plan of a batch's schema against an existing
// table, for each schema_evolution policy: the action per column, the cast
// or typed NULL the merge selects, the warning, and the exact error of a
// refused difference.
#include "guest/connectors/dest-postgres/reconcile_plan.hpp"

#include <gtest/gtest.h>

#include "portable/postgres/codec/type_oids.hpp"

namespace rapidbyte::test {
namespace {

using connectors::dest_postgres::check_removed_columns;
using connectors::dest_postgres::ColumnAction;
using connectors::dest_postgres::ColumnDecision;
using connectors::dest_postgres::plan_reconcile;
using connectors::dest_postgres::ReconcilePlan;
using connectors::dest_postgres::ReconcileRules;
using connectors::dest_postgres::TableColumn;
using connectors::dest_postgres::target_problems;
namespace oid = postgres::oid;

TableColumn column(std::string name, std::string type_name, uint32_t type_oid,
                   bool not_null = false) {
  return {std::move(name), std::move(type_name), {type_oid, -1}, not_null};
}

// "public"."users" (id bigint NOT NULL, name text, score integer).
std::vector<TableColumn> users_table() {
  return {column("id", "bigint", oid::kInt8, true), column("name", "text", oid::kText),
          column("score", "integer", oid::kInt4)};
}

std::vector<arrow::Field> users_fields() {
  return {arrow::field("id", arrow::int64(), false), arrow::field("name", arrow::utf8()),
          arrow::field("score", arrow::int32())};
}

std::shared_ptr<const arrow::Schema> with(std::vector<arrow::Field> fields) {
  return arrow::make_schema(std::move(fields));
}

ReconcileRules rules() {
  ReconcileRules out;
  out.stream_name = "users";
  out.target = R"("public"."users")";
  return out;
}

std::vector<ColumnAction> actions(const ReconcilePlan& plan) {
  std::vector<ColumnAction> out;
  for (const ColumnDecision& c : plan.columns) out.push_back(c.action);
  return out;
}

// The plan's error as "CODE: message", or "planned".
std::string refusal(const std::vector<TableColumn>& table, const arrow::Schema& schema,
                    const ReconcileRules& r) {
  auto plan = plan_reconcile(table, schema, r);
  if (plan) return "planned";
  EXPECT_EQ(plan.error().category, protocol::ErrorCategory::kSchema);
  return plan.error().code + ": " + plan.error().message;
}

constexpr ColumnAction kWrite = ColumnAction::kWrite;

TEST(ReconcilePlanTest, MatchingSchemaWritesEveryColumnAsItIs) {
  auto plan = plan_reconcile(users_table(), *with(users_fields()), rules());
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan), (std::vector<ColumnAction>{kWrite, kWrite, kWrite}));
  ASSERT_EQ(plan->columns.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(plan->columns[i].input_index, i);
    EXPECT_EQ(plan->columns[i].name, users_table()[i].name);
    EXPECT_EQ(plan->columns[i].type.type_oid, users_table()[i].type.type_oid);
    EXPECT_EQ(plan->columns[i].select_expr, "");
  }
  EXPECT_TRUE(plan->warnings.empty());
  EXPECT_FALSE(plan->adds_columns());
  EXPECT_FALSE(plan->stages_types());
}

TEST(ReconcilePlanTest, NewColumnAddIsAddedWithItsMappedType) {
  auto fields = users_fields();
  fields.insert(fields.begin() + 1, arrow::field("extra", arrow::int32()));
  auto plan = plan_reconcile(users_table(), *with(fields), rules());
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan),
            (std::vector<ColumnAction>{kWrite, ColumnAction::kAdd, kWrite, kWrite}));
  EXPECT_EQ(plan->columns[1].name, "extra");
  EXPECT_EQ(plan->columns[1].input_index, 1);
  EXPECT_EQ(plan->columns[1].add_type, "integer");
  EXPECT_TRUE(plan->adds_columns());
  EXPECT_FALSE(plan->stages_types());
}

TEST(ReconcilePlanTest, AddedColumnIsCheckedAgainstTheTypeTheServerGaveIt) {
  // uint32 is added as bigint, which reads back as int64: a plan over the
  // altered table sees a type change.
  auto fields = users_fields();
  fields.push_back(arrow::field("extra", arrow::uint32()));
  auto first = plan_reconcile(users_table(), *with(fields), rules());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->columns[3].action, ColumnAction::kAdd);
  EXPECT_EQ(first->columns[3].add_type, "bigint");

  auto altered = users_table();
  altered.push_back(column("extra", "bigint", oid::kInt8));
  EXPECT_EQ(refusal(altered, *with(fields), rules()),
            R"(TYPE_CHANGE: column 'extra' of "public"."users" has type bigint, but stream )"
            R"('users' sends uint32 (schema_evolution.type_change is fail))");
  ReconcileRules coerce = rules();
  coerce.evolution.type_change = protocol::TypeChangePolicy::kCoerce;
  auto again = plan_reconcile(altered, *with(fields), coerce);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->columns[3].action, ColumnAction::kCast);
  EXPECT_EQ(again->columns[3].select_expr, R"("extra"::bigint)");
  EXPECT_FALSE(again->adds_columns());
}

TEST(ReconcilePlanTest, NewColumnIgnoreLeavesItOut) {
  auto fields = users_fields();
  fields.push_back(arrow::field("extra", arrow::int32()));
  ReconcileRules r = rules();
  r.evolution.new_column = protocol::NewColumnPolicy::kIgnore;
  auto plan = plan_reconcile(users_table(), *with(fields), r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan),
            (std::vector<ColumnAction>{kWrite, kWrite, kWrite, ColumnAction::kIgnore}));
  EXPECT_FALSE(plan->adds_columns());
}

TEST(ReconcilePlanTest, NewColumnFailRefusesIt) {
  auto fields = users_fields();
  fields.push_back(arrow::field("extra", arrow::int32()));
  ReconcileRules r = rules();
  r.evolution.new_column = protocol::NewColumnPolicy::kFail;
  EXPECT_EQ(refusal(users_table(), *with(fields), r),
            R"(NEW_COLUMN: stream 'users' has a new column 'extra' that "public"."users" lacks, )"
            R"(and schema_evolution.new_column is fail)");
}

TEST(ReconcilePlanTest, RemovedColumnIgnoreWritesTheRest) {
  auto fields = users_fields();
  fields.pop_back();  // no score
  const auto schema = with(fields);
  auto plan = plan_reconcile(users_table(), *schema, rules());
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan), (std::vector<ColumnAction>{kWrite, kWrite}));
  EXPECT_TRUE(check_removed_columns(users_table(), *schema, rules()));
}

TEST(ReconcilePlanTest, RemovedColumnFailRefusesTheFirstMissingColumn) {
  const auto schema = with({arrow::field("id", arrow::int64(), false)});
  ReconcileRules r = rules();
  r.evolution.removed_column = protocol::RemovedColumnPolicy::kFail;
  auto checked = check_removed_columns(users_table(), *schema, r);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().category, protocol::ErrorCategory::kSchema);
  EXPECT_EQ(checked.error().code, "REMOVED_COLUMN");
  EXPECT_EQ(checked.error().message,
            R"(column 'name' of "public"."users" is missing from stream 'users' )"
            R"((schema_evolution.removed_column is fail))");
  EXPECT_TRUE(check_removed_columns(users_table(), *with(users_fields()), r));
}

std::vector<arrow::Field> score_as_text() {
  auto fields = users_fields();
  fields[2] = arrow::field("score", arrow::utf8());
  return fields;
}

TEST(ReconcilePlanTest, TypeChangeFailRefusesIt) {
  ReconcileRules r = rules();
  r.evolution.type_change = protocol::TypeChangePolicy::kFail;
  EXPECT_EQ(refusal(users_table(), *with(score_as_text()), r),
            R"(TYPE_CHANGE: column 'score' of "public"."users" has type integer, but stream )"
            R"('users' sends utf8 (schema_evolution.type_change is fail))");
}

TEST(ReconcilePlanTest, TypeChangeCoerceCastsToTheTableType) {
  ReconcileRules r = rules();
  r.evolution.type_change = protocol::TypeChangePolicy::kCoerce;
  auto plan = plan_reconcile(users_table(), *with(score_as_text()), r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan), (std::vector<ColumnAction>{kWrite, kWrite, ColumnAction::kCast}));
  EXPECT_EQ(plan->columns[2].select_expr, R"("score"::integer)");
  EXPECT_EQ(plan->columns[2].type.type_oid, oid::kInt4);
  EXPECT_TRUE(plan->warnings.empty());
  EXPECT_TRUE(plan->stages_types());
}

TEST(ReconcilePlanTest, TypeChangeCoerceQuotesOddNames) {
  const std::vector<TableColumn> table = {column(R"(Odd "Score")", "integer", oid::kInt4)};
  ReconcileRules r = rules();
  r.evolution.type_change = protocol::TypeChangePolicy::kCoerce;
  auto plan = plan_reconcile(table, *with({arrow::field(R"(Odd "Score")", arrow::utf8())}), r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->columns[0].select_expr, R"("Odd ""Score"""::integer)");
}

TEST(ReconcilePlanTest, TypeChangeNullWritesATypedNullWithAWarning) {
  ReconcileRules r = rules();
  r.evolution.type_change = protocol::TypeChangePolicy::kSetNull;
  auto plan = plan_reconcile(users_table(), *with(score_as_text()), r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan), (std::vector<ColumnAction>{kWrite, kWrite, ColumnAction::kNull}));
  EXPECT_EQ(plan->columns[2].select_expr, "NULL::integer");
  EXPECT_EQ(plan->warnings,
            (std::vector<std::string>{
                R"(column 'score' of "public"."users" has type integer, but stream 'users' )"
                R"(sends utf8; writing NULL there (schema_evolution.type_change is null))"}));
  EXPECT_TRUE(plan->stages_types());
}

TEST(ReconcilePlanTest, TypeChangeNullRefusesANotNullColumn) {
  auto fields = users_fields();
  fields[0] = arrow::field("id", arrow::utf8(), false);
  ReconcileRules r = rules();
  r.evolution.type_change = protocol::TypeChangePolicy::kSetNull;
  EXPECT_EQ(refusal(users_table(), *with(fields), r),
            R"(TYPE_CHANGE: column 'id' of "public"."users" has type bigint, but stream 'users' )"
            R"(sends utf8, and schema_evolution.type_change null cannot write NULL into a NOT )"
            R"(NULL column)");
}

TEST(ReconcilePlanTest, NullabilityChangeAllowWritesNullableIntoNotNull) {
  auto fields = users_fields();
  fields[0].nullable = true;
  auto plan = plan_reconcile(users_table(), *with(fields), rules());
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan), (std::vector<ColumnAction>{kWrite, kWrite, kWrite}));
}

TEST(ReconcilePlanTest, NullabilityChangeFailRefusesNullableIntoNotNull) {
  ReconcileRules r = rules();
  r.evolution.nullability_change = protocol::NullabilityChangePolicy::kFail;
  EXPECT_EQ(refusal(users_table(), *with(users_fields()), r), "planned");
  auto fields = users_fields();
  fields[0].nullable = true;
  EXPECT_EQ(refusal(users_table(), *with(fields), r),
            R"(NULLABILITY_CHANGE: column 'id' of "public"."users" is NOT NULL, but stream )"
            R"('users' may send nulls (schema_evolution.nullability_change is fail))");
}

TEST(ReconcilePlanTest, TheFirstRefusedFieldInSchemaOrderWins) {
  // score changes type (fail), then a new column (fail): score comes first.
  auto fields = score_as_text();
  fields.push_back(arrow::field("extra", arrow::int32()));
  ReconcileRules r = rules();
  r.evolution.new_column = protocol::NewColumnPolicy::kFail;
  EXPECT_EQ(refusal(users_table(), *with(fields), r).substr(0, 12), "TYPE_CHANGE:");
  std::swap(fields[2], fields[3]);
  EXPECT_EQ(refusal(users_table(), *with(fields), r).substr(0, 11), "NEW_COLUMN:");
}

TEST(ReconcilePlanTest, UpsertOfChangesLeavesOutTheUnchangedList) {
  const std::vector<TableColumn> table = {column("id", "bigint", oid::kInt8, true),
                                          column("_rb_op", "text", oid::kText)};
  const auto schema =
      with({arrow::field("id", arrow::int64(), false), arrow::field("_rb_op", arrow::utf8()),
            arrow::field("_rb_unchanged", arrow::utf8())});
  ReconcileRules r = rules();
  r.mode = protocol::WriteMode::kUpsert;
  auto plan = plan_reconcile(table, *schema, r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan), (std::vector<ColumnAction>{kWrite, kWrite, ColumnAction::kIgnore}));
  // An append writes the change columns as data: the list is a new column.
  r.mode = protocol::WriteMode::kAppend;
  plan = plan_reconcile(table, *schema, r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(actions(*plan), (std::vector<ColumnAction>{kWrite, kWrite, ColumnAction::kAdd}));
  EXPECT_EQ(plan->columns[2].add_type, "text");
}

// The problems of a dry run, as "CODE: message" each.
std::vector<std::string> problems(const std::optional<std::vector<TableColumn>>& table,
                                  const arrow::Schema& schema, const ReconcileRules& r) {
  std::vector<std::string> out;
  for (const auto& e : target_problems(table, schema, r)) out.push_back(e.code + ": " + e.message);
  return out;
}

TEST(ReconcilePlanTest, TargetProblemsListsEveryRefusalNotOnlyTheFirst) {
  // score changes type, extra is new, name is gone; each policy is fail.
  auto fields = score_as_text();
  fields.erase(fields.begin() + 1);
  fields.push_back(arrow::field("extra", arrow::int32()));
  ReconcileRules r = rules();
  r.evolution.new_column = protocol::NewColumnPolicy::kFail;
  r.evolution.removed_column = protocol::RemovedColumnPolicy::kFail;
  r.evolution.nullability_change = protocol::NullabilityChangePolicy::kFail;
  fields[0] = arrow::field("id", arrow::int64(), true);  // into NOT NULL id
  EXPECT_EQ(
      problems(users_table(), *with(fields), r),
      (std::vector<std::string>{
          R"(NULLABILITY_CHANGE: column 'id' of "public"."users" is NOT NULL, but stream 'users' may send nulls (schema_evolution.nullability_change is fail))",
          R"(TYPE_CHANGE: column 'score' of "public"."users" has type integer, but stream 'users' sends utf8 (schema_evolution.type_change is fail))",
          R"(NEW_COLUMN: stream 'users' has a new column 'extra' that "public"."users" lacks, and schema_evolution.new_column is fail)",
          R"(REMOVED_COLUMN: column 'name' of "public"."users" is missing from stream 'users' (schema_evolution.removed_column is fail))",
      }));
  // What the policies allow is no problem.
  EXPECT_TRUE(problems(users_table(), *with(users_fields()), r).empty());
}

TEST(ReconcilePlanTest, TargetProblemsOfANewTableAreTypesWithoutAColumnType) {
  auto fields = users_fields();
  fields.push_back(arrow::field("matrix", arrow::list(arrow::list(arrow::int32()))));
  const std::vector<std::string> expected = {
      "UNSUPPORTED_TYPE: column 'matrix' has Arrow type list<item: list<item: int32>>, which "
      "dest-postgres cannot store"};
  EXPECT_EQ(problems(std::nullopt, *with(fields), rules()), expected);
  // replace writes a new table too, whatever the old one holds.
  ReconcileRules r = rules();
  r.mode = protocol::WriteMode::kReplace;
  EXPECT_EQ(problems(users_table(), *with(fields), r), expected);
  fields.pop_back();
  fields[2] = arrow::field("score", arrow::utf8());
  EXPECT_TRUE(problems(users_table(), *with(fields), r).empty());
}

}  // namespace
}  // namespace rapidbyte::test
