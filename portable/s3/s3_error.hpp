// The error of the object storage client: what failed, and for a response
// of the server its HTTP status and S3 error code. Messages never hold a
// secret (signatures, keys, tokens).
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>

namespace rapidbyte::s3 {

struct Error {
  std::string message;
  int http_status = 0;  // 0: no response (a malformed one, a closed connection)
  std::string code;     // the S3 error code (NoSuchKey, SlowDown, ...), when the server sent one
  // Another attempt cannot succeed (the sandbox refused the connection, or
  // TLS the server; `code` is then the host's).
  bool permanent = false;
  // The wait the server asked for before another attempt (Retry-After, in
  // seconds), when it sent one.
  std::optional<std::chrono::seconds> retry_after;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected(Error{std::move(message)});
}

}  // namespace rapidbyte::s3
