// S3Client: object operations on an S3-compatible store, each request
// signed with SigV4 and sent by an HttpClient: buckets (created by tests and
// setups), and objects put, read (whole or a byte range), described
// (HEAD), listed and deleted, and multipart uploads. An error response becomes an Error naming the
// operation, the object, the HTTP status and S3's error code and message;
// never a key or a signature. Throttling and server errors are retried
// (RetryPolicy).
//
// Addressing: path-style (http://host:port/bucket/key, what MinIO and most
// self-hosted stores expect) or virtual-hosted (http://bucket.host/key,
// AWS's default). Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "portable/s3/http_client.hpp"
#include "portable/s3/sigv4.hpp"
#include "portable/s3/xml_document.hpp"

namespace rapidbyte::s3 {

struct Endpoint {
  std::string host;  // a name or address, without the port
  int port = 443;
  bool tls = true;
  bool path_style = true;

  // "http://127.0.0.1:7070", "https://s3.us-east-1.amazonaws.com".
  static Result<Endpoint> parse(std::string_view url, bool path_style);
};

// Requests the server may not have done are sent again: on 500, 502,
// 503 and 504 and S3's throttling codes (SlowDown), and, for every method
// but POST, when the connection failed before a response (unless the
// error is permanent: a connection the sandbox refused). The waits grow
// exponentially with full jitter; a Retry-After the server sent makes one
// longer, up to max_wait.
struct RetryPolicy {
  int max_attempts = 5;  // the first one included
  std::chrono::milliseconds first_wait{100};
  std::chrono::milliseconds max_wait{5000};
};

struct S3Config {
  Endpoint endpoint;
  std::string region = "us-east-1";
  Credentials credentials;
  HttpResponseParser::Limits limits;
  RetryPolicy retry;
};

struct ObjectInfo {
  uint64_t size = 0;
  std::string etag;
};

// An object of a listing.
struct ListedObject {
  std::string key;
  uint64_t size = 0;
  std::string etag;
};

// A listing: the objects, and with a delimiter the "directories" (common
// prefixes, each ending with the delimiter) instead of what they hold.
struct Listing {
  std::vector<ListedObject> objects;
  std::vector<std::string> prefixes;
};

// A multipart upload not completed or aborted yet.
struct PendingUpload {
  std::string key;
  std::string upload_id;
};

// A part uploaded: its number (from 1) and the ETag the server gave it.
struct UploadedPart {
  int number = 0;
  std::string etag;
};

// Bytes [first, first + length) of an object.
struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

class S3Client {
 public:
  // `now`: seconds since the Unix epoch, for the signatures' dates;
  // `sleep`: waits between attempts.
  S3Client(S3Config config, Connect connect, std::function<int64_t()> now,
           std::function<void(std::chrono::milliseconds)> sleep);

  Result<void> create_bucket(const std::string& bucket);
  // Returns the object's ETag.
  Result<std::string> put_object(const std::string& bucket, const std::string& key,
                                 std::span<const uint8_t> body);
  // With `if_match` (an ETag), only that version of the object: another
  // one is refused with 412 PreconditionFailed (an object replaced between
  // the ranged reads of one file).
  Result<std::vector<uint8_t>> get_object(const std::string& bucket, const std::string& key,
                                          std::optional<ByteRange> range = std::nullopt,
                                          std::string_view if_match = {});
  // nullopt when there is no such object.
  Result<std::optional<ObjectInfo>> head_object(const std::string& bucket, const std::string& key);
  Result<void> delete_object(const std::string& bucket, const std::string& key);
  // Copies object `from_key` to `to_key` inside the server (CopyObject: no
  // bytes pass through the client; objects up to 5 GiB).
  Result<void> copy_object(const std::string& bucket, const std::string& from_key,
                           const std::string& to_key);

  // Every object whose key starts with `prefix`, in key order, page after
  // page (ListObjectsV2; `page_size` keys a request, at most 1000).
  Result<std::vector<ListedObject>> list_objects(const std::string& bucket,
                                                 const std::string& prefix, int page_size = 1000);
  // The same, with keys grouped at the first `delimiter` after `prefix`
  // when one is given ("/": the prefix's "directories").
  Result<Listing> list(const std::string& bucket, const std::string& prefix,
                       const std::string& delimiter, int page_size = 1000);

  // Multipart upload, for objects too big for one request: start, parts
  // (each at least 5 MiB but the last), then complete, or abort so that no
  // part is left stored.
  Result<std::string> start_multipart(const std::string& bucket, const std::string& key);
  Result<UploadedPart> upload_part(const std::string& bucket, const std::string& key,
                                   const std::string& upload_id, int number,
                                   std::span<const uint8_t> body);
  Result<void> complete_multipart(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id,
                                  const std::vector<UploadedPart>& parts);
  Result<void> abort_multipart(const std::string& bucket, const std::string& key,
                               const std::string& upload_id);
  // The uploads of keys under `prefix` neither completed nor aborted (the
  // first page of at most 1000).
  Result<std::vector<PendingUpload>> pending_uploads(const std::string& bucket,
                                                     const std::string& prefix);

 private:
  struct Call {
    std::string method;
    std::string bucket;
    std::string key;  // empty: the bucket itself
    std::vector<QueryParameter> query;
    std::vector<HttpHeader> headers;
    std::span<const uint8_t> body;
  };
  // Signs and sends `call`; a response of another status than 2xx (or 404
  // when `missing_ok`) is an error.
  Result<HttpResponse> send(const Call& call, bool missing_ok = false);
  // One attempt: the request signed now, and its response or error.
  Result<HttpResponse> send_once(const Call& call, bool missing_ok);
  // The wait before attempt `attempt` + 1 (from 1).
  std::chrono::milliseconds backoff(int attempt);
  // The XML body of `response` to `call`.
  Result<XmlElement> document(const Call& call, const HttpResponse& response) const;

  S3Config config_;
  HttpClient http_;
  std::function<int64_t()> now_;
  std::function<void(std::chrono::milliseconds)> sleep_;
  uint64_t jitter_state_;  // xorshift64 of the waits' jitter
};

// "s3://bucket/key": how messages name an object.
std::string object_url(std::string_view bucket, std::string_view key);

// "20150830T123600Z" for `seconds` since the Unix epoch.
std::string amz_date(int64_t seconds);

}  // namespace rapidbyte::s3
