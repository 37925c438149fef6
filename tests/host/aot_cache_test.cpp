// Compiled modules are cached on disk: the second load of the same module
// skips compilation.
#include <gtest/gtest.h>

#include "tests/host/runtime_fixture.hpp"

namespace rapidbyte::test {
namespace {

TEST(AotCacheTest, SecondLoadComesFromCache) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rapidbyte-aot-cache-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto engine = runtime::WasmEngine::create({dir});
    ASSERT_TRUE(engine);
    auto first = (*engine)->load(test_guest("test-abi-echo"));
    ASSERT_TRUE(first) << first.error();
    EXPECT_FALSE((*first)->from_aot_cache);
  }
  {
    auto engine = runtime::WasmEngine::create({dir});
    ASSERT_TRUE(engine);
    auto second = (*engine)->load(test_guest("test-abi-echo"));
    ASSERT_TRUE(second) << second.error();
    EXPECT_TRUE((*second)->from_aot_cache);
  }
  std::filesystem::remove_all(dir);
}

TEST(AotCacheTest, DamagedEntryIsRecompiled) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rapidbyte-aot-damaged-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto engine = runtime::WasmEngine::create({dir});
  ASSERT_TRUE(engine);
  ASSERT_TRUE((*engine)->load(test_guest("test-abi-echo")));
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ofstream(entry.path(), std::ios::trunc) << "garbage";
  }
  auto again = (*engine)->load(test_guest("test-abi-echo"));
  ASSERT_TRUE(again) << again.error();
  EXPECT_FALSE((*again)->from_aot_cache);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rapidbyte::test
