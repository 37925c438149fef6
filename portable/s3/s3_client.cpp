#include "portable/s3/s3_client.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "portable/arrow/civil_date.hpp"
#include "portable/base/try.hpp"
#include "portable/crypto/hex.hpp"
#include "portable/crypto/sha256.hpp"

namespace rapidbyte::s3 {
namespace {

std::string describe(const std::string& method, const std::string& bucket, const std::string& key) {
  return "S3 " + method + " " + object_url(bucket, key);
}

std::string_view text_of(const std::vector<uint8_t>& body) {
  return {reinterpret_cast<const char*>(body.data()), body.size()};
}

}  // namespace

std::string object_url(std::string_view bucket, std::string_view key) {
  return "s3://" + std::string(bucket) + "/" + std::string(key);
}

std::string amz_date(int64_t seconds) {
  const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const int64_t in_day = seconds - days * 86400;
  const arrow::CivilDate date = arrow::civil_from_days(days);
  char out[64];  // room for any year gcc can imagine
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

S3Client::S3Client(S3Config config, Connect connect, std::function<int64_t()> now,
                   std::function<void(std::chrono::milliseconds)> sleep)
    : config_(std::move(config)),
      http_(std::move(connect), config_.limits),
      now_(std::move(now)),
      sleep_(std::move(sleep)),
      jitter_state_(static_cast<uint64_t>(now_()) * 0x9e3779b97f4a7c15ULL | 1) {}

std::chrono::milliseconds S3Client::backoff(int attempt) {
  const RetryPolicy& retry = config_.retry;
  const int64_t cap = std::min<int64_t>(retry.max_wait.count(), retry.first_wait.count()
                                                                    << std::min(attempt - 1, 20));
  jitter_state_ ^= jitter_state_ << 13;
  jitter_state_ ^= jitter_state_ >> 7;
  jitter_state_ ^= jitter_state_ << 17;
  return std::chrono::milliseconds(
      cap <= 0 ? 0 : static_cast<int64_t>(jitter_state_ % static_cast<uint64_t>(cap + 1)));
}

Result<HttpResponse> S3Client::send(const Call& call, bool missing_ok) {
  const int attempts = std::max(1, config_.retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> response = send_once(call, missing_ok);
    if (response) return response;
    const Error& error = response.error();
    const bool throttled = error.http_status == 500 || error.http_status == 502 ||
                           error.http_status == 503 || error.http_status == 504 ||
                           error.code == "SlowDown" || error.code == "RequestTimeout";
    const bool unanswered = error.http_status == 0 && !error.permanent && call.method != "POST";
    if (!(throttled || unanswered)) return response;
    if (attempt == attempts) {
      Error last = error;
      if (attempts > 1) last.message += " (after " + std::to_string(attempts) + " attempts)";
      return std::unexpected(std::move(last));
    }
    // The server's Retry-After, when longer, within the policy's longest wait.
    std::chrono::milliseconds wait = backoff(attempt);
    if (error.retry_after) {
      wait = std::max(
          wait, std::min<std::chrono::milliseconds>(*error.retry_after, config_.retry.max_wait));
    }
    sleep_(wait);
  }
}

Result<HttpResponse> S3Client::send_once(const Call& call, bool missing_ok) {
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

  const std::string what = describe(call.method, call.bucket, call.key);
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
  Error error;
  error.http_status = response->status;
  error.message = what + ": HTTP " + std::to_string(response->status);
  // Retry-After in seconds (its HTTP-date form is not used by S3).
  if (auto after = response->header("Retry-After")) {
    uint32_t seconds = 0;
    const auto [end, ec] = std::from_chars(after->data(), after->data() + after->size(), seconds);
    if (ec == std::errc() && end == after->data() + after->size()) {
      error.retry_after = std::chrono::seconds(seconds);
    }
  }
  // S3's <Error><Code/><Message/></Error>, when the body is one.
  if (auto xml = parse_xml(text_of(response->body)); xml && xml->name == "Error") {
    error.code = xml->child_text("Code").substr(0, 128);
    if (!error.code.empty()) error.message += " " + error.code;
    if (const std::string message = xml->child_text("Message"); !message.empty())
      error.message += ": " + message.substr(0, 512);
  }
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
                                                  std::optional<ByteRange> range,
                                                  std::string_view if_match) {
  Call call{.method = "GET", .bucket = bucket, .key = key};
  if (!if_match.empty()) call.headers.push_back({"If-Match", std::string(if_match)});
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

Result<void> S3Client::copy_object(const std::string& bucket, const std::string& from_key,
                                   const std::string& to_key) {
  Call call{.method = "PUT", .bucket = bucket, .key = to_key};
  call.headers.push_back({"x-amz-copy-source", "/" + bucket + "/" + uri_encode(from_key, true)});
  RB_ASSIGN_OR_RETURN(HttpResponse response, send(call));
  // A copy can fail after its 200, with an error document.
  RB_TRY(document(call, response));
  return {};
}

Result<XmlElement> S3Client::document(const Call& call, const HttpResponse& response) const {
  auto xml = parse_xml(text_of(response.body));
  if (!xml) {
    return fail(describe(call.method, call.bucket, call.key) +
                ": the response is not XML: " + xml.error().message);
  }
  // CompleteMultipartUpload can answer 200 with an error document.
  if (xml->name == "Error") {
    Error error{describe(call.method, call.bucket, call.key) + ": " + xml->child_text("Code") +
                    ": " + xml->child_text("Message"),
                response.status, xml->child_text("Code")};
    return std::unexpected(std::move(error));
  }
  return std::move(*xml);
}

Result<std::vector<ListedObject>> S3Client::list_objects(const std::string& bucket,
                                                         const std::string& prefix, int page_size) {
  RB_ASSIGN_OR_RETURN(Listing listing, list(bucket, prefix, "", page_size));
  return std::move(listing.objects);
}

Result<Listing> S3Client::list(const std::string& bucket, const std::string& prefix,
                               const std::string& delimiter, int page_size) {
  Listing out;
  std::string token;
  for (;;) {
    Call call{.method = "GET", .bucket = bucket};
    call.query = {{"list-type", "2"}, {"max-keys", std::to_string(page_size)}, {"prefix", prefix}};
    if (!delimiter.empty()) call.query.push_back({"delimiter", delimiter});
    if (!token.empty()) call.query.push_back({"continuation-token", token});
    RB_ASSIGN_OR_RETURN(HttpResponse response, send(call));
    RB_ASSIGN_OR_RETURN(XmlElement page, document(call, response));
    for (const XmlElement& entry : page.children) {
      if (entry.name == "CommonPrefixes") {
        out.prefixes.push_back(entry.child_text("Prefix"));
        continue;
      }
      if (entry.name != "Contents") continue;
      ListedObject object{entry.child_text("Key"), 0, entry.child_text("ETag")};
      const std::string size = entry.child_text("Size");
      const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), object.size);
      if (object.key.empty() || ec != std::errc() || end != size.data() + size.size()) {
        return fail(describe("GET", bucket, prefix) + ": a listed object without a key or size");
      }
      out.objects.push_back(std::move(object));
    }
    if (page.child_text("IsTruncated") != "true") return out;
    std::string next = page.child_text("NextContinuationToken");
    if (next.empty() || next == token) {
      return fail(describe("GET", bucket, prefix) + ": a truncated listing without a new token");
    }
    token = std::move(next);
  }
}

Result<std::string> S3Client::start_multipart(const std::string& bucket, const std::string& key) {
  const Call call{.method = "POST", .bucket = bucket, .key = key, .query = {{"uploads", ""}}};
  RB_ASSIGN_OR_RETURN(HttpResponse response, send(call));
  RB_ASSIGN_OR_RETURN(XmlElement result, document(call, response));
  std::string id = result.child_text("UploadId");
  if (id.empty()) return fail(describe("POST", bucket, key) + ": no UploadId in the response");
  return id;
}

Result<UploadedPart> S3Client::upload_part(const std::string& bucket, const std::string& key,
                                           const std::string& upload_id, int number,
                                           std::span<const uint8_t> body) {
  RB_ASSIGN_OR_RETURN(
      HttpResponse response,
      send({.method = "PUT",
            .bucket = bucket,
            .key = key,
            .query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}},
            .body = body}));
  const auto etag = response.header("ETag");
  if (!etag)
    return fail(describe("PUT", bucket, key) + ": no ETag for part " + std::to_string(number));
  return UploadedPart{number, std::string(*etag)};
}

