// HttpResponseParser: one HTTP/1.1 response, parsed from bytes as they
// arrive (the caller reads its connection and feeds what it got): the
// status line, the headers, and the body by Content-Length, by chunked
// transfer coding (trailers skipped), or up to the end of the connection.
// 1xx interim responses are skipped.
//
// Input is untrusted: the head and the body are bounded (Limits), every
// length and chunk size is checked, and a malformed response is an error
// naming what was wrong. Bytes after the response are left unconsumed for
// the next response of a kept-alive connection. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "portable/s3/http_header.hpp"
#include "portable/s3/s3_error.hpp"

namespace rapidbyte::s3 {

class HttpResponseParser {
 public:
  struct Limits {
    size_t max_head_bytes = 64 << 10;       // status line and headers
    uint64_t max_body_bytes = 64ull << 20;  // a larger body is an error
  };

  // `no_body`: the response of a HEAD request, which has none whatever its
  // headers say.
  explicit HttpResponseParser(Limits limits, bool no_body = false)
      : limits_(limits), no_body_(no_body) {}

  // Parses what it can of `data`; returns the bytes used (all of them
  // until the response is complete).
  Result<size_t> feed(std::span<const uint8_t> data);
  // The connection ended: completes a body that runs to the end of the
  // connection, and is an error for any other unfinished response.
  Result<void> finish_at_close();

  bool done() const { return state_ == State::kDone; }
  int status() const { return status_; }
  const std::vector<HttpHeader>& headers() const { return headers_; }
  // The first value of header `name` (any case); nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers_, name);
  }
  const std::vector<uint8_t>& body() const { return body_; }
  std::vector<uint8_t> take_body() { return std::move(body_); }
  // Whether the connection can carry another request after this response.
  bool keep_alive() const { return keep_alive_; }

 private:
  enum class State : uint8_t {
    kHead,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailer,
    kToClose,
    kDone
  };

  Result<void> parse_head(std::string_view head);
  Result<void> start_body();
  Result<void> append_body(std::span<const uint8_t> data);

  Limits limits_;
  bool no_body_;
  State state_ = State::kHead;
  std::string line_;  // the head so far, or a chunk-size line or trailer line
  int status_ = 0;
  std::vector<HttpHeader> headers_;
  std::vector<uint8_t> body_;
  uint64_t remaining_ = 0;  // of the Content-Length body or the current chunk
  bool keep_alive_ = true;
};

}  // namespace rapidbyte::s3
