// test-s3-client.wasm: the portable S3 client running inside the sandbox
// over host TCP, driven by tests/s3/s3_wasm_test.cpp against a real
// S3-compatible server. `run` creates `bucket`, puts `objects` small
// objects under `prefix`, lists them (pages of 2), reads bytes 2..5 of the
// first, uploads one object in two parts (the first 5 MiB), and emits one
// line: "<listed keys, comma-separated> <range> <multipart size>". Client
// and server errors are returned as the file connectors return them
// (files::s3_failure).
#include <string>
#include <vector>

#include "guest/connectors/file-common/s3_storage.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"
#include "portable/s3/s3_client.hpp"

namespace {

using namespace rapidbyte;

using connectors::files::from_s3;

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
    connectors::files::S3Settings settings;
    settings.endpoint = "http://" + host_ + ":" + std::to_string(port_);
    settings.credentials = {access_key_, secret_key_, ""};
    // A connection the sandbox refuses is a permanent error, not retried.
    RB_ASSIGN_OR_RETURN(auto client, connectors::files::connect_s3(ctx, settings));
    RB_TRY(from_s3(client.create_bucket(bucket_)));
    for (int i = 0; i < objects_; ++i) {
      RB_TRY(from_s3(client.put_object(bucket_, prefix_ + "object-" + std::to_string(i),
                                       bytes("content " + std::to_string(i)))));
    }
    RB_ASSIGN_OR_RETURN(auto listed, from_s3(client.list_objects(bucket_, prefix_, 2)));
    std::string line;
    for (const s3::ListedObject& object : listed) line += (line.empty() ? "" : ",") + object.key;
    RB_ASSIGN_OR_RETURN(
        auto range, from_s3(client.get_object(bucket_, prefix_ + "object-0", s3::ByteRange{2, 4})));
    line += " " + std::string(range.begin(), range.end());

    const std::string part(5 << 20, 'p');
    const std::string key = prefix_ + "multipart";
    RB_ASSIGN_OR_RETURN(auto id, from_s3(client.start_multipart(bucket_, key)));
    RB_ASSIGN_OR_RETURN(auto one, from_s3(client.upload_part(bucket_, key, id, 1, bytes(part))));
    RB_ASSIGN_OR_RETURN(auto two, from_s3(client.upload_part(bucket_, key, id, 2, bytes("tail"))));
    RB_TRY(from_s3(client.complete_multipart(bucket_, key, id, {one, two})));
    RB_ASSIGN_OR_RETURN(auto info, from_s3(client.head_object(bucket_, key)));
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
