// The PostgreSQL cluster shared by every test of postgres_connector_tests,
// and the fixture that runs the PostgreSQL connectors against it.
//
// connector_environment.cpp owns main(): one cluster with ssl on and
// wal_level logical, the databases rb_src and rb_dst owned by rb_user (SCRAM
// password, REPLICATION), and the user rb_tls, which pg_hba admits over TLS
// only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/connector_catalog.hpp"
#include "host/engine/pipeline_runner.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "tests/host/runtime_fixture.hpp"
#include "tests/support/libpq_session.hpp"
#include "tests/support/postgres_cluster.hpp"

namespace rapidbyte::test {

inline constexpr const char* kUser = "rb_user";
inline constexpr const char* kPassword = "rb-secret-pw";
inline constexpr const char* kTlsUser = "rb_tls";
inline constexpr const char* kSourceDb = "rb_src";
inline constexpr const char* kDestDb = "rb_dst";

// REQUIRES: called from a test (the environment is set up).
const PostgresCluster& cluster();
// The same cluster, to stop and start it (server faults).
PostgresCluster& mutable_cluster();

// A connector config (JSON, also valid YAML flow style) for `database`;
// `extra` is appended inside the object (", \"schemas\": [...]").
std::string pg_config(const std::string& database, const std::string& extra = {},
                      const std::string& user = kUser, const std::string& password = kPassword);

// `rapidbyte -q --connector-dir <the build's> <command> <pipeline> <more...>`
// as an argument vector, the binary first.
std::vector<std::string> rapidbyte_command(const std::string& command,
                                           const std::filesystem::path& pipeline,
                                           const std::vector<std::string>& more = {});

// Starts `rapidbyte -q run <pipeline> <more...>` (stdout to /dev/null);
// returns its pid, or -1. `kill_at` arms a kill point
// (RAPIDBYTE_TEST_KILL_AT, e.g. "destination-commit:2"): the run ends
// itself with SIGKILL there (or stops, with ":stop").
pid_t start_run(const std::filesystem::path& pipeline, const std::string& kill_at = {},
                const std::vector<std::string>& more = {});
// Waits at most `limit` for `pid`; its exit code as wait_exit_code says, or
// nullopt when it still runs.
std::optional<int> wait_exit_code_for(pid_t pid, std::chrono::milliseconds limit);
// Waits for `pid`; its exit code, or 128 + the signal that ended it.
int wait_exit_code(pid_t pid);
// Runs `pipeline` once per kill point, in turn; each run must end at its
// point (SIGKILL) or succeed. `after_kill` runs after each killed run.
// Returns how many runs were killed.
int run_killed_at(const std::filesystem::path& pipeline, const std::vector<std::string>& points,
                  const std::function<void()>& after_kill = {});

class PgConnectorTest : public rapidbyte::test::RuntimeTest {
 protected:
  // Sessions as rb_user (the user the pipelines connect as).
  LibpqSession src() { return LibpqSession(cluster().tcp_conninfo(kSourceDb, kUser, kPassword)); }
  LibpqSession dst() { return LibpqSession(cluster().tcp_conninfo(kDestDb, kUser, kPassword)); }

  // Runs a pipeline through the engine with a SQLite state file named
  // `state` (kept across calls, so incremental runs resume).
  engine::RunReport run_pipeline(const std::string& yaml, const std::string& state,
                                 const engine::RunOptions& options = {});

  // The YAML of a PG -> PG pipeline of one stream.
  static std::string pipeline_yaml(const std::string& name, const std::string& stream_yaml,
                                   const std::string& destination_extra = {},
                                   const std::string& resources = {},
                                   const std::string& source_extra = {});

  // One connector instance allowed to reach the cluster.
  std::unique_ptr<runtime::ConnectorInstance> instance(const std::string& connector);

  // md5 over the rows of `table` ordered by `order`, as text.
  static std::string table_digest(LibpqSession& db, const std::string& table,
                                  const std::string& order);

  // Creates `table` (and its enum type) with a column of every type the
  // connectors carry and four rows of edge values (NULLs, extremes,
  // infinities, NaN, empty strings and arrays).
  static void create_all_types_table(LibpqSession& db, const std::string& table);
  // Expects `table` in `copy` to hold what it holds in `original`: the same
  // declared types (the enum and money become text) and, row by row and
  // column by column, the same text.
  static void expect_same_all_types(LibpqSession& original, LibpqSession& copy,
                                    const std::string& table);
};

}  // namespace rapidbyte::test
