// State faults: a SQLite state file that is corrupt, locked by another
// writer, read-only, written by a newer build, or deleted while a run has it
// open; a PostgreSQL state server that ends the session or restarts mid-run.
// Every error names the state database and what was wrong, nothing is
// repaired or lost silently, and no error shows a password. Real files and a
// real PostgreSQL server throughout.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "host/engine/state/postgres_state_backend.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "tests/support/libpq_session.hpp"
#include "tests/support/postgres_cluster.hpp"

namespace rapidbyte::engine {
namespace {

namespace fs = std::filesystem;
namespace p = rapidbyte::protocol;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

StoredCursor int_cursor(int64_t value) {
  return {"id", p::CursorValue(std::in_place_index<p::cursor_kind::kInt64>, value)};
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A second SQLite connection to a state file: another process's view.
class RawSqlite {
 public:
  explicit RawSqlite(const fs::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK) << path;
  }
  ~RawSqlite() { sqlite3_close(db_); }
  RawSqlite(const RawSqlite&) = delete;
  RawSqlite& operator=(const RawSqlite&) = delete;
  void exec(const std::string& sql) {
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << sql << ": " << (message ? message : "");
    sqlite3_free(message);
  }

 private:
  sqlite3* db_ = nullptr;
};

// A fresh directory per test that every user may enter (the read-only tests
// open files in it as another user).
class SqliteStateFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "rapidbyte-state-fault-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    path_ = dir_ / "state.db";
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(dir_, ignored);
  }

  // A state file with a run, a cursor and enough dead letters to span a
  // few dozen pages; closed, so its WAL is checkpointed into it.
  void write_state_file() {
    auto db = SqliteStateBackend::open(path_);
    ASSERT_TRUE(db) << db.error();
    ASSERT_TRUE((*db)->begin_run("orders"));
    ASSERT_TRUE((*db)->set_cursor("orders", "s", int_cursor(42)));
    p::DlqRecord record{"s", std::string(200, 'r'), {}};
    ASSERT_TRUE((*db)->add_dead_letters(std::vector<DlqEntry>(500, {"orders", 1, record})));
  }

  std::string expected_error(const std::string& what, const std::string& why) const {
    return "state database " + path_.string() + ": " + what + ": " + why;
  }

  fs::path dir_;
  fs::path path_;
};

TEST_F(SqliteStateFaultTest, GarbageFileIsRefusedAndLeftAsItIs) {
  std::ofstream(path_) << std::string(4096, 'x');
  const std::string before = file_bytes(path_);
  auto db = SqliteStateBackend::open(path_);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message,
            expected_error("cannot open",
                           "not a valid state database (file is not a database); "
                           "the file was left as it is"));
  EXPECT_EQ(db.error().kind, StateError::Kind::kUnusable);  // no retry helps
  EXPECT_EQ(file_bytes(path_), before);
}

TEST_F(SqliteStateFaultTest, TruncatedStateFileIsRefusedAndLeftAsItIs) {
  write_state_file();
  fs::resize_file(path_, fs::file_size(path_) / 2);
  const std::string before = file_bytes(path_);
  auto db = SqliteStateBackend::open(path_);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message, expected_error("cannot open",
                                               "not a valid state database (database disk image is "
                                               "malformed); the file was left as it is"));
  EXPECT_EQ(file_bytes(path_), before);
}

TEST_F(SqliteStateFaultTest, DatabaseOfAnotherApplicationIsNotTakenOver) {
  {
    RawSqlite other(path_);
    other.exec("CREATE TABLE notes (body TEXT); CREATE TABLE tags (name TEXT)");
  }
  const std::string before = file_bytes(path_);
  auto db = SqliteStateBackend::open(path_);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message,
            expected_error("cannot open",
                           "not a valid state database (a SQLite database with "
                           "other tables: notes, tags); the file was left as it is"));
  EXPECT_EQ(db.error().kind, StateError::Kind::kUnusable);
  EXPECT_EQ(file_bytes(path_), before);
}

