// test-s3-client.wasm: the portable S3 client running inside the sandbox
// over host TCP, driven by tests/s3/s3_wasm_test.cpp against a real
// S3-compatible server. `run` creates `bucket`, puts `objects` small
// objects under `prefix`, lists them (pages of 2), reads bytes 2..5 of the
// first, uploads one object in two parts (the first 5 MiB), and emits one
// line: "<listed keys, comma-separated> <range> <multipart size>". Client
// and server errors are returned as connector errors.
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"
#include "portable/s3/s3_client.hpp"

namespace {

using namespace rapidbyte;

// The S3 client's connection: the SDK's host-mediated TcpStream.
class HostStream final : public s3::ByteStream {
 public:
  explicit HostStream(sdk::TcpStream stream) : stream_(std::move(stream)) {}
  s3::Result<size_t> read(std::span<uint8_t> buffer) override {
    auto bytes = stream_.read(static_cast<uint32_t>(std::min<size_t>(buffer.size(), 1u << 20)));
    if (!bytes) return s3::fail(bytes.error().message);
    const size_t n = std::min(bytes->size(), buffer.size());
    std::copy_n(bytes->data(), n, buffer.begin());
    return n;
  }
  s3::Result<void> write(std::span<const uint8_t> data) override {
    if (auto w = stream_.write(data); !w) return s3::fail(w.error().message);
    return {};
  }

 private:
  sdk::TcpStream stream_;
};

sdk::Result<void> check(const s3::Result<void>& done) {
  if (!done) return sdk::data_error(done.error().message, "S3");
  return {};
}
template <class T>
sdk::Result<T> check(s3::Result<T> done) {
  if (!done) return sdk::data_error(done.error().message, "S3");
  return std::move(*done);
}

std::span<const uint8_t> bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

class S3ClientGuest final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto config, sdk::JsonConfig::parse(config_json));
    RB_ASSIGN_OR_RETURN(host_, config.get_string("host", "127.0.0.1"));
    RB_ASSIGN_OR_RETURN(auto port, config.get_u64("port", 7070));
    RB_ASSIGN_OR_RETURN(access_key_, config.get_string("access_key_id", ""));
    RB_ASSIGN_OR_RETURN(secret_key_, config.get_string("secret_access_key", ""));
    RB_ASSIGN_OR_RETURN(bucket_, config.get_string("bucket", "wasm"));
    RB_ASSIGN_OR_RETURN(prefix_, config.get_string("prefix", "p/"));
    RB_ASSIGN_OR_RETURN(auto objects, config.get_u64("objects", 3));
    port_ = static_cast<uint16_t>(port);
    objects_ = static_cast<int>(objects);
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    const std::string host = host_;
    const uint16_t port = port_;
    s3::S3Client client(
        s3::S3Config{.endpoint = {.host = host, .port = port, .tls = false},
                     .credentials = {access_key_, secret_key_, ""}},
        [&ctx, host, port]() -> s3::Result<std::unique_ptr<s3::ByteStream>> {
          auto stream = ctx.tcp_connect(host, port, 5000);
          if (!stream) {
            const protocol::ErrorCategory category = stream.error().category;
            return std::unexpected(
                s3::Error{.message = stream.error().message,
                          .permanent = category == protocol::ErrorCategory::kPermission ||
                                       category == protocol::ErrorCategory::kConfig});
          }
          return std::make_unique<HostStream>(std::move(*stream));
        },
        [] {
          return std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
              .count();
        },
        [](std::chrono::milliseconds wait) {
          // A guest has no threads; WASI's clock sleep waits.
          const timespec ts{static_cast<time_t>(wait.count() / 1000),
                            static_cast<long>(wait.count() % 1000 * 1000000)};
          nanosleep(&ts, nullptr);
        });

    RB_TRY(check(client.create_bucket(bucket_)));
    for (int i = 0; i < objects_; ++i) {
      RB_TRY(check(client.put_object(bucket_, prefix_ + "object-" + std::to_string(i),
                                     bytes("content " + std::to_string(i)))));
    }
    RB_ASSIGN_OR_RETURN(auto listed, check(client.list_objects(bucket_, prefix_, 2)));
    std::string line;
    for (const s3::ListedObject& object : listed) line += (line.empty() ? "" : ",") + object.key;
    RB_ASSIGN_OR_RETURN(
        auto range, check(client.get_object(bucket_, prefix_ + "object-0", s3::ByteRange{2, 4})));
    line += " " + std::string(range.begin(), range.end());

    const std::string part(5 << 20, 'p');
    const std::string key = prefix_ + "multipart";
    RB_ASSIGN_OR_RETURN(auto id, check(client.start_multipart(bucket_, key)));
    RB_ASSIGN_OR_RETURN(auto one, check(client.upload_part(bucket_, key, id, 1, bytes(part))));
    RB_ASSIGN_OR_RETURN(auto two, check(client.upload_part(bucket_, key, id, 2, bytes("tail"))));
    RB_TRY(check(client.complete_multipart(bucket_, key, id, {one, two})));
    RB_ASSIGN_OR_RETURN(auto info, check(client.head_object(bucket_, key)));
    line += " " + std::to_string(info ? info->size : 0);

    RB_TRY(ctx.batch_emit({reinterpret_cast<const uint8_t*>(line.data()), line.size()}));
    return sdk::summary(protocol::ReadSummary{});
  }

 private:
  std::string host_;
  uint16_t port_ = 0;
  std::string access_key_;
  std::string secret_key_;
  std::string bucket_;
  std::string prefix_;
  int objects_ = 0;
};

}  // namespace

RAPIDBYTE_EXPORT_SOURCE(S3ClientGuest)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "test-s3-client",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Test guest: the portable S3 client over host TCP.",
  "capabilities": {"sync_modes": ["full_refresh"], "write_modes": []},
  "permissions": {"network": {"hosts": [], "hosts_from_config": ["host"]}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 256},
  "config_schema": {"type": "object"}
});
// clang-format on
