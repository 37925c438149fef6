// The portable S3 client compiled to wasm (test-s3-client) running in
// wasmtime over the host's TCP, against a real S3-compatible server
// (versitygw, scripts/throwaway-s3.sh): objects, a paged listing, a range
// read and a multipart upload from inside the sandbox, checked from
// outside with the native client; and a host the sandbox does not grant
// refused, naming the connector and the host.
#include <gtest/gtest.h>

#include <memory>

#include "portable/s3/s3_client.hpp"
#include "tests/host/runtime_fixture.hpp"
#include "tests/s3/throwaway_s3_server.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

class S3WasmTest : public RuntimeTest {
 protected:
  static void SetUpTestSuite() {
    RuntimeTest::SetUpTestSuite();
    server_ = std::make_unique<ThrowawayS3Server>();
  }
  static void TearDownTestSuite() {
    server_.reset();
    RuntimeTest::TearDownTestSuite();
  }

  runtime::ConnectorResult<p::RunSummary> run_guest(std::vector<std::string> allowed_hosts) {
    runtime::SandboxPolicy policy;
    policy.allowed_hosts = std::move(allowed_hosts);
    auto guest = instantiate(test_guest("test-s3-client"), policy);
    EXPECT_TRUE(guest);
    if (!guest) return std::unexpected(p::ConnectorError{});
    const std::string config =
        R"({"host": "127.0.0.1", "port": )" + std::to_string(server_->port()) +
        R"(, "access_key_id": ")" + server_->access_key_id() + R"(", "secret_access_key": ")" +
        server_->secret_access_key() + R"(", "bucket": "wasm", "prefix": "p/", "objects": 3})";
    if (auto opened = guest->open(config); !opened) return std::unexpected(opened.error());
    return guest->run(p::RunRequest{});
  }

  static inline std::unique_ptr<ThrowawayS3Server> server_;
};

TEST_F(S3WasmTest, TheClientInTheSandboxWritesListsAndReadsObjects) {
  auto summary = run_guest({"127.0.0.1"});
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(services_.emitted.size(), 1u);
  const std::string line(services_.emitted[0].begin(), services_.emitted[0].end());
  EXPECT_EQ(line, "p/object-0,p/object-1,p/object-2 nten " + std::to_string((5 << 20) + 4));

  // What the guest wrote, read from outside the sandbox.
  s3::S3Client native = server_->client();
  auto object = native.get_object("wasm", "p/object-1");
  ASSERT_TRUE(object) << object.error().message;
  EXPECT_EQ(std::string(object->begin(), object->end()), "content 1");
  auto tail = native.get_object("wasm", "p/multipart", s3::ByteRange{5 << 20, 4});
  ASSERT_TRUE(tail) << tail.error().message;
  EXPECT_EQ(std::string(tail->begin(), tail->end()), "tail");
}

TEST_F(S3WasmTest, AHostTheSandboxDoesNotGrantIsRefused) {
  auto summary = run_guest({"192.0.2.1"});
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().message,
            "S3 PUT s3://wasm/: connector 'test-s3-client' may not connect to host '127.0.0.1': "
            "not in its allowed network hosts");
  EXPECT_EQ(summary.error().category, protocol::ErrorCategory::kPermission);
}

}  // namespace
}  // namespace rapidbyte::test
