// check's reading of a pipeline's streams against a source catalog: each
// rule, with the exact line it prints.
#include "host/engine/stream_resolution.hpp"

#include <gtest/gtest.h>

#include "host/engine/closest_name.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {
namespace {

namespace p = rapidbyte::protocol;

TEST(ClosestName, SuggestsLikelyTyposOnly) {
  const std::vector<std::string> names = {"customers", "orders", "order_items", "updated_at"};
  EXPECT_EQ(closest_name("custmers", names), "customers");
  EXPECT_EQ(closest_name("Customers", names), "customers");    // case only
  EXPECT_EQ(closest_name("udpated_at", names), "updated_at");  // a transposition is one edit
  EXPECT_EQ(closest_name("updatedat", names), "updated_at");
  EXPECT_EQ(closest_name("order", names), "orders");
  EXPECT_EQ(closest_name("invoices", names), std::nullopt);
  EXPECT_EQ(closest_name("ab", {"xy"}), std::nullopt);  // short names: at most one edit
  EXPECT_EQ(closest_name("x", {}), std::nullopt);
  EXPECT_EQ(did_you_mean("emial", {"id", "email"}), "; did you mean 'email'?");
  EXPECT_EQ(did_you_mean("zzz", {"id", "email"}), "");
}

p::Catalog shop_catalog() {
  const std::vector<p::SyncMode> all = {p::SyncMode::kFullRefresh, p::SyncMode::kIncremental,
                                        p::SyncMode::kCdc};
  p::Catalog catalog;
  catalog.streams.push_back(
      {"customers",
       "public",
       {{"id", "bigint", "int64", false},
        {"email", "text", "utf8", true},
        {"updated_at", "timestamp with time zone", "timestamp[us, tz=UTC]", true},
        {"photo", "bytea", "binary", true}},
       {"id"},
       {"id", "email", "updated_at"},
       all});
  catalog.streams.push_back({"sales.orders",
                             "sales",
                             {{"id", "bigint", "int64", false}, {"total", "numeric", "utf8", true}},
                             {},
                             {"id", "total"},
                             {p::SyncMode::kFullRefresh, p::SyncMode::kIncremental}});
  return catalog;
}

PipelineConfig pipeline_of(std::vector<StreamConfig> streams) {
  PipelineConfig pipeline;
  pipeline.pipeline = "shop";
  pipeline.streams = std::move(streams);
  return pipeline;
}

std::vector<std::string> rendered(const std::vector<CheckLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    EXPECT_FALSE(l.invalid_pipeline);
    out.push_back(std::string(l.status == p::CheckStatus::kFailed ? "FAIL " : "ok ") + l.subject +
                  ": " + l.check + " - " + l.message);
  }
  return out;
}

TEST(ResolveStreams, StreamsThatResolvePassOneLineEach) {
  StreamConfig customers{"customers", p::SyncMode::kIncremental, "updated_at", {}, {}};
  StreamConfig qualified{"public.customers", p::SyncMode::kCdc, std::nullopt, {"id", "email"}, {}};
  StreamConfig orders{"sales.orders", p::SyncMode::kFullRefresh, std::nullopt, {}, {}};
  EXPECT_EQ(rendered(resolve_streams(pipeline_of({customers, qualified, orders}), shop_catalog())),
            (std::vector<std::string>{
                "ok stream customers: catalog - 4 of 4 columns, incremental",
                "ok stream public.customers: catalog - 2 of 4 columns, cdc",
                "ok stream sales.orders: catalog - 2 of 2 columns, full_refresh",
            }));
}

TEST(ResolveStreams, MisspeltNamesAreNamedWithTheClosestOne) {
  StreamConfig table{"custmers", p::SyncMode::kFullRefresh, std::nullopt, {}, {}};
  StreamConfig column{"customers", p::SyncMode::kIncremental, "updatedat", {"id", "emial"}, {}};
  StreamConfig unknown{"invoices", p::SyncMode::kFullRefresh, std::nullopt, {}, {}};
  StreamConfig schema{"sales.order", p::SyncMode::kFullRefresh, std::nullopt, {}, {}};
  EXPECT_EQ(
      rendered(resolve_streams(pipeline_of({table, column, unknown, schema}), shop_catalog())),
      (std::vector<std::string>{
          "FAIL stream custmers: exists - the source has no stream 'custmers'; did you mean "
          "'customers'?",
          "FAIL stream customers: columns - no column 'emial'; did you mean 'email'?",
          "FAIL stream customers: cursor_field - no column 'updatedat'; did you mean "
          "'updated_at'?",
          "FAIL stream invoices: exists - the source has no stream 'invoices'",
          "FAIL stream sales.order: exists - the source has no stream 'sales.order'; did you "
          "mean 'sales.orders'?",
      }));
}

TEST(ResolveStreams, CursorMustBeAColumnTheSourceCanOrderBy) {
  StreamConfig binary{"customers", p::SyncMode::kIncremental, "photo", {}, {}};
  // Not selected, but a source always reads the cursor.
  StreamConfig unselected{"customers", p::SyncMode::kIncremental, "updated_at", {"id"}, {}};
  EXPECT_EQ(rendered(resolve_streams(pipeline_of({binary, unselected}), shop_catalog())),
            (std::vector<std::string>{
                "FAIL stream customers: cursor_field - column 'photo' has type binary (bytea), "
                "which cannot order an incremental read; columns that can: id, email, updated_at",
                "ok stream customers: catalog - 1 of 4 columns, incremental",
            }));
}

TEST(ResolveStreams, SyncModeMustBeOfferedForTheStream) {
  StreamConfig orders{"sales.orders", p::SyncMode::kCdc, std::nullopt, {}, {}};
  EXPECT_EQ(rendered(resolve_streams(pipeline_of({orders}), shop_catalog())),
            (std::vector<std::string>{
                "FAIL stream sales.orders: sync_mode - the source does not offer sync_mode cdc "
                "for this stream (it offers full_refresh, incremental)",
            }));
}

