// A pipeline run split over processes, as an orchestrator runs it: `plan`
// records the slices and holds their snapshot, each slice is a `run
// --stream S --partition I` of its own process, `finalize` publishes the
// stream. Exact under a concurrent writer (every slice in the plan's one
// snapshot); every step safe to repeat; a slice of a superseded plan, a
// finalize before every slice is done and a heap-page slice outside the
// plan's snapshot are refused, naming the stream.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <signal.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "tests/connectors/connector_environment.hpp"
#include "tests/support/run_command.hpp"

extern char** environ;

namespace rapidbyte::test {
namespace {

// The rows `sql` selects (one text column), with their multiplicity.
std::multiset<std::string> rows(LibpqSession& db, const std::string& sql) {
  std::multiset<std::string> out;
  for (const auto& row : db.query(sql)) out.insert(*row[0]);
  return out;
}

// `rapidbyte plan --json --hold` in a process of its own: the plan it
// printed, and the snapshot held until release().
class HeldPlan {
 public:
  explicit HeldPlan(const std::filesystem::path& pipeline) {
    int to_child[2];
    int from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, to_child[1]);
    posix_spawn_file_actions_addclose(&actions, from_child[0]);
    const std::vector<std::string> command =
        rapidbyte_command("plan", pipeline, {"--json", "--hold"});
    std::vector<char*> argv;
    for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    if (rc != 0) throw std::runtime_error("cannot start rapidbyte plan");
    char c = 0;
    while (::read(from_child[0], &c, 1) == 1 && c != '\n') json_ += c;
    ::close(from_child[0]);
    plan_.Parse(json_.c_str());
  }
  ~HeldPlan() { (void)release(); }

  const std::string& json() const { return json_; }
  // The plan of the first stream.
  const rapidjson::Value& stream() const { return plan_["streams"][0]; }
  std::string snapshot() const { return stream()["snapshot"].GetString(); }
  std::string generation() const { return std::to_string(stream()["generation"].GetUint64()); }
  bool parsed() const {
    return !plan_.HasParseError() && plan_.IsObject() && plan_.HasMember("streams");
  }

  // Closes the plan's standard input; its exit code.
  int release() {
    if (pid_ <= 0) return -1;
    ::close(stdin_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  std::string json_;
  rapidjson::Document plan_;
};

class SplitRunTest : public PgConnectorTest {
 protected:
  // A pipeline file whose state is a SQLite file of its own, or with
  // `state`, that state block.
  std::filesystem::path pipeline(const std::string& name, const std::string& streams,
                                 const std::string& destination_extra,
                                 const std::string& state = {}) {
    const auto dir = cache_dir_ / name;
    std::filesystem::create_directories(dir);
    const auto path = dir / "pipeline.yaml";
    std::ofstream(path) << pipeline_yaml(name, streams, destination_extra)
                        << (state.empty()
                                ? "state: {connection: " + (dir / "state.db").string() + "}\n"
                                : state);
    return path;
  }

  static CommandResult rapidbyte(const std::string& command, const std::filesystem::path& path,
                                 const std::vector<std::string>& more = {}) {
    return run_command(rapidbyte_command(command, path, more));
  }
  static CommandResult slice(const std::filesystem::path& path, const std::string& stream, int i,
                             std::vector<std::string> more = {}) {
    more.insert(more.begin(), {"--stream", stream, "--partition", std::to_string(i)});
    return rapidbyte("run", path, more);
  }

  // A source table `name` of `count` rows (id bigint PRIMARY KEY, note
  // text), and no destination table of that name nor its staging table.
  void keyed_table(const std::string& name, int count) {
    src().exec("DROP TABLE IF EXISTS " + name + "; CREATE TABLE " + name +
               " (id bigint PRIMARY KEY, note text); INSERT INTO " + name +
               " SELECT g, 'n' || g FROM generate_series(1, " + std::to_string(count) + ") g;");
    dst().exec("DROP TABLE IF EXISTS " + name + "; DROP TABLE IF EXISTS " + name + "__rb_append");
  }
};

// Four slices of heap pages, each its own process, read in the plan's held
// snapshot while a writer moves rows between pages: the replaced table is
// the source at the plan's instant, published only by finalize.
TEST_F(SplitRunTest, SlicesInTheirOwnProcessesAreTheTableAtThePlansInstant) {
  src().exec(
      "DROP TABLE IF EXISTS split_pages;"
      "CREATE TABLE split_pages (id bigint PRIMARY KEY, v int, pad text);"
      "INSERT INTO split_pages SELECT g, 0, repeat('x', 200) FROM generate_series(1, 20000) g;"
      "DELETE FROM split_pages WHERE id % 7 = 0;");
  dst().exec("DROP TABLE IF EXISTS split_pages");
  const auto path =
      pipeline("split_pages", "{name: split_pages, partitions: 4}", "  write_mode: replace\n");
  HeldPlan plan(path);
  ASSERT_TRUE(plan.parsed()) << plan.json();
  ASSERT_EQ(plan.stream()["partitions"].GetUint(), 4u) << plan.json();
  const std::string snapshot = plan.snapshot();
  // What the slices must read: the table in the plan's snapshot.
  LibpqSession at_plan = src();
  at_plan.exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
  at_plan.exec("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
  const auto expected = rows(at_plan, "SELECT t::text FROM split_pages t");
  at_plan.exec("COMMIT");

  // Updates move rows to other pages while the slices read.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    LibpqSession w = src();
    for (int round = 1; !stop; ++round) {
      w.exec("UPDATE split_pages SET v = " + std::to_string(round) + ", pad = repeat('y', 210) " +
             "WHERE id % 50 = " + std::to_string(round % 50));
    }
  });
  std::vector<std::thread> workers;
  std::vector<CommandResult> results(4);
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&, i] {
      results[i] = slice(path, "split_pages", i,
                         {"--snapshot", snapshot, "--generation", plan.generation()});
    });
  }
  for (auto& t : workers) t.join();
  stop = true;
  writer.join();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(results[i].exit_code, 0) << results[i].output;
  EXPECT_EQ(plan.release(), 0);
  // Nothing is published before finalize.
  EXPECT_EQ(dst().value("SELECT to_regclass('split_pages')::text"), std::nullopt);

  auto finalized = rapidbyte("finalize", path, {"--json"});
  ASSERT_EQ(finalized.exit_code, 0) << finalized.output;
  LibpqSession destination = dst();
  EXPECT_EQ(rows(destination, "SELECT t::text FROM split_pages t"), expected);
  // Finalized: nothing left to finalize, and no plan for a late slice.
  auto again = rapidbyte("finalize", path);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  auto late = slice(path, "split_pages", 1, {"--snapshot", snapshot});
  EXPECT_EQ(late.exit_code, 1) << late.output;
  EXPECT_NE(late.output.find("stream 'split_pages': no plan of its slices is recorded"),
            std::string::npos)
      << late.output;
}

