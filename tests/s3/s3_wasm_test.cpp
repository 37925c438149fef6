// The portable S3 client compiled to wasm (test-s3-client) running in
// wasmtime over the host's TCP, against a real S3-compatible server
// (versitygw, scripts/throwaway-s3.sh): objects, a paged listing, a range
// read and a multipart upload from inside the sandbox, checked from
// outside with the native client; and a host the sandbox does not grant
// refused, naming the connector and the host.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "portable/s3/s3_client.hpp"
#include "tests/host/runtime_fixture.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/socket_transport.hpp"
#include "tests/support/temp_dir.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

class S3WasmTest : public RuntimeTest {
 protected:
  static void SetUpTestSuite() {
    RuntimeTest::SetUpTestSuite();
    dir_ = std::make_unique<TempDir>("s3-wasm");
    std::istringstream words(run_command_checked({"bash", script(), "start", server_dir()}));
    std::string word;
    while (words >> word) {
      const size_t eq = word.find('=');
      if (eq != std::string::npos) env_[word.substr(0, eq)] = word.substr(eq + 1);
    }
    port_ = std::stoi(env_["S3_ENDPOINT"].substr(env_["S3_ENDPOINT"].rfind(':') + 1));
  }
  static void TearDownTestSuite() {
    run_command({"bash", script(), "stop", server_dir()});
    dir_.reset();
    RuntimeTest::TearDownTestSuite();
  }
  static std::string script() {
    return std::string(RAPIDBYTE_SOURCE_DIR) + "/scripts/throwaway-s3.sh";
  }
  static std::string server_dir() { return (dir_->path() / "server").string(); }

  runtime::ConnectorResult<p::RunSummary> run_guest(std::vector<std::string> allowed_hosts) {
    runtime::SandboxPolicy policy;
    policy.allowed_hosts = std::move(allowed_hosts);
    auto guest = instantiate(test_guest("test-s3-client"), policy);
    EXPECT_TRUE(guest);
    if (!guest) return std::unexpected(p::ConnectorError{});
    const std::string config = R"({"host": "127.0.0.1", "port": )" + std::to_string(port_) +
                               R"(, "access_key_id": ")" + env_["AWS_ACCESS_KEY_ID"] +
                               R"(", "secret_access_key": ")" + env_["AWS_SECRET_ACCESS_KEY"] +
                               R"(", "bucket": "wasm", "prefix": "p/", "objects": 3})";
    if (auto opened = guest->open(config); !opened) return std::unexpected(opened.error());
    return guest->run(p::RunRequest{});
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::map<std::string, std::string> env_;
  static inline int port_ = 0;
};

TEST_F(S3WasmTest, TheClientInTheSandboxWritesListsAndReadsObjects) {
  auto summary = run_guest({"127.0.0.1"});
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(services_.emitted.size(), 1u);
  const std::string line(services_.emitted[0].begin(), services_.emitted[0].end());
  EXPECT_EQ(line, "p/object-0,p/object-1,p/object-2 nten " + std::to_string((5 << 20) + 4));

  // What the guest wrote, read from outside the sandbox.
  s3::S3Config config;
  config.endpoint.host = "127.0.0.1";
  config.endpoint.port = port_;
  config.endpoint.tls = false;
  config.credentials = {env_["AWS_ACCESS_KEY_ID"], env_["AWS_SECRET_ACCESS_KEY"], ""};
  s3::S3Client native(
      config,
      []() -> s3::Result<std::unique_ptr<s3::ByteStream>> {
        auto socket = SocketTransport::connect("127.0.0.1", port_);
        if (!socket) return s3::fail(socket.error().message);
        struct Stream final : s3::ByteStream {
          std::unique_ptr<SocketTransport> socket;
          s3::Result<size_t> read(std::span<uint8_t> b) override {
            auto got = socket->read(b);
            if (!got) return s3::fail(got.error().message);
            return *got;
          }
          s3::Result<void> write(std::span<const uint8_t> d) override {
            if (auto sent = socket->write(d); !sent) return s3::fail(sent.error().message);
            return {};
          }
        };
        auto stream = std::make_unique<Stream>();
        stream->socket = std::move(*socket);
        return stream;
      },
      [] { return static_cast<int64_t>(std::time(nullptr)); }, [](std::chrono::milliseconds) {});
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
}

}  // namespace
}  // namespace rapidbyte::test
