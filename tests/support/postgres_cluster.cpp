#include "tests/support/postgres_cluster.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/libpq_session.hpp"
#include "tests/support/loopback_listener.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin/";
constexpr const char* kServerUser = "postgres";

// A loopback port that was free a moment ago (the server binds it next).
int free_loopback_port() {
  return LoopbackListener(1).port();
}

// The unprivileged user servers run as when we are root, created if absent.
std::string ensure_server_user() {
  if (getpwnam(kServerUser) == nullptr) {
    run_command_checked(
        {"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", kServerUser});
  }
  return kServerUser;
}

void chown_to(const fs::path& path, const std::string& user) {
  const passwd* pw = getpwnam(user.c_str());
  if (pw == nullptr || chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw std::runtime_error("cannot chown " + path.string() + " to " + user);
  }
}

void append_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

PostgresCluster::PostgresCluster(PostgresClusterOptions options) {
  std::string tmpl = (fs::temp_directory_path() / "rapidbyte-pg-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  data_dir_ = dir_ / "data";
  try {
    if (geteuid() == 0) {
      run_as_ = ensure_server_user();
      chown_to(dir_, run_as_);
    }
    run_command_checked(
        {std::string(kBinDir) + "initdb", "-D", data_dir_.string(), "-U", kSuperuser,
         "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
        run_as_);

    std::string hba = "local all postgres trust\n";
    for (const std::string& line : options.hba_lines) hba += line + "\n";
    {
      std::ofstream out(data_dir_ / "pg_hba.conf", std::ios::trunc);
      out << hba;
    }

    std::ostringstream conf;
    conf << "\n# rapidbyte test harness\n"
         << "listen_addresses = '127.0.0.1'\n"
         << "unix_socket_directories = '" << dir_.string() << "'\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
         << "max_connections = 40\nshared_buffers = 32MB\n";
    if (options.ssl) {
      run_command_checked(
          {"openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-newkey", "rsa:2048",
           "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
           "-keyout", (data_dir_ / "server.key").string(), "-out",
           (data_dir_ / "server.crt").string()},
          run_as_);
      fs::permissions(data_dir_ / "server.key", fs::perms::owner_read | fs::perms::owner_write,
                      fs::perm_options::replace);
      conf << "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n";
    }
    for (const auto& [key, value] : options.settings) conf << key << " = " << value << "\n";
    append_file(data_dir_ / "postgresql.conf", conf.str());
    start();
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    throw;
  }
}

PostgresCluster::~PostgresCluster() {
  stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

void PostgresCluster::start() {
  // The port can be taken between probing and binding: retry a few times.
  for (int attempt = 0;; ++attempt) {
    port_ = free_loopback_port();
    CommandResult r = run_command({std::string(kBinDir) + "pg_ctl", "-D", data_dir_.string(), "-l",
                                   (dir_ / "server.log").string(), "-w", "-t", "60", "-o",
                                   "-p " + std::to_string(port_), "start"},
                                  run_as_);
    if (r.exit_code == 0) break;
    if (attempt == 2) {
      throw std::runtime_error("PostgreSQL did not start:\n" + r.output + "\n" + server_log());
    }
  }
  running_ = true;
}

void PostgresCluster::stop() noexcept {
  if (!running_) return;
  running_ = false;
  try {
    run_command({std::string(kBinDir) + "pg_ctl", "-D", data_dir_.string(), "-w", "-m", "immediate",
                 "stop"},
                run_as_);
  } catch (...) {
    // Nothing more to do in a destructor; the directory goes either way.
  }
}

void PostgresCluster::restart() {
  // pg_ctl restart keeps the options of the last start (postmaster.opts), so
  // the port too.
  CommandResult r =
      run_command({std::string(kBinDir) + "pg_ctl", "-D", data_dir_.string(), "-l",
                   (dir_ / "server.log").string(), "-w", "-t", "60", "-m", "fast", "restart"},
                  run_as_);
  if (r.exit_code != 0)
    throw std::runtime_error("PostgreSQL did not restart:\n" + r.output + "\n" + server_log());
}

std::string PostgresCluster::server_log() const {
  std::ifstream in(dir_ / "server.log");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string PostgresCluster::admin_conninfo(const std::string& database) const {
  return "host=" + dir_.string() + " port=" + std::to_string(port_) + " user=" + kSuperuser +
         " dbname=" + database;
}

std::string PostgresCluster::tcp_conninfo(const std::string& database, const std::string& user,
                                          const std::string& password) const {
  std::string out = std::string("host=") + kHost + " port=" + std::to_string(port_) +
                    " dbname=" + database + " user=" + user + " sslmode=disable";
  if (!password.empty()) out += " password=" + password;
  return out;
}

void PostgresCluster::exec(const std::string& sql, const std::string& database) const {
  LibpqSession(admin_conninfo(database)).exec(sql);
}

void PostgresCluster::create_user(const std::string& name, const std::string& password,
                                  const std::string& password_encryption) const {
  LibpqSession s(admin_conninfo());
  const std::string role = quote_ident(name);
  s.exec("SET password_encryption = " + s.literal(password_encryption));
  if (s.query("SELECT 1 FROM pg_roles WHERE rolname = " + s.literal(name)).empty()) {
    s.exec("CREATE ROLE " + role + " LOGIN");
  }
  s.exec("ALTER ROLE " + role + " PASSWORD " + s.literal(password));
}

void PostgresCluster::create_database(const std::string& name, const std::string& owner) const {
  LibpqSession s(admin_conninfo());
  if (s.query("SELECT 1 FROM pg_database WHERE datname = " + s.literal(name)).empty()) {
    std::string sql = "CREATE DATABASE " + quote_ident(name);
    if (!owner.empty()) sql += " OWNER " + quote_ident(owner);
    s.exec(sql);
  }
}

}  // namespace rapidbyte::test
