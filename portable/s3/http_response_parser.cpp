#include "portable/s3/http_response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "portable/base/try.hpp"

namespace rapidbyte::s3 {
namespace {

constexpr size_t kMaxLineBytes = 8 << 10;  // a chunk-size or trailer line

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Takes one line ending in CRLF out of `data` into `line`; true once whole.
Result<bool> take_line(std::span<const uint8_t> data, size_t& pos, std::string& line,
                       std::string_view what) {
  while (pos < data.size()) {
    line.push_back(static_cast<char>(data[pos++]));
    if (line.ends_with("\r\n")) {
      line.resize(line.size() - 2);
      return true;
    }
    if (line.size() > kMaxLineBytes)
      return fail("HTTP response: a " + std::string(what) + " line is longer than 8 KiB");
  }
  return false;
}

}  // namespace

Result<size_t> HttpResponseParser::feed(std::span<const uint8_t> data) {
  size_t pos = 0;
  while (pos < data.size() && state_ != State::kDone) {
    switch (state_) {
      case State::kHead:
        while (pos < data.size()) {
          line_.push_back(static_cast<char>(data[pos++]));
          if (line_.ends_with("\r\n\r\n")) {
            const std::string head = std::move(line_);
            line_.clear();
            RB_TRY(parse_head(std::string_view(head).substr(0, head.size() - 4)));
            break;
          }
          if (line_.size() > limits_.max_head_bytes) {
            return fail("HTTP response: the status line and headers exceed " +
                        std::to_string(limits_.max_head_bytes) + " bytes");
          }
        }
        break;
      case State::kBody:
      case State::kChunkData: {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - pos));
        RB_TRY(append_body(data.subspan(pos, n)));
        pos += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = state_ == State::kBody ? State::kDone : State::kChunkEnd;
        break;
      }
      case State::kToClose:
        RB_TRY(append_body(data.subspan(pos)));
        pos = data.size();
        break;
      case State::kChunkSize: {
        RB_ASSIGN_OR_RETURN(bool whole, take_line(data, pos, line_, "chunk size"));
        if (!whole) break;
        // hex digits, then optional ";extension"s.
        const std::string_view digits = trim(std::string_view(line_).substr(0, line_.find(';')));
        uint64_t size = 0;
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
          return fail("HTTP response: a chunk size is not a hexadecimal number");
        }
        line_.clear();
        if (size == 0) {
          state_ = State::kTrailer;
        } else {
          if (size > limits_.max_body_bytes) {
            return fail("HTTP response: a chunk of " + std::to_string(size) +
                        " bytes exceeds the body limit");
          }
          remaining_ = size;
          state_ = State::kChunkData;
        }
        break;
      }
      case State::kChunkEnd: {
        RB_ASSIGN_OR_RETURN(bool whole, take_line(data, pos, line_, "chunk end"));
        if (!whole) break;
        if (!line_.empty()) return fail("HTTP response: a chunk is longer than its size");
        state_ = State::kChunkSize;
        break;
      }
      case State::kTrailer: {
        RB_ASSIGN_OR_RETURN(bool whole, take_line(data, pos, line_, "trailer"));
        if (!whole) break;
        if (line_.empty()) state_ = State::kDone;
        line_.clear();
        break;
      }
      case State::kDone:
        break;
    }
  }
  return pos;
}

Result<void> HttpResponseParser::parse_head(std::string_view head) {
  headers_.clear();
  const size_t status_end = std::min(head.find("\r\n"), head.size());
  const std::string_view status_line = head.substr(0, status_end);
  // HTTP/1.x SSS reason
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ' ||
      (status_line.size() > 12 && status_line[12] != ' ') ||
      !std::all_of(status_line.begin() + 9, status_line.begin() + 12,
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return fail("HTTP response: the status line is not 'HTTP/1.x <status> <reason>'");
  }
  status_ = (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
  const bool http10 = status_line[7] == '0';
  std::string_view rest =
      status_end < head.size() ? head.substr(status_end + 2) : std::string_view();
  while (!rest.empty()) {
    const size_t end = std::min(rest.find("\r\n"), rest.size());
    const std::string_view line = rest.substr(0, end);
    rest = end < rest.size() ? rest.substr(end + 2) : std::string_view();
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::all_of(line.begin(), line.begin() + static_cast<ptrdiff_t>(colon), is_token_char)) {
      return fail("HTTP response: a header line is not 'name: value'");
    }
    headers_.push_back(
        {std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
  }
  if (status_ >= 100 && status_ < 200) {  // interim (100 Continue): the response follows
    headers_.clear();
    return {};
  }
  const auto connection = header("Connection");
  keep_alive_ = connection ? !equals_ignoring_case(*connection, "close") &&
                                 (!http10 || equals_ignoring_case(*connection, "keep-alive"))
                           : !http10;
  return start_body();
}

Result<void> HttpResponseParser::start_body() {
  if (no_body_ || status_ == 204 || status_ == 304) {
    state_ = State::kDone;
    return {};
  }
  if (const auto coding = header("Transfer-Encoding")) {
    if (!equals_ignoring_case(trim(*coding), "chunked")) {
      return fail("HTTP response: transfer coding '" + std::string(*coding) + "' is not supported");
    }
    state_ = State::kChunkSize;
    return {};
  }
  std::optional<uint64_t> length;
  for (const HttpHeader& h : headers_) {
    if (!equals_ignoring_case(h.name, "Content-Length")) continue;
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(h.value.data(), h.value.data() + h.value.size(), value);
    if (h.value.empty() || ec != std::errc() || end != h.value.data() + h.value.size() ||
        (length && *length != value)) {
      return fail("HTTP response: Content-Length '" + h.value + "' is not one number");
    }
    length = value;
  }
  if (!length) {
    state_ = State::kToClose;  // the body ends with the connection
    keep_alive_ = false;
    return {};
  }
  if (*length > limits_.max_body_bytes) {
    return fail("HTTP response: a body of " + std::to_string(*length) +
                " bytes exceeds the limit of " + std::to_string(limits_.max_body_bytes));
  }
  remaining_ = *length;
  state_ = remaining_ == 0 ? State::kDone : State::kBody;
  return {};
}

Result<void> HttpResponseParser::append_body(std::span<const uint8_t> data) {
  if (body_.size() + data.size() > limits_.max_body_bytes) {
    return fail("HTTP response: the body exceeds the limit of " +
                std::to_string(limits_.max_body_bytes) + " bytes");
  }
  body_.insert(body_.end(), data.begin(), data.end());
  return {};
}

Result<void> HttpResponseParser::finish_at_close() {
  if (state_ == State::kToClose) state_ = State::kDone;
  if (state_ == State::kDone) return {};
  keep_alive_ = false;
  return fail(state_ == State::kHead && line_.empty()
                  ? "HTTP response: the connection closed before a response"
                  : "HTTP response: the connection closed in the middle of the response");
}

}  // namespace rapidbyte::s3