Result<void> S3Client::complete_multipart(const std::string& bucket, const std::string& key,
                                          const std::string& upload_id,
                                          const std::vector<UploadedPart>& parts) {
  std::string body = "<CompleteMultipartUpload>";
  for (const UploadedPart& part : parts) {
    body += "<Part><PartNumber>" + std::to_string(part.number) + "</PartNumber><ETag>" +
            xml_escape(part.etag) + "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  const Call call{.method = "POST",
                  .bucket = bucket,
                  .key = key,
                  .query = {{"uploadId", upload_id}},
                  .body = {reinterpret_cast<const uint8_t*>(body.data()), body.size()}};
  RB_ASSIGN_OR_RETURN(HttpResponse response, send(call));
  RB_TRY(document(call, response));
  return {};
}

Result<void> S3Client::abort_multipart(const std::string& bucket, const std::string& key,
                                       const std::string& upload_id) {
  RB_TRY(
      send({.method = "DELETE", .bucket = bucket, .key = key, .query = {{"uploadId", upload_id}}}));
  return {};
}

Result<std::vector<PendingUpload>> S3Client::pending_uploads(const std::string& bucket,
                                                             const std::string& prefix) {
  const Call call{
      .method = "GET", .bucket = bucket, .query = {{"uploads", ""}, {"prefix", prefix}}};
  RB_ASSIGN_OR_RETURN(HttpResponse response, send(call));
  RB_ASSIGN_OR_RETURN(XmlElement result, document(call, response));
  std::vector<PendingUpload> out;
  for (const XmlElement& upload : result.children) {
    if (upload.name == "Upload")
      out.push_back({upload.child_text("Key"), upload.child_text("UploadId")});
  }
  return out;
}

}  // namespace rapidbyte::s3
