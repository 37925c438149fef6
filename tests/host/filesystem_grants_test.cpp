// The directories the engine grants a connector: its manifest's needs,
// resolved against its config and the working directory, narrowed by the
// pipeline's permissions.filesystem, judged by where symbolic links lead.
#include "host/engine/filesystem_grants.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "host/engine/pipeline_runner.hpp"

namespace rapidbyte::engine {

namespace {

namespace fs = std::filesystem;
using Access = runtime::FilesystemNeed::Access;
using protocol::ConnectorRole;

class FilesystemGrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rapidbyte-grants-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "lake" / "events");
    fs::create_directories(root_ / "elsewhere");
    fs::create_directory_symlink(root_ / "elsewhere", root_ / "lake" / "link");
    manifest_.id = "dest-file";
    manifest_.filesystem = {{"", "path", Access::kReadWrite}};
  }
  void TearDown() override { fs::remove_all(root_); }

  ConnectorConfig config(const std::string& path) const {
    ConnectorConfig c;
    c.config_json = R"({"path":")" + path + R"(","format":"parquet"})";
    return c;
  }
  std::string dir(const std::string& relative) const { return (root_ / relative).string(); }

  fs::path root_;
  runtime::Manifest manifest_;
};

TEST_F(FilesystemGrantsTest, TheConfiguredDirectoryIsGrantedUnderItsAbsoluteName) {
  auto grants = grant_filesystem(manifest_, ConnectorRole::kDestination, config(dir("lake/")));
  ASSERT_TRUE(grants) << grants.error();
  EXPECT_EQ(grants->directories,
            (std::vector<runtime::GrantedDirectory>{{dir("lake"), dir("lake"), true}}));
  EXPECT_EQ(grants->config_json, R"({"path":")" + dir("lake") + R"(","format":"parquet"})");
}

TEST_F(FilesystemGrantsTest, ARelativePathIsTheWorkingDirectorysAndTheGuestIsToldSo) {
  const fs::path before = fs::current_path();
  fs::current_path(root_);
  auto grants = grant_filesystem(manifest_, ConnectorRole::kDestination, config("./lake/events"));
  fs::current_path(before);
  ASSERT_TRUE(grants) << grants.error();
  EXPECT_EQ(
      grants->directories,
      (std::vector<runtime::GrantedDirectory>{{dir("lake/events"), dir("lake/events"), true}}));
  EXPECT_EQ(grants->config_json, R"({"path":")" + dir("lake/events") + R"(","format":"parquet"})");
}

TEST_F(FilesystemGrantsTest, ASourceOnlyReadsAndNeedsAnExistingDirectory) {
  auto grants = grant_filesystem(manifest_, ConnectorRole::kSource, config(dir("lake")));
  ASSERT_TRUE(grants) << grants.error();
  EXPECT_EQ(grants->directories,
            (std::vector<runtime::GrantedDirectory>{{dir("lake"), dir("lake"), false}}));
  auto missing = grant_filesystem(manifest_, ConnectorRole::kSource, config(dir("nothing")));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(),
            "connector 'dest-file': config.path '" + dir("nothing") + "' does not exist");
  // A destination's directory is made when its stage starts.
  auto created = grant_filesystem(manifest_, ConnectorRole::kDestination, config(dir("new/out")));
  ASSERT_TRUE(created) << created.error();
  create_writable_directories(created->directories);
  EXPECT_TRUE(fs::is_directory(root_ / "new" / "out"));
}

TEST_F(FilesystemGrantsTest, AFileIsNotADirectory) {
  std::ofstream(root_ / "lake" / "file.csv") << "a\n";
  auto grants =
      grant_filesystem(manifest_, ConnectorRole::kDestination, config(dir("lake/file.csv")));
  ASSERT_FALSE(grants);
  EXPECT_EQ(grants.error(),
            "connector 'dest-file': config.path '" + dir("lake/file.csv") + "' is not a directory");
}

