#include "tests/postgres/cluster_environment.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "portable/postgres/replication/replication_commands.hpp"
#include "tests/support/socket_transport.hpp"

namespace rapidbyte::test {
namespace {

std::unique_ptr<PostgresCluster> g_cluster;

class ClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    PostgresClusterOptions options;
    options.hba_lines = {
        "host all postgres 127.0.0.1/32 trust",
        "host all rb_clear 127.0.0.1/32 password",
        "host all rb_md5 127.0.0.1/32 md5",
        "host all all 127.0.0.1/32 scram-sha-256",
    };
    // Logical replication (replication_test.cpp); a short sender timeout
    // makes the server send keepalives often.
    options.settings = {{"wal_level", "logical"},
                        {"max_wal_senders", "8"},
                        {"max_replication_slots", "8"},
                        {"wal_sender_timeout", "'20s'"}};
    g_cluster = std::make_unique<PostgresCluster>(options);
    g_cluster->create_user("rb_clear", "clear-pw");
    g_cluster->create_user("rb_md5", "md5-pw", "md5");
    g_cluster->create_user("rb_scram", "scram-pw");
  }
  void TearDown() override { g_cluster.reset(); }
};

}  // namespace

const PostgresCluster& cluster() {
  return *g_cluster;
}

namespace {

postgres::Result<postgres::Connection> connect_with(const postgres::ConnectOptions& options) {
  auto transport = SocketTransport::connect(PostgresCluster::kHost, cluster().port());
  if (!transport) return postgres::fail(std::move(transport).error());
  return postgres::Connection::connect(std::move(*transport), options);
}

postgres::ConnectOptions options_for(const std::string& user, const std::string& password,
                                     const std::string& database) {
  postgres::ConnectOptions options;
  options.user = user;
  options.password = password;
  options.database = database;
  options.application_name = "rapidbyte-tests";
  return options;
}

}  // namespace

postgres::Result<postgres::Connection> connect_client(const std::string& user,
                                                      const std::string& password,
                                                      const std::string& database) {
  return connect_with(options_for(user, password, database));
}

postgres::Result<postgres::Connection> connect_replication_client(const std::string& database) {
  postgres::ConnectOptions options = options_for("postgres", "", database);
  postgres::enable_logical_replication(options);
  return connect_with(options);
}

}  // namespace rapidbyte::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new rapidbyte::test::ClusterEnvironment);
  return RUN_ALL_TESTS();
}
