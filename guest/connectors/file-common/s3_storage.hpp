// Object storage for the file connectors: a config `path` of the form
// s3://bucket/prefix, the settings that reach the bucket, and the S3 client
// they make. The client speaks HTTP over the host's TCP (and TLS) calls,
// so the sandbox lets the connector reach the configured endpoint only
// (the manifest grants the host of config field `endpoint`).
//
// Settings come from the config (endpoint, region, access_key_id,
// secret_access_key, session_token, path_style, connect_timeout_ms,
// ca_file); keys the config leaves
// out are taken from the standard AWS_* environment variables when the
// pipeline passes them to the connector. No message names a secret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guest/sdk/context.hpp"
#include "guest/sdk/error.hpp"
#include "guest/sdk/json_config.hpp"
#include "portable/parquet/file_reader.hpp"
#include "portable/s3/s3_client.hpp"

namespace rapidbyte::connectors::files {

struct S3Location {
  std::string bucket;
  std::string prefix;  // without a leading or trailing '/'; empty: the whole bucket

  // nullopt when `path` is not an s3:// URL; an error naming `field` when
  // it is one without a bucket.
  static sdk::Result<std::optional<S3Location>> parse(std::string_view path,
                                                      std::string_view field);

  // The key of `relative` (a '/'-separated path) under the prefix.
  std::string key(std::string_view relative) const;
  // "s3://bucket/prefix/relative", for messages.
  std::string url(std::string_view relative = {}) const;
};

struct S3Settings {
  std::string endpoint;  // "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:7070"
  std::string region = "us-east-1";
  s3::Credentials credentials;
  bool path_style = true;
  // How long a new connection may wait for the server's first answer.
  uint32_t connect_timeout_ms = 10000;
  // https: a PEM file of the CAs to trust instead of the system's (read by
  // the host).
  std::optional<std::string> ca_file;

  static sdk::Result<S3Settings> from_config(const sdk::JsonConfig& config);
};

// A client of the endpoint whose connections `ctx` opens (through the
// host, TLS for https).
sdk::Result<s3::S3Client> connect_s3(sdk::Context& ctx, const S3Settings& settings);

// An object storage error as a connector error: refused by the sandbox
// (permission), refused credentials (auth, 401/403), a missing bucket or a
// bad request (config), throttling or a server that kept failing after
// the client's retries (rate limit, transient), or no answer (transient
// network).
std::unexpected<protocol::ConnectorError> s3_failure(const s3::Error& error);

template <class T>
sdk::Result<T> from_s3(s3::Result<T> result) {
  if (!result) return s3_failure(result.error());
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    return std::move(*result);
  }
}

// A small object (a marker, a manifest) whole; nullopt when there is none.
sdk::Result<std::optional<std::string>> read_small_object(s3::S3Client& client,
                                                          const std::string& bucket,
                                                          const std::string& key);

// The manifest of a stream replaced on object storage:
// <stream>/_manifest.json, {"generation": "<name>"}: the stream's rows are
// the objects under <stream>/<name>/ (see dest-file's object_output.hpp).
inline constexpr std::string_view kManifestName = "_manifest.json";
std::string manifest_text(std::string_view generation);
// The generation a manifest names; an error naming `where` when the text
// is not a manifest.
sdk::Result<std::string> manifest_generation(std::string_view text, const std::string& where);

// An object read by ranges, each a GET of at least kReadAhead bytes (a
// Parquet reader's small reads of the head and of one column chunk after
// the other are served from one response), and the object's last
// kTailBytes in one GET (its footer). An object that changes while it is
// read is noticed when a range comes back short.
class S3InputFile final : public parquet::InputFile {
 public:
  static constexpr uint64_t kReadAhead = 8u << 20;
  static constexpr uint64_t kTailBytes = 64u << 10;

  // `etag`: the version listed (every range is read from it; empty: any).
  // `failures` (when given, outliving the file) receives the object
  // storage error behind a failed read, which a reader's message cannot
  // carry.
  S3InputFile(s3::S3Client& client, std::string bucket, std::string key, uint64_t size,
              std::string etag, std::optional<s3::Error>* failures = nullptr)
      : client_(client),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        size_(size),
        etag_(std::move(etag)),
        failures_(failures) {}

  parquet::Result<uint64_t> size() override { return size_; }
  parquet::Result<void> read_at(uint64_t offset, std::span<uint8_t> out) override;

 private:
  struct Block {
    uint64_t offset = 0;
    std::vector<uint8_t> bytes;
    bool holds(uint64_t first, uint64_t length) const {
      return first >= offset && first + length <= offset + bytes.size();
    }
  };
  parquet::Result<void> fetch(Block& block, uint64_t first, uint64_t length);

  s3::S3Client& client_;
  std::string bucket_;
  std::string key_;
  uint64_t size_;
  std::string etag_;
  Block ahead_;
  Block tail_;
  std::optional<s3::Error>* failures_;
};

}  // namespace rapidbyte::connectors::files
