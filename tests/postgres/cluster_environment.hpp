// The PostgreSQL cluster shared by every test of postgres_server_tests, and
// helpers to open the project's own client on it.
//
// cluster_environment.cpp owns main(): it starts one cluster (a gtest
// Environment) before the tests and stops it after. Users made there:
//   postgres  superuser, trust over TCP
//   rb_clear  password "clear-pw", pg_hba `password` (cleartext)
//   rb_md5    password "md5-pw", md5 verifier, pg_hba `md5`
//   rb_scram  password "scram-pw", pg_hba `scram-sha-256`
// The server runs with wal_level=logical.
#pragma once

#include <string>

#include "portable/postgres/connection.hpp"
#include "tests/support/postgres_cluster.hpp"

namespace rapidbyte::test {

// REQUIRES: called from a test (the environment is set up).
const PostgresCluster& cluster();

// A connection through a SocketTransport to the cluster's TCP port.
postgres::Result<postgres::Connection> connect_client(const std::string& user,
                                                      const std::string& password = {},
                                                      const std::string& database = "postgres");

// A logical replication connection (replication=database) as the superuser.
postgres::Result<postgres::Connection> connect_replication_client(
    const std::string& database = "postgres");

}  // namespace rapidbyte::test