TEST_F(SqliteStateFaultTest, WriteWaitsOutAnotherWritersShortLock) {
  static_assert(SqliteStateBackend::kBusyTimeout == 10s);
  auto db = SqliteStateBackend::open(path_);  // the default busy timeout
  ASSERT_TRUE(db) << db.error();
  RawSqlite other(path_);
  other.exec("BEGIN EXCLUSIVE");
  auto release = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(300ms);
    other.exec("ROLLBACK");
  });
  auto put = (*db)->put("k", "v");  // begun while the other writer held the lock
  release.get();
  ASSERT_TRUE(put) << put.error();
  EXPECT_EQ((*db)->get("k").value(), "v");
}

TEST_F(SqliteStateFaultTest, WriteFailsNamingTheFileWhenALockOutlastsTheBusyTimeout) {
  auto db = SqliteStateBackend::open(path_, 200ms);
  ASSERT_TRUE(db) << db.error();
  {
    RawSqlite other(path_);
    other.exec("BEGIN EXCLUSIVE");
    auto put = (*db)->put("k", "v");
    ASSERT_FALSE(put);
    EXPECT_EQ(put.error().message,
              expected_error("cannot write state 'k'",
                             "database is locked: another connection held its write "
                             "lock for more than 0.2 s"));
    // A stage's state call that fails so is retried by the run.
    EXPECT_EQ(put.error().kind, StateError::Kind::kUnavailable);
    EXPECT_TRUE(connector_error(put.error()).retryable);
  }
  EXPECT_TRUE((*db)->put("k", "v"));  // usable again once the lock is gone
}

// What SqliteStateBackend::open(path) says in a child process without write
// access: as root, whom file modes do not bind, the child first becomes
// `nobody`. The child reports through a pipe and its exit code.
std::string open_error_without_write_access(const fs::path& path) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return "pipe2 failed";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    if (::geteuid() == 0) {
      const passwd* nobody = ::getpwnam("nobody");
      const uid_t uid = nobody ? nobody->pw_uid : 65534;
      const gid_t gid = nobody ? nobody->pw_gid : 65534;
      if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(2);
    }
    auto db = SqliteStateBackend::open(path);
    const std::string said = db ? std::string("opened") : db.error().message;
    const bool sent = ::write(fds[1], said.data(), said.size()) == ssize_t(said.size());
    ::_exit(sent ? 0 : 3);
  }
  ::close(fds[1]);
  std::string said;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) said.append(buffer, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  return said;
}

constexpr fs::perms kReadOnlyFile =
    fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
constexpr fs::perms kReadOnlyDir =
    kReadOnlyFile | fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;

TEST_F(SqliteStateFaultTest, ReadOnlyStateFileIsRefusedNamingIt) {
  write_state_file();
  fs::permissions(path_, kReadOnlyFile);
  fs::permissions(dir_, kReadOnlyDir);
  const std::string before = file_bytes(path_);
  EXPECT_EQ(open_error_without_write_access(path_),
            expected_error("cannot open", "the file cannot be written (Permission denied)"));
  EXPECT_EQ(file_bytes(path_), before);
}

TEST_F(SqliteStateFaultTest, StateFileInADirectoryWithoutWriteAccessIsRefusedNamingIt) {
  write_state_file();
  fs::permissions(path_, fs::perms::all & ~(fs::perms::owner_exec | fs::perms::group_exec |
                                            fs::perms::others_exec));
  fs::permissions(dir_, kReadOnlyDir);
  const std::string why = "cannot create files in its directory " + dir_.string() +
                          " (Permission denied), as SQLite must for its -wal and -shm files";
  EXPECT_EQ(open_error_without_write_access(path_), expected_error("cannot open", why));
  path_ = dir_ / "new.db";  // nor can a new state file be created there
  EXPECT_EQ(open_error_without_write_access(path_), expected_error("cannot open", why));
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(SqliteStateFaultTest, NewerSchemaIsRefusedAndLeftAsItIs) {
  write_state_file();
  RawSqlite(path_).exec("PRAGMA user_version = 99");
  const std::string before = file_bytes(path_);
  auto db = SqliteStateBackend::open(path_);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message,
            expected_error("cannot open",
                           "written by a newer version of rapidbyte (schema 99, this "
                           "build knows 1); the file was left as it is"));
  EXPECT_EQ(db.error().kind, StateError::Kind::kUnusable);
  EXPECT_EQ(file_bytes(path_), before);
}

constexpr const char* kGoneMidRun =
    "the file was deleted or replaced while the run had it open; this write is lost";

