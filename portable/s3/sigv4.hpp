// AWS Signature Version 4, the authentication of requests to S3 and the
// S3-compatible stores (MinIO, Ceph, R2, GCS interoperability): the
// canonical request, the string to sign, the signing key derived from the
// secret by date, region and service, and the Authorization header.
//
// A plain function of its inputs: the caller chooses the time (the
// request's x-amz-date header, which it also sends) and the payload's hash,
// so a signature can be checked against AWS's published test vectors. The
// secret never leaves the derived key; nothing here logs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "portable/s3/http_header.hpp"

namespace rapidbyte::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials; empty: none
};

// A query parameter, decoded (the signer encodes it).
struct QueryParameter {
  std::string name;
  std::string value;
};

struct RequestToSign {
  std::string method;  // GET, PUT, ...
  // The path, decoded ("/bucket/a key"); the signer encodes it.
  std::string path;
  std::vector<QueryParameter> query;
  // Every header sent that is to be signed: at least host and x-amz-date
  // (and, for S3, x-amz-content-sha256).
  std::vector<HttpHeader> headers;
  // Lower-case hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_hash;
};

struct SigningScope {
  std::string region;          // "us-east-1"
  std::string service = "s3";  // the suite's vectors use "service"
  std::string amz_date;        // the x-amz-date header: 20150830T123600Z
  // Services other than S3 sign the path with its dot segments and
  // repeated slashes removed; S3 signs it as it is (a key may hold "//").
  bool normalize_path = false;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;  // the value of the Authorization header
  // Headers the signature covers that the request must add: the session
  // token's x-amz-security-token.
  std::vector<HttpHeader> added_headers;
};

Signature sign_v4(const RequestToSign& request, const Credentials& credentials,
                  const SigningScope& scope);

// RFC 3986 percent-encoding as SigV4 wants it: every byte but A-Z a-z 0-9
// - . _ ~ as %XX (upper-case hex); '/' kept when `keep_slash`.
std::string uri_encode(std::string_view text, bool keep_slash);

}  // namespace rapidbyte::s3
