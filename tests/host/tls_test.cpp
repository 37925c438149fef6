// Host-side TLS (host-io tcp-start-tls): a guest connects to a real TLS
// server on loopback and asks the host to upgrade the connection; the host
// verifies the certificate as asked. The certificate is made fresh by the
// openssl command for "localhost" and is its own CA.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "portable/base/try.hpp"
#include "tests/host/runtime_fixture.hpp"
#include "tests/support/loopback_listener.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

// A TLS server on a free loopback port that answers "pong" to one client per
// accepted connection, until destroyed.
class PongServer {
 public:
  PongServer(const std::filesystem::path& cert, const std::filesystem::path& key) {
    context_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_file(context_, cert.c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(context_, key.c_str(), SSL_FILETYPE_PEM);
    thread_ = std::jthread([this] { serve(); });
  }
  ~PongServer() {
    listener_.shut_down();
    thread_.join();
    SSL_CTX_free(context_);
  }
  uint16_t port() const { return listener_.port(); }

 private:
  void serve() {
    for (;;) {
      const int fd = ::accept(listener_.fd(), nullptr, nullptr);
      if (fd < 0) return;
      SSL* ssl = SSL_new(context_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        char buf[16];
        if (SSL_read(ssl, buf, 4) == 4) SSL_write(ssl, "pong", 4);
        SSL_shutdown(ssl);
      }
      SSL_free(ssl);
      ::close(fd);
    }
  }

  SSL_CTX* context_;
  test::LoopbackListener listener_;
  std::jthread thread_;
};

class TlsTest : public RuntimeTest {
 protected:
  static void SetUpTestSuite() {
    RuntimeTest::SetUpTestSuite();
    dir_ = cache_dir_ / "tls";
    std::filesystem::create_directories(dir_);
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
        " -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
        " -keyout " +
        (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    server_ = std::make_unique<PongServer>(dir_ / "cert.pem", dir_ / "key.pem");
  }
  static void TearDownTestSuite() {
    server_.reset();
    RuntimeTest::TearDownTestSuite();
  }

  // Runs test-tls-client with `config` (host, port filled in) and returns
  // what the server answered, or the run's error.
  runtime::ConnectorResult<std::string> exchange(const std::string& extra_config) {
    runtime::SandboxPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    auto guest = instantiate(test_guest("test-tls-client"), policy);
    EXPECT_TRUE(guest);
    const std::string config = R"({"host": "127.0.0.1", "port": )" +
                               std::to_string(server_->port()) +
                               (extra_config.empty() ? "" : ", " + extra_config) + "}";
    RB_TRY(guest->open(config));
    p::RunRequest request;
    RB_TRY(guest->run(request));
    EXPECT_EQ(services_.emitted.size(), 1u);
    return std::string(services_.emitted[0].begin(), services_.emitted[0].end());
  }

  static inline std::filesystem::path dir_;
  static inline std::unique_ptr<PongServer> server_;
};

TEST_F(TlsTest, VerifyFullWithTheCaSucceeds) {
  auto reply = exchange(R"("ca_file": ")" + (dir_ / "cert.pem").string() + R"(")");
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(*reply, "pong");
}

TEST_F(TlsTest, VerifyFullWithoutTheCaFails) {
  auto reply = exchange("");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().category, p::ErrorCategory::kConfig);
  EXPECT_EQ(reply.error().code, "TLS_VERIFY");
  EXPECT_EQ(reply.error().message,
            "server certificate for 'localhost' could not be verified: self-signed certificate");
}

TEST_F(TlsTest, VerifyFullWithAnotherNameFails) {
  auto reply = exchange(R"("server_name": "db.example.com", "ca_file": ")" +
                        (dir_ / "cert.pem").string() + R"(")");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "TLS_VERIFY");
  EXPECT_EQ(reply.error().message,
            "server certificate for 'db.example.com' could not be verified: hostname mismatch");
}

TEST_F(TlsTest, VerifyNoneEncryptsWithoutChecking) {
  auto reply = exchange(R"("verify": "none")");
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(*reply, "pong");
}

TEST_F(TlsTest, MissingCaFileIsAConfigError) {
  auto reply = exchange(R"("ca_file": "/nonexistent/ca.pem")");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "TLS_SETUP");
  EXPECT_TRUE(reply.error().message.starts_with("cannot load CA file '/nonexistent/ca.pem'"))
      << reply.error().message;
}

}  // namespace
}  // namespace rapidbyte::test
