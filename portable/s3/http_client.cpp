#include "portable/s3/http_client.hpp"

#include <string>

#include "portable/base/try.hpp"

namespace rapidbyte::s3 {
namespace {

// A read asks for up to this much: a ranged GET of megabytes takes few
// reads (each one a host call in a guest).
constexpr size_t kReadBytes = 1u << 20;

std::string request_head(const HttpRequest& request) {
  std::string head = request.method + " " + request.target + " HTTP/1.1\r\n";
  for (const HttpHeader& h : request.headers) head += h.name + ": " + h.value + "\r\n";
  head += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n";
  return head;
}

}  // namespace

Result<HttpResponse> HttpClient::send(const HttpRequest& request) {
  const bool reused = stream_ != nullptr;
  bool unanswered = false;
  Result<HttpResponse> response = exchange(request, unanswered);
  if (!response && reused && unanswered) {
    // The server closed the kept-alive connection before this request.
    response = exchange(request, unanswered);
  }
  return response;
}

Result<HttpResponse> HttpClient::exchange(const HttpRequest& request, bool& unanswered) {
  unanswered = true;
  if (!stream_) {
    pending_.clear();
    RB_ASSIGN_OR_RETURN(stream_, connect_());
  }
  auto failed = [this](Error error) -> Result<HttpResponse> {
    stream_.reset();
    return std::unexpected(std::move(error));
  };
  const std::string head = request_head(request);
  const std::span<const uint8_t> head_bytes(reinterpret_cast<const uint8_t*>(head.data()),
                                            head.size());
  if (auto sent = stream_->write(head_bytes); !sent) return failed(sent.error());
  if (!request.body.empty()) {
    if (auto sent = stream_->write(request.body); !sent) return failed(sent.error());
  }
  HttpResponseParser parser(limits_, request.no_response_body);
  // Bytes read with the previous response that belong to this one.
  if (!pending_.empty()) {
    auto used = parser.feed(pending_);
    if (!used) return failed(used.error());
    unanswered = false;
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(*used));
  }
  if (buffer_.empty()) buffer_.resize(kReadBytes);
  while (!parser.done()) {
    auto got = stream_->read(buffer_);
    if (!got) return failed(got.error());
    if (*got == 0) {
      if (auto closed = parser.finish_at_close(); !closed) return failed(closed.error());
      stream_.reset();
      break;
    }
    // Fed from the read buffer itself; only what follows the response is kept.
    const std::span<const uint8_t> data(buffer_.data(), *got);
    auto used = parser.feed(data);
    if (!used) return failed(used.error());
    unanswered = false;
    pending_.assign(data.begin() + static_cast<ptrdiff_t>(*used), data.end());
  }
  if (!parser.keep_alive()) stream_.reset();
  return HttpResponse{parser.status(), parser.headers(), parser.take_body()};
}

}  // namespace rapidbyte::s3
