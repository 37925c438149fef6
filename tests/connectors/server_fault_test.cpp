// The server failing under a PG -> PG run: its backend terminated, a
// restart, a pause, no free connection, a read-only or full destination.
// The proxy only marks the moment (a hook at a byte of the COPY); the
// faults themselves are the server's.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "tests/connectors/fault_fixture.hpp"

namespace rapidbyte::test {
namespace {

constexpr int kRows = 100'000;
constexpr uint64_t kMidCopy = 1u << 20;

// Terminates the backends of `database` running a COPY.
void terminate_copy_backends(const std::string& database) {
  cluster().exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                 database + "' AND query ILIKE 'COPY%' AND pid <> pg_backend_pid()");
}

TEST_F(FaultTest, SourceBackendTerminatedMidCopyIsRetriedAndExact) {
  seed("srv_term_src", kRows);
  auto marker = proxy();
  marker->on_bytes(kMidCopy, [] { terminate_copy_backends(kSourceDb); });
  expect_exact_after_fault(pipeline("srv_term_src", "replace", marker->port(), 0), "srv_term_src",
                           *marker, 2);
}

TEST_F(FaultTest, DestinationBackendTerminatedMidCopyIsRetriedAndExact) {
  seed("srv_term_dst", kRows);
  auto marker = proxy();
  marker->on_bytes(kMidCopy, [] { terminate_copy_backends(kDestDb); });
  expect_exact_after_fault(pipeline("srv_term_dst", "upsert", 0, marker->port()), "srv_term_dst",
                           *marker, 2);
}

// A full refresh's append commits once, at its end: the retry appends the
// stream once, not on top of a first attempt's rows.
TEST_F(FaultTest, DestinationBackendTerminatedMidFullRefreshAppendIsRetriedAndExact) {
  seed("srv_term_append", kRows);
  auto marker = proxy();
  marker->on_bytes(kMidCopy, [] { terminate_copy_backends(kDestDb); });
  expect_exact_after_fault(pipeline("srv_term_append", "append", 0, marker->port()),
                           "srv_term_append", *marker, 2);
}

// A fast restart ends every connection; the server is back before the
// client hears of it (the hook holds the COPY's next bytes until then).
TEST_F(FaultTest, ServerRestartMidCopyIsRetriedAndExact) {
  seed("srv_restart", kRows);
  auto marker = proxy();
  marker->on_bytes(kMidCopy, [] { mutable_cluster().restart(); });
  expect_exact_after_fault(pipeline("srv_restart", "replace", marker->port(), 0), "srv_restart",
                           *marker, 2);
}

// Every backend of the cluster stopped (SIGSTOP) for 20 s, as a paused VM
// would be: well inside the network timeout, so the run waits it out.
TEST_F(FaultTest, ServerPausedFor20SecondsIsWaitedOut) {
  seed("srv_pause", kRows);
  std::jthread resume;  // outlives the proxy, whose hook starts it
  auto marker = proxy();
  marker->on_bytes(kMidCopy, [&resume] {
    std::vector<pid_t> paused;
    for (const auto& row : LibpqSession(cluster().admin_conninfo())
                               .query("SELECT pid FROM pg_stat_activity WHERE pid <> "
                                      "pg_backend_pid()")) {
      paused.push_back(std::stoi(*row[0]));
      ::kill(paused.back(), SIGSTOP);
    }
    resume = std::jthread([paused] {
      std::this_thread::sleep_for(std::chrono::seconds(20));
      for (pid_t pid : paused) ::kill(pid, SIGCONT);
    });
  });
  expect_exact_after_fault(pipeline("srv_pause", "replace", marker->port(), 0), "srv_pause",
                           *marker, 1);
}

// Every connection slot taken: the run fails with the server's reason after
// its retries, and runs once slots are free again.
TEST_F(FaultTest, ExhaustedMaxConnectionsIsAClearErrorThenRuns) {
  seed("srv_slots", 1'000);
  std::vector<LibpqSession> hogs;
  for (;;) {
    try {
      hogs.emplace_back(cluster().tcp_conninfo(kSourceDb, kUser, kPassword));
    } catch (const std::runtime_error&) {
      break;  // no slot left for rb_user
    }
  }
  ASSERT_FALSE(hogs.empty());
  const std::string yaml =
      pipeline("srv_slots", "replace", 0, 0, "max_retries: 1, retry_base_delay_ms: 10");
  auto refused = run_pipeline(yaml, "srv_slots");
  ASSERT_FALSE(refused.succeeded());
  EXPECT_NE(refused.first_error().find("connection slots are reserved"), std::string::npos)
      << refused.first_error();
  EXPECT_EQ(refused.streams.at(0).attempts, 2u);
  hogs.clear();
  auto report = run_pipeline(yaml, "srv_slots");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  expect_copied("srv_slots");
}

// A read-only destination (a hot standby, or default_transaction_read_only)
// is no transient fault: one attempt, the server's reason, nothing written.
TEST_F(FaultTest, ReadOnlyDestinationFailsWithoutRetrying) {
  seed("srv_read_only", 100);
  cluster().create_database("rb_read_only", kUser);
  cluster().exec("ALTER DATABASE rb_read_only SET default_transaction_read_only = on");
  std::string yaml = pipeline("srv_read_only", "replace", 0, 0);
  yaml.replace(yaml.rfind(kDestDb), std::string(kDestDb).size(), "rb_read_only");
  auto report = run_pipeline(yaml, "srv_read_only");
  ASSERT_FALSE(report.succeeded());
  EXPECT_EQ(report.streams.at(0).attempts, 1u);
  EXPECT_NE(report.first_error().find("read-only transaction"), std::string::npos)
      << report.first_error();
  LibpqSession ro(cluster().tcp_conninfo("rb_read_only", kUser, kPassword));
  EXPECT_EQ(ro.value("SELECT to_regclass('srv_read_only') IS NULL"), "t");
}

// A tablespace on a 2 MiB tmpfs, owned by the cluster's user; unmounted
// (after its tablespace is dropped) when it goes out of scope.
class TinyTablespace {
 public:
  explicit TinyTablespace(std::filesystem::path mount_point)
      : mount_point_(std::move(mount_point)) {
    std::filesystem::create_directories(mount_point_);
    mounted_ = ::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=2m,mode=0700") == 0;
    if (!mounted_) return;
    struct ::stat cluster_dir{};
    ::stat(cluster().socket_dir().c_str(), &cluster_dir);
    if (::chown(mount_point_.c_str(), cluster_dir.st_uid, cluster_dir.st_gid) != 0) return;
    cluster().exec("CREATE TABLESPACE tiny LOCATION '" + mount_point_.string() + "'");
    cluster().exec("GRANT CREATE ON TABLESPACE tiny TO " + std::string(kUser));
  }
  ~TinyTablespace() {
    if (!mounted_) return;
    try {
      cluster().exec("DROP TABLESPACE IF EXISTS tiny");
    } catch (const std::exception&) {
      // the unmount below still runs; the cluster goes with the test binary
    }
    ::umount2(mount_point_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::filesystem::path mount_point_;
  bool mounted_ = false;
};

// The destination database's tables land on the tiny tablespace; a replace
// of 100,000 rows fills it: the run fails with the server's "No space left
// on device", the table it was replacing keeps its old rows and no staging
// table is left behind.
TEST_F(FaultTest, FullDiskFailsTheReplaceAndKeepsTheOldTable) {
  TinyTablespace tiny(cache_dir_ / "tiny_tablespace");
  if (!tiny.mounted())
    GTEST_SKIP() << "mounting a tmpfs needs CAP_SYS_ADMIN; the disk-full case is not run";
  cluster().create_database("rb_full", kUser);
  cluster().exec("ALTER DATABASE rb_full SET default_tablespace = tiny");
  {
    LibpqSession full(cluster().tcp_conninfo("rb_full", kUser, kPassword));
    full.exec(
        "CREATE TABLE srv_full (id bigint PRIMARY KEY, payload text NOT NULL, amount numeric "
        "NOT NULL) TABLESPACE pg_default; INSERT INTO srv_full VALUES (1, 'old', 1)");
  }
  seed("srv_full", kRows);

  std::string yaml = pipeline("srv_full", "replace", 0, 0, "max_retries: 0");
  yaml.replace(yaml.rfind(kDestDb), std::string(kDestDb).size(), "rb_full");
  auto report = run_pipeline(yaml, "srv_full");
  ASSERT_FALSE(report.succeeded());
  EXPECT_NE(report.first_error().find("No space left on device"), std::string::npos)
      << report.first_error();
  {
    LibpqSession full(cluster().tcp_conninfo("rb_full", kUser, kPassword));
    EXPECT_EQ(table_digest(full, "srv_full", "id"),
              "1:" + full.value("SELECT md5('(1,old,1)')").value_or(""));
    EXPECT_EQ(full.value("SELECT string_agg(relname, ',') FROM pg_class WHERE relkind = 'r' AND "
                         "relname LIKE '%srv_full%'"),
              "srv_full");
  }
  cluster().exec("DROP DATABASE rb_full WITH (FORCE)");
}

}  // namespace
}  // namespace rapidbyte::test