TEST_F(SqliteStateFaultTest, StateFileDeletedMidRunFailsEveryLaterWrite) {
  auto db = SqliteStateBackend::open(path_);
  ASSERT_TRUE(db) << db.error();
  auto run = (*db)->begin_run("orders");
  ASSERT_TRUE(run);
  ASSERT_TRUE((*db)->set_cursor("orders", "s", int_cursor(1)));
  fs::remove(path_);  // e.g. a cleanup job removing old state while the run goes on
  auto stored = (*db)->set_cursor("orders", "s", int_cursor(2));
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().message,
            expected_error("cannot store the cursor of stream 's'", kGoneMidRun));
  EXPECT_EQ(stored.error().kind, StateError::Kind::kUnusable);
  auto finished = (*db)->finish_run(*run, RunStatus::kSucceeded, 2, 20, "");
  ASSERT_FALSE(finished);  // the run fails instead of reporting success
  EXPECT_EQ(finished.error().message,
            expected_error("cannot record the end of run 1", kGoneMidRun));
  EXPECT_FALSE(fs::exists(path_)) << "nothing may write a new file behind the run's back";
  db->reset();
  // A new state file starts empty: the gone file's -wal is not applied to it.
  auto fresh = SqliteStateBackend::open(path_);
  ASSERT_TRUE(fresh) << fresh.error();
  EXPECT_EQ((*fresh)->cursor("orders", "s").value(), std::nullopt);
  EXPECT_TRUE((*fresh)->recent_runs("orders", 5).value().empty());
}

TEST_F(SqliteStateFaultTest, StateFileReplacedMidRunFailsTheWriteAndKeepsTheReplacement) {
  auto db = SqliteStateBackend::open(path_);
  ASSERT_TRUE(db) << db.error();
  ASSERT_TRUE((*db)->put("k", "1"));
  // A restore from a backup renamed into place.
  const fs::path backup = dir_ / "backup.db";
  ASSERT_TRUE(SqliteStateBackend::open(backup));
  const std::string restored = file_bytes(backup);
  fs::rename(backup, path_);
  auto put = (*db)->put("k", "2");
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().message, expected_error("cannot write state 'k'", kGoneMidRun));
  p::DlqRecord record{"s", "{}", {}};
  auto dead = (*db)->add_dead_letters({{"orders", 1, record}});
  ASSERT_FALSE(dead);
  EXPECT_EQ(dead.error().message, expected_error("cannot store dead letters", kGoneMidRun));
  db->reset();
  EXPECT_EQ(file_bytes(path_), restored);
  auto reopened = SqliteStateBackend::open(path_);
  ASSERT_TRUE(reopened) << reopened.error();
  EXPECT_EQ((*reopened)->get("k").value(), std::nullopt);
}

// The PostgreSQL state backend against a server whose sessions end under it:
// a fresh database per test on one cluster for the suite.
class PostgresStateFaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = std::make_unique<test::PostgresCluster>(); }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    database_ = "fault_" + std::to_string(++databases_);
    cluster_->create_database(database_);
  }

  std::unique_ptr<PostgresStateBackend> open() {
    auto db = PostgresStateBackend::open(cluster_->admin_conninfo(database_));
    EXPECT_TRUE(db) << db.error();
    return db ? std::move(*db) : nullptr;
  }
  // How errors name the backend open() connects to.
  std::string name() const {
    return "postgres://postgres@" + cluster_->socket_dir().string() + ":" +
           std::to_string(cluster_->port()) + "/" + database_;
  }

  test::LibpqSession admin() const { return test::LibpqSession(cluster_->admin_conninfo()); }
  // Ends the sessions of the test's database that match `where` (on
  // pg_stat_activity), as pg_terminate_backend does for an operator, and
  // waits until they are gone.
  void terminate_sessions(const std::string& where = "true") const {
    admin().exec("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '" +
                 database_ + "' AND pid <> pg_backend_pid() AND " + where);
  }
  // Waits until a session of the test's database waits for a lock.
  void await_lock_wait() const {
    auto watcher = admin();
    const std::string waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" +
                                database_ + "' AND wait_event_type = 'Lock'";
    for (const auto until = Clock::now() + 20s; watcher.value(waiting) != "1";) {
      ASSERT_LT(Clock::now(), until) << "no session waits for the lock";
      std::this_thread::sleep_for(10ms);
    }
  }
  // Blocks writers of a state row until the returned session commits.
  test::LibpqSession lock_rows(const std::string& table) const {
    test::LibpqSession blocker(cluster_->admin_conninfo(database_));
    blocker.exec("BEGIN");
    blocker.exec("SELECT 1 FROM rapidbyte_state." + table + " FOR UPDATE");
    return blocker;
  }

  static inline std::unique_ptr<test::PostgresCluster> cluster_;
  static inline int databases_ = 0;
  std::string database_;
};

