#include "portable/s3/s3_client.hpp"

#include <charconv>
#include <cstdio>

#include "portable/arrow/civil_date.hpp"
#include "portable/base/try.hpp"
#include "portable/crypto/hex.hpp"
#include "portable/crypto/sha256.hpp"

namespace rapidbyte::s3 {
namespace {

// The text of the first <tag>...</tag> in an error document (S3's Code
// and Message are plain text).
std::string element_text(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const size_t begin = xml.find(open);
  if (begin == std::string_view::npos) return {};
  const size_t end = xml.find("</" + std::string(tag) + ">", begin);
  if (end == std::string_view::npos) return {};
  return std::string(xml.substr(begin + open.size(), end - begin - open.size()).substr(0, 512));
}

}  // namespace

std::string amz_date(int64_t seconds) {
  const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const int64_t in_day = seconds - days * 86400;
  const arrow::CivilDate date = arrow::civil_from_days(days);
  char out[32];
  std::snprintf(out, sizeof out, "%04lld%02d%02dT%02lld%02lld%02lldZ",
                static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                static_cast<long long>(in_day % 60));
  return out;
}

Result<Endpoint> Endpoint::parse(std::string_view url, bool path_style) {
  Endpoint endpoint;
  endpoint.path_style = path_style;
  if (url.starts_with("http://")) {
    endpoint.tls = false;
    endpoint.port = 80;
    url.remove_prefix(7);
  } else if (url.starts_with("https://")) {
    url.remove_prefix(8);
  } else {
    return fail("endpoint '" + std::string(url) + "' does not start with http:// or https://");
  }
  if (url.ends_with('/')) url.remove_suffix(1);
  if (url.empty() || url.find('/') != std::string_view::npos) {
    return fail("endpoint '" + std::string(url) + "' is not scheme://host[:port]");
  }
  const size_t colon = url.rfind(':');
  endpoint.host = std::string(url.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view port = url.substr(colon + 1);
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
    if (ec != std::errc() || end != port.data() + port.size() || endpoint.port <= 0 ||
        endpoint.port > 65535) {
      return fail("endpoint port '" + std::string(port) + "' is not a port number");
    }
  }
  if (endpoint.host.empty()) return fail("endpoint '" + std::string(url) + "' has no host");
  return endpoint;
}

S3Client::S3Client(S3Config config, Connect connect, std::function<int64_t()> now)
    : config_(std::move(config)), http_(std::move(connect), config_.limits), now_(std::move(now)) {}

Result<HttpResponse> S3Client::send(const Call& call, bool missing_ok) {
  const Endpoint& endpoint = config_.endpoint;
  const bool default_port = endpoint.port == (endpoint.tls ? 443 : 80);
  std::string host = endpoint.path_style ? endpoint.host : call.bucket + "." + endpoint.host;
  if (!default_port) host += ":" + std::to_string(endpoint.port);
  const std::string path = endpoint.path_style
                               ? "/" + call.bucket + (call.key.empty() ? "" : "/" + call.key)
                               : "/" + call.key;
  RequestToSign to_sign;
  to_sign.method = call.method;
  to_sign.path = path;
  to_sign.query = call.query;
  to_sign.payload_hash = crypto::to_hex(crypto::sha256(call.body));
  const std::string date = amz_date(now_());
  to_sign.headers = call.headers;
  to_sign.headers.push_back({"Host", host});
  to_sign.headers.push_back({"x-amz-date", date});
  to_sign.headers.push_back({"x-amz-content-sha256", to_sign.payload_hash});
  Signature signature = sign_v4(to_sign, config_.credentials,
                                SigningScope{.region = config_.region, .amz_date = date});

  HttpRequest request;
  request.method = call.method;
  request.target = uri_encode(path, true);
  for (size_t i = 0; i < call.query.size(); ++i) {
    request.target += (i == 0 ? "?" : "&") + uri_encode(call.query[i].name, false);
    if (!call.query[i].value.empty())
      request.target += "=" + uri_encode(call.query[i].value, false);
  }
  request.headers = std::move(to_sign.headers);
  for (HttpHeader& added : signature.added_headers) request.headers.push_back(std::move(added));
  request.headers.push_back({"Authorization", std::move(signature.authorization)});
  request.body = call.body;
  request.no_response_body = call.method == "HEAD";

  const std::string what = "S3 " + call.method + " s3://" + call.bucket + "/" + call.key;
  auto response = http_.send(request);
  if (!response) {
    Error error = response.error();
    error.message = what + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  if ((response->status >= 200 && response->status < 300) ||
      (missing_ok && response->status == 404)) {
    return response;
  }
  const std::string_view xml(reinterpret_cast<const char*>(response->body.data()),
                             response->body.size());
  Error error;
  error.http_status = response->status;
  error.code = element_text(xml, "Code");
  error.message = what + ": HTTP " + std::to_string(response->status);
  if (!error.code.empty()) error.message += " " + error.code;
  if (const std::string message = element_text(xml, "Message"); !message.empty())
    error.message += ": " + message;
  return std::unexpected(std::move(error));
}

Result<void> S3Client::create_bucket(const std::string& bucket) {
  RB_TRY(send({.method = "PUT", .bucket = bucket}));
  return {};
}

Result<std::string> S3Client::put_object(const std::string& bucket, const std::string& key,
                                         std::span<const uint8_t> body) {
  RB_ASSIGN_OR_RETURN(HttpResponse response,
                      send({.method = "PUT", .bucket = bucket, .key = key, .body = body}));
  return std::string(response.header("ETag").value_or(""));
}

Result<std::vector<uint8_t>> S3Client::get_object(const std::string& bucket, const std::string& key,
                                                  std::optional<ByteRange> range) {
  Call call{.method = "GET", .bucket = bucket, .key = key};
  if (range) {
    if (range->length == 0) return std::vector<uint8_t>();
    call.headers.push_back({"Range", "bytes=" + std::to_string(range->first) + "-" +
                                         std::to_string(range->first + range->length - 1)});
  }
  RB_ASSIGN_OR_RETURN(HttpResponse response, send(call));
  if (range && response.body.size() != range->length) {
    return fail("S3 GET s3://" + bucket + "/" + key + ": asked for " +
                std::to_string(range->length) + " bytes at " + std::to_string(range->first) +
                ", got " + std::to_string(response.body.size()));
  }
  return std::move(response.body);
}

Result<std::optional<ObjectInfo>> S3Client::head_object(const std::string& bucket,
                                                        const std::string& key) {
  RB_ASSIGN_OR_RETURN(HttpResponse response,
                      send({.method = "HEAD", .bucket = bucket, .key = key}, /*missing_ok=*/true));
  if (response.status == 404) return std::optional<ObjectInfo>();
  ObjectInfo info;
  info.etag = std::string(response.header("ETag").value_or(""));
  const std::string_view length = response.header("Content-Length").value_or("");
  const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), info.size);
  if (length.empty() || ec != std::errc() || end != length.data() + length.size()) {
    return fail("S3 HEAD s3://" + bucket + "/" + key + ": no Content-Length in the response");
  }
  return std::optional<ObjectInfo>(std::move(info));
}

Result<void> S3Client::delete_object(const std::string& bucket, const std::string& key) {
  RB_TRY(send({.method = "DELETE", .bucket = bucket, .key = key}));
  return {};
}

}  // namespace rapidbyte::s3
