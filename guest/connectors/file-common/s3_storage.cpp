#include "guest/connectors/file-common/s3_storage.hpp"

#include <rapidjson/document.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "portable/base/try.hpp"

namespace rapidbyte::connectors::files {
namespace {

// The S3 client's connection: a TCP stream the host opened for the guest.
class HostByteStream final : public s3::ByteStream {
 public:
  explicit HostByteStream(sdk::TcpStream stream) : stream_(std::move(stream)) {}

  s3::Result<size_t> read(std::span<uint8_t> buffer) override {
    auto bytes = stream_.read(static_cast<uint32_t>(std::min<size_t>(buffer.size(), 1u << 20)));
    if (!bytes) return s3::fail(bytes.error().message);
    const size_t n = std::min(bytes->size(), buffer.size());
    std::copy_n(bytes->data(), n, buffer.begin());
    return n;
  }
  s3::Result<void> write(std::span<const uint8_t> data) override {
    if (auto written = stream_.write(data); !written) return s3::fail(written.error().message);
    return {};
  }

 private:
  sdk::TcpStream stream_;
};

// A config field, or else the environment variable (when the pipeline
// passes it to the connector).
sdk::Result<std::string> field_or_env(const sdk::JsonConfig& config, const char* field,
                                      const char* variable) {
  RB_ASSIGN_OR_RETURN(auto value, config.get_string(field, ""));
  if (!value.empty()) return value;
  const char* env = std::getenv(variable);
  return std::string(env == nullptr ? "" : env);
}

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void sleep_for(std::chrono::milliseconds wait) {
  // A guest has no threads; WASI's clock sleep waits.
  const timespec ts{static_cast<time_t>(wait.count() / 1000),
                    static_cast<long>(wait.count() % 1000 * 1000000)};
  nanosleep(&ts, nullptr);
}

}  // namespace

sdk::Result<std::optional<S3Location>> S3Location::parse(std::string_view path,
                                                         std::string_view field) {
  constexpr std::string_view kScheme = "s3://";
  if (!path.starts_with(kScheme)) return std::optional<S3Location>();
  path.remove_prefix(kScheme.size());
  const size_t slash = path.find('/');
  S3Location location;
  location.bucket = std::string(path.substr(0, slash));
  if (location.bucket.empty()) {
    return sdk::config_error("config field '" + std::string(field) +
                             "': an s3:// path needs a bucket (s3://bucket/prefix)");
  }
  std::string_view prefix = slash == std::string_view::npos ? "" : path.substr(slash + 1);
  while (prefix.ends_with('/')) prefix.remove_suffix(1);
  location.prefix = std::string(prefix);
  return std::optional<S3Location>(std::move(location));
}

std::string S3Location::key(std::string_view relative) const {
  if (prefix.empty()) return std::string(relative);
  if (relative.empty()) return prefix;
  return prefix + "/" + std::string(relative);
}

std::string S3Location::url(std::string_view relative) const {
  const std::string k = key(relative);
  return "s3://" + bucket + (k.empty() ? "" : "/" + k);
}

sdk::Result<S3Settings> S3Settings::from_config(const sdk::JsonConfig& config) {
  S3Settings settings;
  RB_ASSIGN_OR_RETURN(settings.endpoint, config.get_string("endpoint", ""));
  if (settings.endpoint.empty()) {
    return sdk::config_error(
        "config field 'endpoint' is required with an s3:// path (e.g. "
        "https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000): the connector may "
        "connect to that host only");
  }
  RB_ASSIGN_OR_RETURN(settings.region, field_or_env(config, "region", "AWS_REGION"));
  if (settings.region.empty()) {
    const char* fallback = std::getenv("AWS_DEFAULT_REGION");
    settings.region = fallback == nullptr ? "us-east-1" : fallback;
  }
  RB_ASSIGN_OR_RETURN(settings.credentials.access_key_id,
                      field_or_env(config, "access_key_id", "AWS_ACCESS_KEY_ID"));
  RB_ASSIGN_OR_RETURN(settings.credentials.secret_access_key,
                      field_or_env(config, "secret_access_key", "AWS_SECRET_ACCESS_KEY"));
  RB_ASSIGN_OR_RETURN(settings.credentials.session_token,
                      field_or_env(config, "session_token", "AWS_SESSION_TOKEN"));
  if (settings.credentials.access_key_id.empty() ||
      settings.credentials.secret_access_key.empty()) {
    return sdk::config_error(
        "an s3:// path needs credentials: config fields 'access_key_id' and "
        "'secret_access_key', or the environment variables AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY passed to the connector (permissions.env)");
  }
  RB_ASSIGN_OR_RETURN(settings.path_style, config.get_bool("path_style", true));
  RB_ASSIGN_OR_RETURN(auto connect_timeout,
                      config.get_u64("connect_timeout_ms", settings.connect_timeout_ms));
  settings.connect_timeout_ms = static_cast<uint32_t>(std::min<uint64_t>(connect_timeout, 600000));
  RB_ASSIGN_OR_RETURN(auto ca_file, config.get_string("ca_file", ""));
  if (!ca_file.empty()) settings.ca_file = std::move(ca_file);
  return settings;
}

sdk::Result<s3::S3Client> connect_s3(sdk::Context& ctx, const S3Settings& settings) {
  auto endpoint = s3::Endpoint::parse(settings.endpoint, settings.path_style);
  if (!endpoint) return sdk::config_error("config field 'endpoint': " + endpoint.error().message);
  s3::S3Config config{
      .endpoint = *endpoint, .region = settings.region, .credentials = settings.credentials};
  const s3::Endpoint target = *endpoint;
  const uint32_t timeout = settings.connect_timeout_ms;
  const protocol::TlsOptions tls{.server_name = target.host, .ca_file = settings.ca_file};
  auto connect = [&ctx, target, timeout, tls]() -> s3::Result<std::unique_ptr<s3::ByteStream>> {
    auto stream = ctx.tcp_connect(target.host, static_cast<uint16_t>(target.port), timeout);
    // The host's code goes with a refusal (NETWORK_DENIED, TLS_VERIFY):
    // another attempt cannot succeed, and s3_failure reports it as the
    // host did.
    const auto refused = [](const protocol::ConnectorError& error) {
      const bool permanent = error.category == protocol::ErrorCategory::kPermission ||
                             error.category == protocol::ErrorCategory::kConfig;
      return std::unexpected(s3::Error{.message = error.message,
                                       .code = permanent ? error.code : std::string(),
                                       .permanent = permanent});
    };
    if (!stream) return refused(stream.error());
    if (target.tls) {
      if (auto secured = stream->start_tls(tls); !secured) return refused(secured.error());
    }
    return std::make_unique<HostByteStream>(std::move(*stream));
  };
  return s3::S3Client(std::move(config), std::move(connect), unix_seconds, sleep_for);
}

std::unexpected<protocol::ConnectorError> s3_failure(const s3::Error& error) {
  if (error.permanent) {
    // Refused by the host before a request: the sandbox, or TLS.
    if (error.code == "NETWORK_DENIED" || error.code.empty()) {
      return sdk::permission_error(error.message, "NETWORK_DENIED");
    }
    return sdk::config_error(error.message, error.code);
  }
  const std::string code = error.code.empty() ? "S3_ERROR" : "S3_" + error.code;
  switch (error.http_status) {
    case 0:
      return sdk::transient_network_error(error.message, "S3_UNREACHABLE");
    case 401:
    case 403:
      return sdk::auth_error(error.message, code);
    case 412:  // an object replaced while it was read
      return sdk::transient_db_error(error.message, code);
    case 429:
    case 503:
      return sdk::rate_limit_error(error.message, code);
    default:
      break;
  }
  if (error.http_status >= 500) return sdk::transient_network_error(error.message, code);
  return sdk::config_error(error.message, code);
}

sdk::Result<std::optional<std::string>> read_small_object(s3::S3Client& client,
                                                          const std::string& bucket,
                                                          const std::string& key) {
  auto bytes = client.get_object(bucket, key);
  if (!bytes) {
    if (bytes.error().http_status == 404) return std::optional<std::string>();
    return s3_failure(bytes.error());
  }
  return std::optional<std::string>(std::string(bytes->begin(), bytes->end()));
}

std::string manifest_text(std::string_view generation) {
  return "{\"format\": \"rapidbyte-manifest\", \"version\": 1, \"generation\": \"" +
         std::string(generation) + "\"}\n";
}

sdk::Result<std::string> manifest_generation(std::string_view text, const std::string& where) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  const auto bad = [&] {
    return sdk::data_error("'" + where +
                               "' is not a manifest of a replaced stream: expected "
                               "{\"generation\": \"<directory>\"}",
                           "BAD_MANIFEST");
  };
  if (doc.HasParseError() || !doc.IsObject()) return bad();
  const auto it = doc.FindMember("generation");
  if (it == doc.MemberEnd() || !it->value.IsString()) return bad();
  std::string generation(it->value.GetString(), it->value.GetStringLength());
  if (generation.empty() || generation.find('/') != std::string::npos || generation == "." ||
      generation == "..") {
    return bad();
  }
  return generation;
}

