#include "tests/connectors/connector_environment.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <memory>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace rapidbyte::test {
namespace {

std::unique_ptr<PostgresCluster> g_cluster;

class ClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    PostgresClusterOptions options;
    options.ssl = true;
    options.hba_lines = {
        "host all postgres 127.0.0.1/32 trust",
        "hostnossl all rb_tls 127.0.0.1/32 reject",
        "host all all 127.0.0.1/32 scram-sha-256",
    };
    // Logical replication for the cdc tests.
    options.settings = {
        {"wal_level", "logical"}, {"max_replication_slots", "32"}, {"max_wal_senders", "32"}};
    g_cluster = std::make_unique<PostgresCluster>(options);
    g_cluster->create_user(kUser, kPassword);
    g_cluster->create_user(kTlsUser, kPassword);
    g_cluster->create_database(kSourceDb, kUser);
    g_cluster->exec(std::string("ALTER ROLE ") + kUser + " REPLICATION");
    g_cluster->create_database(kDestDb, kUser);
    g_cluster->exec(std::string("GRANT ALL ON DATABASE ") + kSourceDb + " TO " + kTlsUser);
    g_cluster->exec(std::string("GRANT ALL ON DATABASE ") + kDestDb + " TO " + kTlsUser);
  }
  void TearDown() override { g_cluster.reset(); }
};

}  // namespace

const PostgresCluster& cluster() {
  return *g_cluster;
}

PostgresCluster& mutable_cluster() {
  return *g_cluster;
}

std::vector<std::string> rapidbyte_command(const std::string& command,
                                           const std::filesystem::path& pipeline,
                                           const std::vector<std::string>& more) {
  std::vector<std::string> out = {RAPIDBYTE_BINARY,        "-q",    "--connector-dir",
                                  RAPIDBYTE_CONNECTOR_DIR, command, pipeline.string()};
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

pid_t start_run(const std::filesystem::path& pipeline, const std::string& kill_at,
                const std::vector<std::string>& more) {
  const std::vector<std::string> command = rapidbyte_command("run", pipeline, more);
  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  // The environment, with the kill point (if any) in place of an inherited one.
  const std::string kill_var = "RAPIDBYTE_TEST_KILL_AT=" + kill_at;
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).starts_with("RAPIDBYTE_TEST_KILL_AT=")) continue;
    env.push_back(*e);
  }
  if (!kill_at.empty()) env.push_back(const_cast<char*>(kill_var.c_str()));
  env.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_killed_at(const std::filesystem::path& pipeline, const std::vector<std::string>& points,
                  const std::function<void()>& after_kill) {
  int killed = 0;
  for (const std::string& kill_at : points) {
    const pid_t pid = start_run(pipeline, kill_at);
    EXPECT_GT(pid, 0) << kill_at;
    if (pid <= 0) continue;
    const int code = wait_exit_code(pid);
    if (code == 128 + SIGKILL) {
      ++killed;
      if (after_kill) after_kill();
    } else {
      EXPECT_EQ(code, 0) << kill_at;
    }
  }
  return killed;
}