TEST(ResolveStreams, UpsertNeedsAKeyThatExists) {
  StreamConfig customers{"customers", p::SyncMode::kFullRefresh, std::nullopt, {}, {}};
  StreamConfig orders{"sales.orders", p::SyncMode::kFullRefresh, std::nullopt, {}, {}};
  StreamConfig misspelt{"sales.orders", p::SyncMode::kFullRefresh, std::nullopt, {}, std::nullopt,
                        {"idd"}};
  StreamConfig unselected{
      "customers", p::SyncMode::kFullRefresh, std::nullopt, {"email"}, std::nullopt, {"id"}};
  PipelineConfig pipeline = pipeline_of({customers, orders, misspelt, unselected});
  pipeline.write_mode = p::WriteMode::kUpsert;
  EXPECT_EQ(rendered(resolve_streams(pipeline, shop_catalog())),
            (std::vector<std::string>{
                "FAIL stream customers: primary_key - write_mode upsert needs a primary_key; the "
                "source table's is [id]: add primary_key: [id]",
                "FAIL stream sales.orders: primary_key - write_mode upsert needs a primary_key; "
                "the source table has none either, so name the columns that identify a row",
                "FAIL stream sales.orders: primary_key - no column 'idd'; did you mean 'id'?",
                "FAIL stream customers: primary_key - column 'id' is not among the stream's "
                "selected columns",
            }));
  // A stream's own write mode and key win over the destination's.
  PipelineConfig appending = pipeline_of(
      {StreamConfig{
           "customers", p::SyncMode::kFullRefresh, std::nullopt, {}, p::WriteMode::kUpsert, {}},
       StreamConfig{
           "sales.orders", p::SyncMode::kFullRefresh, std::nullopt, {}, std::nullopt, {}}});
  appending.primary_key = {"total"};
  appending.streams[0].primary_key = {"idd"};
  EXPECT_EQ(rendered(resolve_streams(appending, shop_catalog())),
            (std::vector<std::string>{
                "FAIL stream customers: primary_key - no column 'idd'; did you mean 'id'?",
                "ok stream sales.orders: catalog - 2 of 2 columns, full_refresh",
            }));
  // The pipeline's key applies to every stream.
  pipeline.primary_key = {"id"};
  pipeline.streams = {customers, orders};
  EXPECT_EQ(rendered(resolve_streams(pipeline, shop_catalog())).size(), 2u);
  EXPECT_EQ(resolve_streams(pipeline, shop_catalog())[1].status, p::CheckStatus::kPassed);
}

TEST(StreamPatterns, GlobMatching) {
  EXPECT_TRUE(matches_pattern("sales.*", "sales.orders"));
  EXPECT_TRUE(matches_pattern("*", "anything"));
  EXPECT_TRUE(matches_pattern("*_log", "audit_log"));
  EXPECT_TRUE(matches_pattern("order?", "orders"));
  EXPECT_TRUE(matches_pattern("a*b*c", "axxbyyc"));
  EXPECT_FALSE(matches_pattern("a*b*c", "axxbyy"));
  EXPECT_FALSE(matches_pattern("sales.*", "public.sales"));
  EXPECT_FALSE(matches_pattern("order?", "order"));
}

p::Catalog many_catalog() {
  p::Catalog catalog;
  for (const char* name : {"customers", "orders", "sales.orders", "sales.refunds", "sales.tmp_x"}) {
    p::CatalogStream s;
    s.name = name;
    s.namespace_ = std::string(name).find('.') == std::string::npos ? "public" : "sales";
    catalog.streams.push_back(s);
  }
  return catalog;
}

TEST(StreamPatterns, ExpandInCatalogOrderWithThePatternsSettings) {
  StreamConfig sales{"sales.*", p::SyncMode::kIncremental, "id", {}, p::WriteMode::kUpsert, {"id"}};
  sales.exclude = {"*.tmp_*"};
  StreamConfig explicit_one{"sales.refunds", p::SyncMode::kFullRefresh, std::nullopt, {}, {}, {}};
  StreamConfig everything_public{"public.*", p::SyncMode::kFullRefresh, std::nullopt, {}, {}, {}};
  auto expanded =
      expand_stream_patterns(pipeline_of({sales, explicit_one, everything_public}), many_catalog());
  ASSERT_TRUE(expanded) << expanded.error();
  std::vector<std::string> names;
  for (const auto& s : expanded->streams) {
    names.push_back(s.name + " " + std::string(p::mode_name(s.sync_mode)));
    EXPECT_TRUE(s.exclude.empty());
  }
  // The explicit entry keeps its own settings; the pattern leaves it out.
  EXPECT_EQ(names,
            (std::vector<std::string>{"sales.orders incremental", "sales.refunds full_refresh",
                                      "customers full_refresh", "orders full_refresh"}));
  EXPECT_EQ(expanded->streams[0].cursor_field, "id");
  EXPECT_EQ(expanded->streams[0].write_mode, p::WriteMode::kUpsert);
}

TEST(StreamPatterns, APatternThatMatchesNothingIsAnError) {
  StreamConfig none{"crm.*", p::SyncMode::kFullRefresh, std::nullopt, {}, {}, {}};
  auto expanded = expand_stream_patterns(pipeline_of({none}), many_catalog());
  ASSERT_FALSE(expanded);
  EXPECT_EQ(expanded.error(),
            "stream pattern 'crm.*' matches no stream of the source that is not named or excluded "
            "already (the source has 5 streams)");
}

}  // namespace
}  // namespace rapidbyte::engine