parquet::Result<void> S3InputFile::fetch(Block& block, uint64_t first, uint64_t length) {
  auto bytes = client_.get_object(bucket_, key_, s3::ByteRange{first, length}, etag_);
  if (!bytes) {
    s3::Error error = bytes.error();
    if (error.http_status == 412) {
      error.message = s3::object_url(bucket_, key_) + " changed while it was read (it is no " +
                      "longer the version listed, ETag " + etag_ + "); the next read takes " +
                      "the new one";
    }
    if (failures_ != nullptr) *failures_ = error;
    return std::unexpected(arrow::Error{error.message});
  }
  if (bytes->size() != length) {
    return std::unexpected(arrow::Error{s3::object_url(bucket_, key_) +
                                        " changed while read: " + std::to_string(length) +
                                        " bytes asked for at " + std::to_string(first) + ", " +
                                        std::to_string(bytes->size()) + " returned"});
  }
  block.offset = first;
  block.bytes = std::move(*bytes);
  return {};
}

parquet::Result<void> S3InputFile::read_at(uint64_t offset, std::span<uint8_t> out) {
  const uint64_t length = out.size();
  if (offset > size_ || length > size_ - offset) {
    return std::unexpected(arrow::Error{s3::object_url(bucket_, key_) + ": read of " +
                                        std::to_string(length) + " bytes at " +
                                        std::to_string(offset) + " past its end"});
  }
  if (length == 0) return {};
  Block* block = ahead_.holds(offset, length)  ? &ahead_
                 : tail_.holds(offset, length) ? &tail_
                                               : nullptr;
  if (block == nullptr) {
    const uint64_t tail_start = size_ - std::min(size_, kTailBytes);
    if (offset >= tail_start) {
      RB_TRY(fetch(tail_, tail_start, size_ - tail_start));
      block = &tail_;
    } else {
      RB_TRY(fetch(ahead_, offset, std::min(size_ - offset, std::max(length, kReadAhead))));
      block = &ahead_;
    }
  }
  std::copy_n(block->bytes.begin() + static_cast<ptrdiff_t>(offset - block->offset), length,
              out.begin());
  return {};
}

}  // namespace rapidbyte::connectors::files
