#include "portable/s3/http_client.hpp"

#include <algorithm>
#include <cctype>

#include "portable/base/try.hpp"

namespace rapidbyte::s3 {
namespace {

constexpr size_t kReadBytes = 64 << 10;

std::vector<uint8_t> request_head(const HttpRequest& request) {
  std::string head = request.method + " " + request.target + " HTTP/1.1\r\n";
  for (const HttpHeader& h : request.headers) head += h.name + ": " + h.value + "\r\n";
  head += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n";
  return {head.begin(), head.end()};
}

}  // namespace

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (std::ranges::equal(h.name, name, [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return h.value;
    }
  }
  return std::nullopt;
}

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
  if (auto sent = stream_->write(request_head(request)); !sent) return failed(sent.error());
  if (!request.body.empty()) {
    if (auto sent = stream_->write(request.body); !sent) return failed(sent.error());
  }
  HttpResponseParser parser(limits_, request.no_response_body);
  std::vector<uint8_t> buffer(kReadBytes);
  for (;;) {
    if (!pending_.empty()) {
      auto used = parser.feed(pending_);
      if (!used) return failed(used.error());
      unanswered = false;
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(*used));
      if (parser.done()) break;
    }
    auto got = stream_->read(buffer);
    if (!got) return failed(got.error());
    if (*got == 0) {
      if (auto closed = parser.finish_at_close(); !closed) return failed(closed.error());
      stream_.reset();
      break;
    }
    pending_.assign(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(*got));
  }
  if (!parser.keep_alive()) stream_.reset();
  return HttpResponse{parser.status(), parser.headers(), parser.take_body()};
}

}  // namespace rapidbyte::s3
