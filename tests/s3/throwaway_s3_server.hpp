// ThrowawayS3Server: the real S3-compatible server of the S3 tests
// (versitygw through scripts/throwaway-s3.sh: a free loopback port, a key
// made for this start), stopped and removed when destroyed; and native
// S3 clients of it over plain sockets. Host-side test code only.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "portable/s3/s3_client.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/socket_transport.hpp"
#include "tests/support/temp_dir.hpp"

namespace rapidbyte::test {

// A plain socket as the S3 client's connection.
class SocketByteStream final : public s3::ByteStream {
 public:
  explicit SocketByteStream(std::unique_ptr<SocketTransport> socket) : socket_(std::move(socket)) {}
  s3::Result<size_t> read(std::span<uint8_t> buffer) override {
    auto got = socket_->read(buffer);
    if (!got) return s3::fail(got.error().message);
    return *got;
  }
  s3::Result<void> write(std::span<const uint8_t> data) override {
    if (auto sent = socket_->write(data); !sent) return s3::fail(sent.error().message);
    return {};
  }

 private:
  std::unique_ptr<SocketTransport> socket_;
};

class ThrowawayS3Server {
 public:
  // `tls`: https, with a self-signed certificate for 127.0.0.1 (ca_file()).
  explicit ThrowawayS3Server(bool tls = false) : dir_("s3") {
    // "export K=V K=V ..."
    std::istringstream words(tls ? script("start", "--tls") : script("start"));
    std::string word;
    while (words >> word) {
      const size_t eq = word.find('=');
      if (eq != std::string::npos) env_[word.substr(0, eq)] = word.substr(eq + 1);
    }
    const std::string& endpoint = env_.at("S3_ENDPOINT");
    port_ = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
  }
  ~ThrowawayS3Server() {
    run_command({"bash", std::string(RAPIDBYTE_SOURCE_DIR) + "/scripts/throwaway-s3.sh", "stop",
                 server_dir()});
  }
  ThrowawayS3Server(const ThrowawayS3Server&) = delete;
  ThrowawayS3Server& operator=(const ThrowawayS3Server&) = delete;

  // Kills the server (SIGKILL) and starts it again on its port and objects.
  void restart() { script("restart"); }

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" (https with tls).
  const std::string& endpoint() const { return env_.at("S3_ENDPOINT"); }
  // The certificate an https server presents: the CA to trust.
  const std::string& ca_file() const { return env_.at("S3_CA_FILE"); }

  // Creates bucket `name` in the server's directory (its POSIX backend
  // keeps a bucket as a directory), for servers the native client cannot
  // reach (https).
  void create_bucket_directory(const std::string& name) const {
    std::filesystem::create_directories(std::filesystem::path(server_dir()) / "objects" / name);
  }
  const std::string& access_key_id() const { return env_.at("AWS_ACCESS_KEY_ID"); }
  const std::string& secret_access_key() const { return env_.at("AWS_SECRET_ACCESS_KEY"); }

  // A native client of the server, signing with `secret` (the server's
  // when empty); `connects`, when given, counts the connections it opens.
  s3::S3Client client(std::string secret = {}, int* connects = nullptr) const {
    s3::S3Config config;
    config.endpoint.host = "127.0.0.1";
    config.endpoint.port = port_;
    config.endpoint.tls = false;
    config.credentials = {access_key_id(), secret.empty() ? secret_access_key() : secret, ""};
    const int port = port_;
    return s3::S3Client(
        config,
        [port, connects]() -> s3::Result<std::unique_ptr<s3::ByteStream>> {
          if (connects) ++*connects;
          auto socket = SocketTransport::connect("127.0.0.1", port);
          if (!socket) return s3::fail(socket.error().message);
          return std::make_unique<SocketByteStream>(std::move(*socket));
        },
        [] {
          return std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
              .count();
        },
        [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); });
  }

 private:
  std::string server_dir() const { return (dir_.path() / "server").string(); }
  std::string script(const std::string& action, const std::string& option = {}) const {
    std::vector<std::string> argv = {"bash",
                                     std::string(RAPIDBYTE_SOURCE_DIR) + "/scripts/throwaway-s3.sh",
                                     action, server_dir()};
    if (!option.empty()) argv.push_back(option);
    return run_command_checked(argv);
  }

  TempDir dir_;
  std::map<std::string, std::string> env_;
  int port_ = 0;
};

}  // namespace rapidbyte::test
