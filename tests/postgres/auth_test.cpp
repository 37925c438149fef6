// Authentication against the real server, one pg_hba method per user.
#include <gtest/gtest.h>

#include "tests/postgres/cluster_environment.hpp"
#include "tests/support/libpq_session.hpp"

namespace rapidbyte::test {
namespace {

using postgres::Connection;
using postgres::Result;
using protocol::ErrorCategory;

std::string current_user(Connection& c) {
  auto r = c.simple_query("SELECT current_user");
  EXPECT_TRUE(r.has_value());
  return r ? *(*r)[0].rows[0][0] : "";
}

TEST(Auth, Trust) {
  Result<Connection> c = connect_client("postgres");
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  EXPECT_EQ(current_user(*c), "postgres");
}

TEST(Auth, Cleartext) {
  Result<Connection> c = connect_client("rb_clear", "clear-pw");
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  EXPECT_EQ(current_user(*c), "rb_clear");
}

TEST(Auth, Md5) {
  Result<Connection> c = connect_client("rb_md5", "md5-pw");
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  EXPECT_EQ(current_user(*c), "rb_md5");
}

TEST(Auth, ScramSha256) {
  Result<Connection> c = connect_client("rb_scram", "scram-pw");
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  EXPECT_EQ(current_user(*c), "rb_scram");
}

TEST(Auth, WrongPasswordIsAnAuthErrorWithTheServersMessage) {
  for (const char* user : {"rb_clear", "rb_md5", "rb_scram"}) {
    Result<Connection> c = connect_client(user, "wrong");
    ASSERT_FALSE(c.has_value()) << user;
    EXPECT_EQ(c.error().category, ErrorCategory::kAuth) << user;
    EXPECT_EQ(c.error().sqlstate, "28P01") << user;
    EXPECT_EQ(c.error().severity, "FATAL") << user;
    EXPECT_EQ(c.error().message,
              std::string("password authentication failed for user \"") + user + "\"");
    EXPECT_EQ(c.error().to_connector_error().category, ErrorCategory::kAuth);
    EXPECT_FALSE(c.error().to_connector_error().retryable);
  }
}

TEST(Auth, UnknownDatabaseIsAConfigError) {
  Result<Connection> c = connect_client("postgres", "", "no_such_db");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().sqlstate, "3D000");
  EXPECT_EQ(c.error().category, ErrorCategory::kConfig);
  EXPECT_EQ(c.error().message, "database \"no_such_db\" does not exist");
}

TEST(Auth, StartupParametersReachTheServer) {
  Result<Connection> c = connect_client("rb_scram", "scram-pw");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->parameter("application_name"), "rapidbyte-tests");
  EXPECT_EQ(c->parameter("client_encoding"), "UTF8");
  EXPECT_EQ(c->parameter("integer_datetimes"), "on");
  EXPECT_TRUE(c->parameter("server_version").value_or("").starts_with("15."));
  LibpqSession admin(cluster().admin_conninfo());
  EXPECT_EQ(admin.value("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                        "'rapidbyte-tests' AND usename = 'rb_scram'"),
            "1");
}

}  // namespace
}  // namespace rapidbyte::test
