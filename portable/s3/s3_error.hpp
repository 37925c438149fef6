// The error of the object storage client: what failed, and for a response
// of the server its HTTP status and S3 error code. Messages never hold a
// secret (signatures, keys, tokens).
#pragma once

#include <expected>
#include <string>

namespace rapidbyte::s3 {

struct Error {
  std::string message;
  int http_status = 0;  // 0: no response (a malformed one, a closed connection)
  std::string code;     // the S3 error code (NoSuchKey, SlowDown, ...), when the server sent one
  // Another attempt cannot succeed (the sandbox refused the connection, or
  // TLS the server; `code` is then the host's).
  bool permanent = false;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected(Error{std::move(message)});
}

}  // namespace rapidbyte::s3