// The lease `db` holds for "orders" keeps another run out.
void expect_lease_held(StateBackend& other) {
  auto refused = other.acquire_lease("orders");
  ASSERT_FALSE(refused) << "the lease was not taken again";
  EXPECT_TRUE(refused.error().message.starts_with(
      "pipeline 'orders' is already running (rapidbyte: pid " + std::to_string(::getpid())))
      << refused.error().message;
}

TEST_F(PostgresStateFaultTest, SessionEndedBetweenCallsReconnectsAndTakesTheLeaseAgain) {
  auto db = open();
  auto lease = db->acquire_lease("orders");
  ASSERT_TRUE(lease) << lease.error().message;
  auto run = db->begin_run("orders");
  ASSERT_TRUE(run);
  terminate_sessions();
  auto stored = db->set_cursor("orders", "s", int_cursor(7));
  ASSERT_TRUE(stored) << stored.error();
  expect_lease_held(*open());
  ASSERT_TRUE(db->finish_run(*run, RunStatus::kSucceeded, 1, 1, ""));
  EXPECT_EQ(open()->cursor("orders", "s").value(), int_cursor(7));
  EXPECT_EQ(open()->recent_runs("orders", 1).value().at(0).status, RunStatus::kSucceeded);
}

TEST_F(PostgresStateFaultTest, ServerRestartMidRunReconnectsAndTakesTheLeaseAgain) {
  auto db = open();
  auto lease = db->acquire_lease("orders");
  ASSERT_TRUE(lease) << lease.error().message;
  auto run = db->begin_run("orders");
  ASSERT_TRUE(run);
  cluster_->restart();
  auto stored = db->set_cursor("orders", "s", int_cursor(7));
  ASSERT_TRUE(stored) << stored.error();
  expect_lease_held(*open());
  ASSERT_TRUE(db->finish_run(*run, RunStatus::kSucceeded, 1, 1, ""));
  EXPECT_EQ(open()->cursor("orders", "s").value(), int_cursor(7));
}

TEST_F(PostgresStateFaultTest, LeaseTakenByAnotherRunWhileDisconnectedFailsTheRun) {
  auto db = open();
  auto lease = db->acquire_lease("orders");
  ASSERT_TRUE(lease) << lease.error().message;
  auto run = db->begin_run("orders");
  ASSERT_TRUE(run);
  ASSERT_TRUE(db->set_cursor("orders", "s", int_cursor(1)));
  terminate_sessions();
  auto other = open();
  auto taken = other->acquire_lease("orders");  // the lease died with the session
  ASSERT_TRUE(taken) << taken.error().message;

  auto stored = db->set_cursor("orders", "s", int_cursor(2));
  ASSERT_FALSE(stored);
  const std::string lost = name() +
                           ": cannot store the cursor of stream 's': the run lease of pipeline "
                           "'orders' was lost with the connection, and another run holds it now "
                           "(rapidbyte: pid " +
                           std::to_string(::getpid()) + " on host ";
  EXPECT_TRUE(stored.error().message.starts_with("state database " + lost)) << stored.error();
  EXPECT_EQ(stored.error().kind, StateError::Kind::kLeaseHeld);  // the run stops, no retry
  EXPECT_TRUE(stored.error().message.ends_with(
      "); this run stops so that two runs do not write the same cursors"))
      << stored.error();
  auto finished = db->finish_run(*run, RunStatus::kSucceeded, 1, 1, "");
  ASSERT_FALSE(finished);  // every later call fails the same way
  EXPECT_NE(finished.error().message.find("the run lease of pipeline 'orders' was lost"),
            std::string::npos)
      << finished.error();
  EXPECT_EQ(other->cursor("orders", "s").value(), int_cursor(1));
  EXPECT_EQ(other->recent_runs("orders", 1).value().at(0).status, RunStatus::kAbandoned);

  lease->reset();  // the run ends; the backend serves again
  EXPECT_TRUE(db->cursor("orders", "s"));
}

