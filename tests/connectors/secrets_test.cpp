// Secrets: the password of a pipeline appears in nothing a run leaves
// behind — its output at the most verbose log level, the state database, its
// journal, the lease file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/connectors/connector_environment.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

// The password of a pipeline appears in nothing a run leaves behind: not in
// its output at the most verbose log level (a successful run, a failing one,
// a check), not in the state database, its journal or the lease file.
TEST_F(PgConnectorTest, NothingARunLeavesBehindHoldsThePassword) {
  auto s = src();
  s.exec(
      "CREATE TABLE secret_rows (id int PRIMARY KEY, v text);"
      "INSERT INTO secret_rows SELECT g, 'v' FROM generate_series(1, 100) g;");
  const auto dir = cache_dir_ / "secrets";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& stream) {
    const auto path = dir / (name + ".yaml");
    std::ofstream(path) << pipeline_yaml("secrets", stream,
                                         "  write_mode: upsert\n  primary_key: [id]\n")
                        << "state: {connection: " << (dir / "state.db").string() << "}\n";
    return path.string();
  };
  const std::string good = write("good",
                                 "{name: secret_rows, sync_mode: incremental, "
                                 "cursor_field: id}");
  const std::string bad = write("bad", "{name: no_such_table}");
  std::string output;
  for (const auto& args : std::vector<std::vector<std::string>>{{"run", good, "--json"},
                                                                {"run", good},
                                                                {"run", bad},
                                                                {"check", good},
                                                                {"discover", good}}) {
    std::vector<std::string> argv = {RAPIDBYTE_BINARY, "-vv", "--connector-dir",
                                     RAPIDBYTE_CONNECTOR_DIR};
    argv.insert(argv.end(), args.begin(), args.end());
    output += run_command(argv).output;
  }
  EXPECT_NE(output.find("no_such_table"), std::string::npos) << "the failing run said why";
  EXPECT_EQ(output.find(kPassword), std::string::npos) << output;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") continue;  // the user's own file
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(kPassword), std::string::npos) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 2u);  // the state database and the lease file at least
}

}  // namespace
}  // namespace rapidbyte::test
