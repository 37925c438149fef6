// The filesystem sandbox: a guest sees exactly the directories its policy
// grants, read-only where the grant is, and `..`, absolute paths and
// symbolic links cannot lead it out of them. The guest (test-file-prober)
// tries what a hostile connector would; every refusal is checked on the host
// too (nothing written, nothing read outside the grants).
#include <gtest/gtest.h>

#include <fstream>

#include "tests/host/runtime_fixture.hpp"

namespace rapidbyte::test {
namespace {

namespace fs = std::filesystem;
namespace p = rapidbyte::protocol;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A tree of the host's:
//   <root>/secret.txt              outside every grant
//   <root>/granted/data.txt        granted read-only, seen as /in
//   <root>/granted/escape    ->    <root> (absolute symbolic link)
//   <root>/granted/up        ->    ../secret.txt (relative link out)
//   <root>/granted/inside    ->    data.txt (a link that stays inside)
//   <root>/out/                    granted read-write, seen as /out
class FilesystemSandboxTest : public RuntimeTest {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rapidbyte-fs-sandbox-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "granted");
    fs::create_directories(root_ / "out");
    spit(root_ / "secret.txt", "secret");
    spit(root_ / "granted" / "data.txt", "hello");
    fs::create_directory_symlink(root_, root_ / "granted" / "escape");
    fs::create_symlink("../secret.txt", root_ / "granted" / "up");
    fs::create_symlink("data.txt", root_ / "granted" / "inside");
  }
  void TearDown() override { fs::remove_all(root_); }

  runtime::SandboxPolicy grants() const {
    runtime::SandboxPolicy policy;
    policy.directories = {{(root_ / "granted").string(), "/in", false},
                          {(root_ / "out").string(), "/out", true}};
    return policy;
  }

  // What each line of `script` logged, run under `policy`.
  std::vector<std::string> probe(const std::string& script, const runtime::SandboxPolicy& policy) {
    auto guest = instantiate(test_guest("test-file-prober"), policy);
    EXPECT_TRUE(guest);
    if (!guest) return {};
    EXPECT_TRUE(guest->open(script));
    p::RunRequest request;
    request.phase = p::RunPhase::kRead;
    request.streams.emplace_back().stream_name = "s";
    auto result = guest->run(request);
    EXPECT_TRUE(result) << result.error().message;
    std::vector<std::string> lines;
    for (const auto& [level, message] : services_.logs) lines.push_back(message);
    return lines;
  }

  fs::path root_;
};

TEST_F(FilesystemSandboxTest, ReadsAndWritesOnlyWhatItIsGranted) {
  const auto lines = probe(
      "read /in/data.txt\n"
      "read /in/inside\n"
      "list /in\n"
      "write /out/result.txt done\n"
      "read /out/result.txt\n"
      "mkdir /out/part=1\n"
      "write /out/part=1/file.txt x\n"
      "rename /out/result.txt /out/part=1/renamed.txt\n"
      "remove /out/part=1/file.txt\n",
      grants());
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "read /in/data.txt: ok hello",
                       "read /in/inside: ok hello",
                       "list /in: ok data.txt escape inside up",
                       "write /out/result.txt done: ok",
                       "read /out/result.txt: ok done",
                       "mkdir /out/part=1: ok",
                       "write /out/part=1/file.txt x: ok",
                       "rename /out/result.txt /out/part=1/renamed.txt: ok",
                       "remove /out/part=1/file.txt: ok",
                   }));
  EXPECT_EQ(slurp(root_ / "out" / "part=1" / "renamed.txt"), "done");
  EXPECT_FALSE(fs::exists(root_ / "out" / "part=1" / "file.txt"));
}

TEST_F(FilesystemSandboxTest, EveryWayOutIsRefused) {
  const auto lines = probe(
      "read /in/../secret.txt\n"
      "read /in/escape/secret.txt\n"
      "read /in/up\n"
      "read /etc/passwd\n"
      "read secret.txt\n"
      "list /\n"
      "write /in/new.txt x\n"
      "remove /in/data.txt\n"
      "mkdir /in/sub\n"
      "rename /in/data.txt /out/data.txt\n"
      "write /out/../escaped.txt x\n"
      "write /in/escape/escaped.txt x\n"
      "symlink /etc /out/etc\n"
      "symlink ../secret.txt /out/up\n"
      "read /out/up\n",
      grants());
  // A path under no grant: "Capabilities insufficient" (ENOTCAPABLE, from
  // the guest's libc, which finds no preopen for it). A path that leaves
  // its directory (`..`, a symbolic link), or a change to a read-only
  // grant: "Operation not permitted" (EPERM, from the host).
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "read /in/../secret.txt: Operation not permitted",
                       "read /in/escape/secret.txt: Operation not permitted",
                       "read /in/up: Operation not permitted",
                       "read /etc/passwd: Capabilities insufficient",
                       "read secret.txt: Capabilities insufficient",
                       "list /: Capabilities insufficient",
                       "write /in/new.txt x: Operation not permitted",
                       "remove /in/data.txt: Operation not permitted",
                       "mkdir /in/sub: Operation not permitted",
                       "rename /in/data.txt /out/data.txt: Operation not permitted",
                       "write /out/../escaped.txt x: Operation not permitted",
                       "write /in/escape/escaped.txt x: Operation not permitted",
                       "symlink /etc /out/etc: Operation not permitted",
                       "symlink ../secret.txt /out/up: ok",
                       "read /out/up: Operation not permitted",
                   }));
  // Nothing changed outside the grants, nor in the read-only one.
  EXPECT_EQ(slurp(root_ / "secret.txt"), "secret");
  EXPECT_EQ(slurp(root_ / "granted" / "data.txt"), "hello");
  EXPECT_FALSE(fs::exists(root_ / "escaped.txt"));
  EXPECT_FALSE(fs::exists(root_ / "granted" / "new.txt"));
  EXPECT_FALSE(fs::exists(root_ / "granted" / "sub"));
  EXPECT_FALSE(fs::exists(root_ / "out" / "data.txt"));
  EXPECT_FALSE(fs::exists(root_ / "out" / "etc"));
}

TEST_F(FilesystemSandboxTest, WithoutGrantsTheGuestSeesNoFiles) {
  const auto lines = probe("read /in/data.txt\nwrite /out/x.txt x\nlist /\n", {});
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "read /in/data.txt: Capabilities insufficient",
                       "write /out/x.txt x: Capabilities insufficient",
                       "list /: Capabilities insufficient",
                   }));
  EXPECT_TRUE(fs::is_empty(root_ / "out"));
}

TEST_F(FilesystemSandboxTest, AGrantThatCannotBeOpenedFailsTheStartNamingIt) {
  runtime::SandboxPolicy policy;
  policy.directories = {{(root_ / "missing").string(), "/in", false}};
  auto module = load(test_guest("test-file-prober"));
  ASSERT_TRUE(module);
  auto instance = runtime::ConnectorInstance::create(*engine_, module, &services_, policy);
  ASSERT_FALSE(instance);
  EXPECT_EQ(instance.error().code, "GUEST_LOAD");
  EXPECT_EQ(instance.error().message,
            "connector 'test-file-prober' cannot start: cannot open its granted directory '" +
                (root_ / "missing").string() + "'");
}

}  // namespace
}  // namespace rapidbyte::test