TEST_F(PostgresStateFaultTest, IdempotentStatementCutOffMidwayRunsAgainOnANewSession) {
  auto db = open();
  auto lease = db->acquire_lease("orders");
  ASSERT_TRUE(lease) << lease.error().message;
  ASSERT_TRUE(db->set_cursor("orders", "s", int_cursor(1)));
  auto blocker = lock_rows("cursors");
  auto stored =
      std::async(std::launch::async, [&] { return db->set_cursor("orders", "s", int_cursor(2)); });
  await_lock_wait();
  terminate_sessions("wait_event_type = 'Lock'");  // the backend's, while its UPDATE waits
  await_lock_wait();                               // the same UPDATE, on a new session
  blocker.exec("COMMIT");
  auto result = stored.get();
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(open()->cursor("orders", "s").value(), int_cursor(2));
  expect_lease_held(*open());
}

TEST_F(PostgresStateFaultTest, OtherStatementCutOffMidwayIsAnErrorAndTheNextCallReconnects) {
  auto db = open();
  ASSERT_TRUE(db->put("k", "a"));
  auto blocker = lock_rows("connector_state");
  auto swapped = std::async(std::launch::async,
                            [&] { return db->compare_and_set("k", std::string("a"), "b"); });
  await_lock_wait();
  terminate_sessions("wait_event_type = 'Lock'");
  auto result = swapped.get();
  blocker.exec("COMMIT");
  ASSERT_FALSE(result);
  EXPECT_TRUE(result.error().message.starts_with(
      "state database " + name() +
      ": cannot compare-and-set state 'k': the connection was lost while the statement ran, so "
      "it may or may not have been applied ("))
      << result.error();
  EXPECT_EQ(db->get("k").value(), "a");  // a new session; the cut-off UPDATE was rolled back
}

TEST_F(PostgresStateFaultTest, NewerSchemaIsRefusedAndLeftAsItIsWithoutShowingThePassword) {
  ASSERT_TRUE(open());
  cluster_->exec("INSERT INTO rapidbyte_state.schema_version VALUES (99)", database_);
  auto db = PostgresStateBackend::open(
      cluster_->tcp_conninfo(database_, test::PostgresCluster::kSuperuser, "s3cret-pw"));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message,
            "state database postgres://postgres:****@127.0.0.1:" +
                std::to_string(cluster_->port()) + "/" + database_ +
                ": cannot open: written by a newer version of rapidbyte (schema 99, "
                "this build knows 1); the database was left as it is");
  EXPECT_EQ(db.error().kind, StateError::Kind::kUnusable);
  test::LibpqSession state(cluster_->admin_conninfo(database_));
  EXPECT_EQ(state.value("SELECT string_agg(version::text, ',' ORDER BY version) FROM "
                        "rapidbyte_state.schema_version"),
            "1,99");
}

TEST_F(PostgresStateFaultTest, ConnectionErrorsNeverShowThePassword) {
  const std::string port = std::to_string(cluster_->port());
  for (const std::string& conninfo : {
           "postgresql://rb:s3cret-pw@127.0.0.1:" + port + "/no_such_database",
           std::string("postgresql://rb:s3cret%zz@127.0.0.1/db"),  // bad percent-encoding
           std::string("postgresql://rb:s3cret-pw@[::1/db"),       // unclosed IPv6 bracket
           std::string("postgresql://rb:s3cret-pw@127.0.0.1/db?bogus=1"),
           std::string("host=127.0.0.1 port=x password=s3cret-pw"),
           std::string("host=127.0.0.1 password=s3cret pw"),  // a space, unquoted
           std::string("host=127.0.0.1 password='s3cret-pw"),
       }) {
    auto db = PostgresStateBackend::open(conninfo);
    ASSERT_FALSE(db) << conninfo;
    EXPECT_TRUE(db.error().message.starts_with("state database ")) << db.error();
    EXPECT_EQ(db.error().message.find("s3cret"), std::string::npos) << db.error();
    EXPECT_EQ(db.error().message.find("pw"), std::string::npos) << db.error();
  }
}

}  // namespace
}  // namespace rapidbyte::engine