// Key slices in snapshots of their own, each step repeated: a slice run
// again is not written again, a finalize before the last slice names it,
// a slice of a superseded plan and a heap-page slice without the plan's
// snapshot are refused.
TEST_F(SplitRunTest, EveryStepIsSafeToRepeatAndStaleStepsAreRefused) {
  keyed_table("split_keys", 3000);
  const auto path = pipeline("split_keys", "{name: split_keys, partitions: 3, partition_key: id}",
                             "  write_mode: append\n");
  auto planned = rapidbyte("plan", path, {"--json"});
  ASSERT_EQ(planned.exit_code, 0) << planned.output;
  rapidjson::Document plan;
  plan.Parse(planned.output.c_str());
  ASSERT_TRUE(plan.IsObject()) << planned.output;
  const std::string generation = std::to_string(plan["streams"][0]["generation"].GetUint64());

  ASSERT_EQ(slice(path, "split_keys", 0).exit_code, 0);
  auto repeated = slice(path, "split_keys", 0, {"--json"});
  ASSERT_EQ(repeated.exit_code, 0) << repeated.output;
  EXPECT_NE(repeated.output.find("\"finished_earlier\":[0]"), std::string::npos) << repeated.output;

  auto superseded = slice(path, "split_keys", 1, {"--generation", generation + "9"});
  EXPECT_EQ(superseded.exit_code, 1) << superseded.output;
  EXPECT_NE(superseded.output.find("stream 'split_keys': plan " + generation +
                                   "9 was superseded by plan " + generation),
            std::string::npos)
      << superseded.output;
  ASSERT_EQ(slice(path, "split_keys", 1, {"--generation", generation}).exit_code, 0);

  auto early = rapidbyte("finalize", path);
  EXPECT_EQ(early.exit_code, 1) << early.output;
  EXPECT_NE(
      early.output.find("cannot finalize stream 'split_keys': slices 2 of its 3 are not done"),
      std::string::npos)
      << early.output;
  // Append made the target as it would unsplit; the rows wait for finalize.
  if (dst().value("SELECT to_regclass('split_keys')::text")) {
    EXPECT_EQ(dst().value("SELECT count(*)::text FROM split_keys"), "0");
  }

  ASSERT_EQ(slice(path, "split_keys", 2).exit_code, 0);
  auto finalized = rapidbyte("finalize", path);
  ASSERT_EQ(finalized.exit_code, 0) << finalized.output;
  LibpqSession source = src();
  LibpqSession destination = dst();
  EXPECT_EQ(rows(destination, "SELECT t::text FROM (SELECT id, note FROM split_keys) t"),
            rows(source, "SELECT t::text FROM split_keys t"));

  // Heap pages: a slice needs the plan's snapshot.
  const auto pages =
      pipeline("split_keys_pages", "{name: split_keys, partitions: 2}", "  write_mode: upsert\n");
  ASSERT_EQ(rapidbyte("plan", pages).exit_code, 0);
  auto unsnapshotted = slice(pages, "split_keys", 0);
  EXPECT_EQ(unsnapshotted.exit_code, 1) << unsnapshotted.output;
  EXPECT_NE(unsnapshotted.output.find(
                "stream 'split_keys': slices of heap pages are read in the plan's snapshot only"),
            std::string::npos)
      << unsnapshotted.output;
  auto unknown = slice(pages, "split_kyes", 0);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("has no stream 'split_kyes'; did you mean 'split_keys'?"),
            std::string::npos)
      << unknown.output;
}

