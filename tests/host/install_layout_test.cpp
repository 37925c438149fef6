// An installed binary finds its connectors and SDK from its own path.
#include "host/engine/install_layout.hpp"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace rapidbyte::engine {
namespace {

TEST(InstallLayout, BinaryInAPrefixWithLibRapidbyteIsInstalled) {
  test::TempDir prefix("install-layout");
  std::filesystem::create_directories(prefix / "bin");
  std::filesystem::create_directories(prefix / "lib/rapidbyte/connectors");
  const auto layout = install_layout_of(prefix / "bin/rapidbyte");
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->prefix, prefix.path());
  EXPECT_EQ(layout->connector_dir(), prefix / "lib/rapidbyte/connectors");
  EXPECT_EQ(layout->sdk_package_dir(), prefix / "lib/cmake/RapidbyteSDK");
  EXPECT_EQ(layout->binary(), prefix / "bin/rapidbyte");
}

TEST(InstallLayout, BinaryInABuildTreeIsNotInstalled) {
  test::TempDir build("install-layout");
  std::filesystem::create_directories(build / "connectors");
  EXPECT_FALSE(install_layout_of(build / "rapidbyte").has_value());
  // bin/ without lib/rapidbyte beside it: not a Rapidbyte prefix.
  std::filesystem::create_directories(build / "bin");
  EXPECT_FALSE(install_layout_of(build / "bin/rapidbyte").has_value());
  EXPECT_FALSE(install_layout_of({}).has_value());
}

TEST(InstallLayout, RunningBinaryIsThisTest) {
  EXPECT_EQ(running_binary().filename(), "host_tests");
}

}  // namespace
}  // namespace rapidbyte::engine
