// test-tls-client.wasm: connects to the host and port in its config, asks the
// host to start TLS with the configured verification, writes "ping" and
// emits what the server answers as one batch, so host tests can check the
// host-side TLS upgrade end to end from inside the sandbox.
#include <string>

#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

namespace {

using namespace rapidbyte;

class TlsClient final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto config, sdk::JsonConfig::parse(config_json));
    auto host = config.get_string("host", "127.0.0.1");
    auto port = config.get_u64("port", 0);
    auto server_name = config.get_string("server_name", "localhost");
    auto verify = config.get_string("verify", "verify-full");
    auto ca_file = config.get_string("ca_file", "");
    for (auto* r : {&host, &server_name, &verify, &ca_file}) {
      if (!*r) return std::unexpected(r->error());
    }
    if (!port) return std::unexpected(port.error());
    host_ = *host;
    port_ = static_cast<uint16_t>(*port);
    options_.server_name = *server_name;
    options_.verify = *verify == "none"        ? protocol::TlsVerify::kNone
                      : *verify == "verify-ca" ? protocol::TlsVerify::kVerifyCa
                                               : protocol::TlsVerify::kVerifyFull;
    if (!ca_file->empty()) options_.ca_file = *ca_file;
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    RB_ASSIGN_OR_RETURN(auto stream, ctx.tcp_connect(host_, port_, 5000));
    RB_TRY(stream.start_tls(options_));
    const std::string ping = "ping";
    RB_TRY(stream.write({reinterpret_cast<const uint8_t*>(ping.data()), ping.size()}));
    std::string reply;
    while (reply.size() < 4) {
      RB_ASSIGN_OR_RETURN(auto bytes, stream.read(64));
      if (bytes.empty()) break;
      reply.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    RB_TRY(ctx.batch_emit({reinterpret_cast<const uint8_t*>(reply.data()), reply.size()}));
    return sdk::summary(protocol::ReadSummary{});
  }

 private:
  std::string host_;
  uint16_t port_ = 0;
  protocol::TlsOptions options_;
};

}  // namespace

RAPIDBYTE_EXPORT_SOURCE(TlsClient)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "test-tls-client",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Test guest: TCP + host-side TLS upgrade, ping/pong.",
  "capabilities": {"sync_modes": ["full_refresh"], "write_modes": []},
  "permissions": {"network": {"hosts": [], "hosts_from_config": ["host"]}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 64},
  "config_schema": {"type": "object"}
});
// clang-format on