// A zombie: attempt A of a slice freezes (SIGSTOP) after its first batch
// and loses its lease (its state session ends, as in a network partition);
// attempt B takes the lease and commits the slice; then A wakes up and
// finishes its copy. A's commit finds the slice in the destination's ledger
// and rolls back: every row is in the table once.
TEST_F(SplitRunTest, AZombieAttemptCannotCommitASliceItsRetryCommitted) {
  keyed_table("zombie_keys", 20000);
  src().exec("DROP SCHEMA IF EXISTS rapidbyte_state CASCADE");
  const auto path = pipeline("zombie_keys", "{name: zombie_keys, partitions: 2, partition_key: id}",
                             "  write_mode: append\n",
                             "state: {backend: postgres, connection: \"" +
                                 cluster().tcp_conninfo(kSourceDb, kUser, kPassword) + "\"}\n");
  ASSERT_EQ(rapidbyte("plan", path).exit_code, 0);

  const pid_t zombie =
      start_run(path, "source-batch:1:stop", {"--stream", "zombie_keys", "--partition", "0"});
  ASSERT_GT(zombie, 0);
  auto stopped = [zombie] {
    std::ifstream stat("/proc/" + std::to_string(zombie) + "/stat");
    std::string pid, name, state;
    stat >> pid >> name >> state;
    return state == "T";
  };
  auto wait_until_stopped = [&] {
    for (int i = 0; i < 3000 && !stopped(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  };
  wait_until_stopped();
  ASSERT_TRUE(stopped()) << "the first attempt never reached its first batch";
  // The stop lands wherever the attempt's destination thread is; frozen
  // while it holds the target's lock (claiming the slices' ledger, for a
  // few statements), it would block its retry for good. Let it run out of
  // that transaction, then freeze it again.
  LibpqSession admin(cluster().admin_conninfo(kDestDb));
  auto holds_lock = [&] {
    return admin.value(
               "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
               "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") !=
           "0";
  };
  for (int round = 0; round < 100 && holds_lock(); ++round) {
    ::kill(zombie, SIGCONT);
    for (int i = 0; i < 5000 && holds_lock(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ::kill(zombie, SIGSTOP);
    wait_until_stopped();
  }
  ASSERT_TRUE(stopped());
  ASSERT_FALSE(holds_lock()) << "the first attempt keeps the target's lock";
  // Its lease goes with its state session.
  EXPECT_EQ(src().value("SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity "
                        "WHERE application_name LIKE 'rapidbyte: pid " +
                        std::to_string(zombie) + " %'"),
            "1");

  auto retry = slice(path, "zombie_keys", 0, {"--json"});
  ASSERT_EQ(retry.exit_code, 0) << retry.output;
  ::kill(zombie, SIGCONT);
  EXPECT_EQ(wait_exit_code(zombie), 0);

  ASSERT_EQ(slice(path, "zombie_keys", 1).exit_code, 0);
  auto finalized = rapidbyte("finalize", path);
  ASSERT_EQ(finalized.exit_code, 0) << finalized.output;
  LibpqSession source = src();
  LibpqSession destination = dst();
  EXPECT_EQ(rows(destination, "SELECT t::text FROM (SELECT id, note FROM zombie_keys) t"),
            rows(source, "SELECT t::text FROM zombie_keys t"));
  src().exec("DROP SCHEMA IF EXISTS rapidbyte_state CASCADE");
}

}  // namespace
}  // namespace rapidbyte::test