TEST_F(FilesystemGrantsTest, ThePipelineNarrowsNeverWidens) {
  ConnectorConfig within = config(dir("lake/events"));
  within.directories = {dir("lake")};
  auto granted = grant_filesystem(manifest_, ConnectorRole::kDestination, within);
  ASSERT_TRUE(granted) << granted.error();
  EXPECT_EQ(
      granted->directories,
      (std::vector<runtime::GrantedDirectory>{{dir("lake/events"), dir("lake/events"), true}}));

  // Only a part of what the connector asks for: it gets that part, under
  // the name it would use for it.
  ConnectorConfig narrowed = config(dir("lake"));
  narrowed.directories = {dir("lake/events"), dir("elsewhere")};
  auto part = grant_filesystem(manifest_, ConnectorRole::kDestination, narrowed);
  ASSERT_TRUE(part) << part.error();
  EXPECT_EQ(
      part->directories,
      (std::vector<runtime::GrantedDirectory>{{dir("lake/events"), dir("lake/events"), true}}));

  ConnectorConfig outside = config(dir("elsewhere"));
  outside.directories = {dir("lake")};
  auto refused = grant_filesystem(manifest_, ConnectorRole::kDestination, outside);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "connector 'dest-file': config.path '" + dir("elsewhere") +
                                 "' is outside the directories the pipeline grants "
                                 "(permissions.filesystem: " +
                                 dir("lake") + ")");
}

TEST_F(FilesystemGrantsTest, DotDotAndSymbolicLinksAreJudgedByWhereTheyLead) {
  ConnectorConfig dotdot = config(dir("lake/../elsewhere"));
  dotdot.directories = {dir("lake")};
  auto refused = grant_filesystem(manifest_, ConnectorRole::kDestination, dotdot);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "connector 'dest-file': config.path '" + dir("elsewhere") +
                                 "' is outside the directories the pipeline grants "
                                 "(permissions.filesystem: " +
                                 dir("lake") + ")");

  // lake/link leads to elsewhere: inside lake by its name, outside by
  // where it leads.
  ConnectorConfig linked = config(dir("lake/link"));
  linked.directories = {dir("lake")};
  auto link = grant_filesystem(manifest_, ConnectorRole::kDestination, linked);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error(), "connector 'dest-file': config.path '" + dir("lake/link") +
                              "' is outside the directories the pipeline grants "
                              "(permissions.filesystem: " +
                              dir("lake") + ")");

  // Without a narrowing, the link's target is opened, under the link's name.
  auto whole = grant_filesystem(manifest_, ConnectorRole::kDestination, config(dir("lake/link")));
  ASSERT_TRUE(whole) << whole.error();
  EXPECT_EQ(whole->directories,
            (std::vector<runtime::GrantedDirectory>{{dir("elsewhere"), dir("lake/link"), true}}));
}

TEST_F(FilesystemGrantsTest, URLsAndAbsentFieldsAskForNoDirectory) {
  auto url = grant_filesystem(manifest_, ConnectorRole::kDestination, config("s3://bucket/lake"));
  ASSERT_TRUE(url) << url.error();
  EXPECT_TRUE(url->directories.empty());
  EXPECT_EQ(url->config_json, R"({"path":"s3://bucket/lake","format":"parquet"})");
  ConnectorConfig absent;
  absent.config_json = "{}";
  auto none = grant_filesystem(manifest_, ConnectorRole::kDestination, absent);
  ASSERT_TRUE(none) << none.error();
  EXPECT_TRUE(none->directories.empty());
}

TEST_F(FilesystemGrantsTest, AFixedDirectoryOfTheManifest) {
  manifest_.filesystem = {{dir("lake"), "", Access::kRead}};
  auto grants = grant_filesystem(manifest_, ConnectorRole::kDestination, config("ignored"));
  ASSERT_TRUE(grants) << grants.error();
  EXPECT_EQ(grants->directories,
            (std::vector<runtime::GrantedDirectory>{{dir("lake"), dir("lake"), false}}));
  ConnectorConfig narrowed = config("ignored");
  narrowed.directories = {dir("elsewhere")};
  auto refused = grant_filesystem(manifest_, ConnectorRole::kDestination, narrowed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "connector 'dest-file': its manifest's directory '" + dir("lake") +
                                 "' is outside the directories the pipeline grants "
                                 "(permissions.filesystem: " +
                                 dir("elsewhere") + ")");
}

}  // namespace
}  // namespace rapidbyte::engine
