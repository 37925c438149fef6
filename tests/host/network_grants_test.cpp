// The hosts the engine lets a connector reach: its manifest's hosts and the
// host of each config field it names, a URL's host only.
#include "host/engine/network_grants.hpp"

#include <gtest/gtest.h>

namespace rapidbyte::engine {
namespace {

TEST(NetworkGrantsTest, AUrlGrantsItsHostOnly) {
  EXPECT_EQ(host_of_config_value("http://127.0.0.1:7070"), "127.0.0.1");
  EXPECT_EQ(host_of_config_value("https://s3.eu-west-1.amazonaws.com"),
            "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(host_of_config_value("https://minio.internal:9000/some/path?x=1"), "minio.internal");
  EXPECT_EQ(host_of_config_value("http://user:secret@store.internal:80/"), "store.internal");
  EXPECT_EQ(host_of_config_value("http://[::1]:7070"), "::1");
  EXPECT_EQ(host_of_config_value("db.internal"), "db.internal");
  EXPECT_EQ(host_of_config_value("http://"), "");
}

TEST(NetworkGrantsTest, ManifestHostsAndConfigFields) {
  runtime::Manifest manifest;
  manifest.network_hosts = {"fixed.internal"};
  manifest.network_hosts_from_config = {"host", "endpoint", "missing", "port"};
  EXPECT_EQ(requested_hosts(manifest, R"({"host":"db.internal","endpoint":"http://127.0.0.1:7070",)"
                                      R"("port":5432})"),
            (std::vector<std::string>{"fixed.internal", "db.internal", "127.0.0.1"}));
  EXPECT_EQ(requested_hosts(manifest, "not json"), std::vector<std::string>{"fixed.internal"});
}

}  // namespace
}  // namespace rapidbyte::engine