std::optional<int> wait_exit_code_for(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string pg_config(const std::string& database, const std::string& extra,
                      const std::string& user, const std::string& password) {
  return std::string("{\"host\": \"127.0.0.1\", \"port\": ") + std::to_string(cluster().port()) +
         ", \"user\": \"" + user + "\", \"password\": \"" + password + "\", \"database\": \"" +
         database + "\", \"sslmode\": \"disable\"" + extra + "}";
}

engine::RunReport PgConnectorTest::run_pipeline(const std::string& yaml, const std::string& state,
                                                const engine::RunOptions& options) {
  std::filesystem::create_directories(cache_dir_);
  auto pipeline = engine::parse_pipeline(yaml, state + ".yaml");
  EXPECT_TRUE(pipeline) << pipeline.error();
  if (!pipeline) return {};
  engine::ConnectorCatalog catalog(*engine_, {RAPIDBYTE_CONNECTOR_DIR});
  auto backend = engine::SqliteStateBackend::open(cache_dir_ / (state + ".db"));
  EXPECT_TRUE(backend) << backend.error();
  engine::PipelineRunner runner(*engine_, catalog, **backend);
  auto report = runner.run(*pipeline, options);
  EXPECT_TRUE(report) << report.error().message;
  return report ? *report : engine::RunReport{};
}

std::string PgConnectorTest::pipeline_yaml(const std::string& name, const std::string& stream_yaml,
                                           const std::string& destination_extra,
                                           const std::string& resources,
                                           const std::string& source_extra) {
  return "pipeline: " + name +
         "\nsource:\n  use: postgres\n  config: " + pg_config(kSourceDb, source_extra) +
         "\n  streams: [" + stream_yaml +
         "]\ndestination:\n  use: postgres\n  config: " + pg_config(kDestDb) + "\n" +
         destination_extra + "resources: {max_retries: 0" + resources + "}\n";
}

std::unique_ptr<runtime::ConnectorInstance> PgConnectorTest::instance(
    const std::string& connector) {
  runtime::SandboxPolicy policy;
  policy.allowed_hosts = {"127.0.0.1"};
  return instantiate(rapidbyte::test::connector(connector), policy);
}

std::string PgConnectorTest::table_digest(LibpqSession& db, const std::string& table,
                                          const std::string& order) {
  return db
      .value("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY " + order +
             ")), '') FROM " + table + " AS t")
      .value_or("NULL");
}

void PgConnectorTest::create_all_types_table(LibpqSession& db, const std::string& table) {
  std::string sql = R"sql(
    CREATE TYPE {table}_mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE {table} (
      id int PRIMARY KEY,
      b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8,
      n numeric(38, 10), nbig numeric, nsmall numeric(5, 2),
      t text, vc varchar(20), ch char(5), nm name, by bytea,
      d date, tm time, ts timestamp, tstz timestamptz, iv interval,
      u uuid, j json, jb jsonb, ip inet, net cidr, m {table}_mood,
      ai int4[], at text[], an numeric(10, 2)[], money_col money, tz timetz);
    INSERT INTO {table} VALUES
      (1, true, 32767, 2147483647, 9223372036854775807, 3.4028235e38, 1.7976931348623157e308,
       1234567890123456789012345678.0123456789, 'NaN', -999.99,
       'héllo, wörld', 'twenty chars max', 'ab', 'a_name', '\x00ff10'::bytea,
       'infinity', '23:59:59.999999', 'infinity', '-infinity', '1 year 2 mons -3 days 04:05:06.000007',
       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2,  3]}', '{"b": {"c": null}}',
       '192.168.1.10/24', '10.0.0.0/8', 'happy',
       '{1,NULL,3}', '{"x","y z",NULL}', '{1.50,-2.25}', 12.34, '12:00:00+02'),
      (2, false, -32768, -2147483648, -9223372036854775808, 'NaN', '-Infinity',
       -0.0000000001, '1e-1000', 0,
       '', '', '', '', ''::bytea,
       '-infinity', '00:00:00', '-infinity', 'infinity', '-178000000 years',
       '00000000-0000-0000-0000-000000000000', '[]', '[]', '::1', '2001:db8::/32', 'sad',
       '{}', '{}', '{}', -1, '00:00:00-11'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL),
      (4, true, 0, 0, 0, '-0', 'Infinity', 99999999999999999999999999.9999999999,
       '123456789012345678901234567890123456789012345678901234567890.123456789',
       999.99, E'line\nbreak\ttab "quote" ''single''', 'x', 'abcde', 'n', '\x'::bytea,
       '2024-02-29', '12:34:56', '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00+00',
       '0', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '"just a string"', '123', '0.0.0.0/0',
       '::/0', 'ok', '{-2147483648,2147483647}', '{""}', '{NULL}', 0, '23:59:59+14');
  )sql";
  for (size_t at = sql.find("{table}"); at != std::string::npos; at = sql.find("{table}")) {
    sql.replace(at, 7, table);
  }
  db.exec(sql);
}

namespace {

// Column names and declared types, in order.
std::string column_types(LibpqSession& db, const std::string& table) {
  std::string out;
  for (const auto& row : db.query(
           "SELECT attname || ' ' || format_type(atttypid, atttypmod) || "
           "CASE WHEN attnotnull THEN ' not null' ELSE '' END FROM pg_attribute WHERE attrelid = "
           "'" +
           table + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
    out += *row[0] + "\n";
  }
  return out;
}

}  // namespace

void PgConnectorTest::expect_same_all_types(LibpqSession& original, LibpqSession& copy,
                                            const std::string& table) {
  std::string expected_types = column_types(original, table);
  auto replace = [](std::string& text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace(expected_types, "m " + table + "_mood", "m text");
  replace(expected_types, "money_col money", "money_col text");
  EXPECT_EQ(column_types(copy, table), expected_types);
  EXPECT_EQ(table_digest(copy, table, "id"), table_digest(original, table, "id"));
  // Per-column checks with typed comparisons for the columns whose type is unchanged.
  for (const char* column :
       {"b",  "i2", "i4",   "i8", "f8", "n",  "nbig", "t",   "vc", "ch", "by", "d",
        "tm", "ts", "tstz", "iv", "u",  "jb", "ip",   "net", "ai", "at", "an"}) {
    const std::string c = column;
    auto rows = copy.query("SELECT id, " + c + "::text FROM " + table + " ORDER BY id");
    auto expected = original.query("SELECT id, " + c + "::text FROM " + table + " ORDER BY id");
    EXPECT_EQ(rows, expected) << "column " << c;
  }
}

}  // namespace rapidbyte::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new rapidbyte::test::ClusterEnvironment);
  return RUN_ALL_TESTS();
}
