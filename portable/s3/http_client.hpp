// HttpClient: HTTP/1.1 requests and their responses over one kept-alive
// connection at a time (opened by Connect, opened again when the server
// closed it). A request whose kept-alive connection turns out to be closed
// before any byte of the response arrived is sent once more on a new one:
// the server never saw it. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "portable/s3/byte_stream.hpp"
#include "portable/s3/http_response_parser.hpp"
#include "portable/s3/sigv4.hpp"

namespace rapidbyte::s3 {

struct HttpRequest {
  std::string method;
  std::string target;               // the encoded path and query: "/bucket/key?uploads"
  std::vector<HttpHeader> headers;  // Host and the rest; Content-Length is added
  std::span<const uint8_t> body;
  bool no_response_body = false;  // a HEAD request
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;
  std::vector<uint8_t> body;

  // The first value of header `name` (any case); nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

class HttpClient {
 public:
  HttpClient(Connect connect, HttpResponseParser::Limits limits)
      : connect_(std::move(connect)), limits_(limits) {}

  Result<HttpResponse> send(const HttpRequest& request);

 private:
  // One attempt, on the kept-alive connection or a new one. Sets
  // `unanswered` when it failed before any byte of the response came.
  Result<HttpResponse> exchange(const HttpRequest& request, bool& unanswered);

  Connect connect_;
  HttpResponseParser::Limits limits_;
  std::unique_ptr<ByteStream> stream_;
  std::vector<uint8_t> buffer_;   // what one read fills
  std::vector<uint8_t> pending_;  // bytes read past the last response
};

}  // namespace rapidbyte::s3
