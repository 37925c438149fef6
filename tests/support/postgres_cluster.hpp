// PostgresCluster: a private PostgreSQL 15 server for one test binary.
//
// The constructor runs initdb into a fresh temporary directory, writes
// pg_hba.conf and postgresql.conf from the options, and starts the server on
// a free loopback port with its unix socket inside that directory; the
// destructor stops the server and removes the directory. PostgreSQL refuses
// to run as root, so when the tests run as root every server program runs as
// the unprivileged `postgres` user (Debian's package creates it; the harness
// creates it, idempotently, when it is missing).
//
// Host-side test code only. Start one cluster per test binary (a gtest
// Environment), not one per test: initdb takes about a second. Failures
// throw std::runtime_error with the server's log. Not copyable or movable.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace rapidbyte::test {

struct PostgresClusterOptions {
  // pg_hba.conf lines after the harness's own `local all postgres trust`
  // (which it needs for its own administration).
  std::vector<std::string> hba_lines = {"host all all 127.0.0.1/32 trust"};
  // Extra postgresql.conf settings, e.g. {"wal_level", "logical"}; values
  // are written as given (quote strings yourself: "'on'").
  std::vector<std::pair<std::string, std::string>> settings;
  // Turns ssl on with a freshly generated self-signed certificate for
  // CN=localhost (also valid for 127.0.0.1); see ca_file().
  bool ssl = false;
};

class PostgresCluster {
 public:
  explicit PostgresCluster(PostgresClusterOptions options = {});
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  static constexpr const char* kHost = "127.0.0.1";
  static constexpr const char* kSuperuser = "postgres";

  int port() const { return port_; }
  const std::filesystem::path& socket_dir() const { return dir_; }
  // The self-signed certificate (its own CA). REQUIRES: options.ssl.
  std::filesystem::path ca_file() const { return data_dir_ / "server.crt"; }

  // libpq conninfo for the superuser over the unix socket (always trusted).
  std::string admin_conninfo(const std::string& database = "postgres") const;
  // libpq conninfo over TCP loopback.
  std::string tcp_conninfo(const std::string& database, const std::string& user,
                           const std::string& password = {}) const;

  // Runs SQL as the superuser in `database`.
  void exec(const std::string& sql, const std::string& database = "postgres") const;

  // Creates a login role (idempotent). `password_encryption` is
  // "scram-sha-256" or "md5" (the stored verifier decides which auth an md5
  // pg_hba line really uses).
  void create_user(const std::string& name, const std::string& password,
                   const std::string& password_encryption = "scram-sha-256") const;
  // Creates a database (idempotent), owned by `owner` when given.
  void create_database(const std::string& name, const std::string& owner = {}) const;

  // Stops the server (fast: every connection ends) and starts it again on
  // the same port; returns when it accepts connections.
  void restart();

 private:
  void start();
  void stop() noexcept;
  std::string server_log() const;

  std::filesystem::path dir_;       // temp root; also the unix socket dir
  std::filesystem::path data_dir_;  // dir_/data
  std::string run_as_;              // empty when not root
  int port_ = 0;
  bool running_ = false;
};

}  // namespace rapidbyte::test
