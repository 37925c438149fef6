#include "portable/postgres/message_stream.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "portable/base/try.hpp"

namespace rapidbyte::postgres {
namespace {

constexpr size_t kReadChunk = size_t{64} * 1024;

// The length word of the message whose type byte is at `header`.
uint32_t length_word(const uint8_t* header) {
  return (uint32_t{header[1]} << 24) | (uint32_t{header[2]} << 16) | (uint32_t{header[3]} << 8) |
         uint32_t{header[4]};
}

}  // namespace

Result<void> MessageStream::fill(size_t n) {
  if (end_ - begin_ >= n) return {};
  if (transport_ == nullptr) return fail(connection_error("connection is closed"));
  // Move the unconsumed tail to the front, then grow to fit n plus a read chunk.
  if (begin_ > 0) {
    std::memmove(input_.data(), input_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // Grow with the bytes that actually arrive, not with the length a message
  // claims: a bogus length word must not make us allocate a gigabyte.
  while (end_ < n) {
    if (input_.size() - end_ < kReadChunk / 2) {
      input_.resize(std::max(input_.size() * 2, end_ + kReadChunk));
    }
    RB_ASSIGN_OR_RETURN(size_t got,
                        transport_->read(std::span(input_.data() + end_, input_.size() - end_)));
    if (got == 0) return fail(connection_error("server closed the connection unexpectedly"));
    end_ += got;
  }
  return {};
}

Result<BackendMessage> MessageStream::read_message() {
  RB_TRY(fill(5));
  const uint8_t* header = input_.data() + begin_;
  const uint32_t len = length_word(header);
  if (len < 4) {
    return fail(protocol_error("message length " + std::to_string(len) + " is less than 4"));
  }
  if (len - 4 > max_message_bytes_) {
    return fail(protocol_error("message of " + std::to_string(len) +
                               " bytes exceeds the limit of " +
                               std::to_string(max_message_bytes_)));
  }
  RB_TRY(fill(size_t{1} + len));
  BackendMessage msg;
  msg.type = static_cast<char>(input_[begin_]);
  msg.body = std::span<const uint8_t>(input_.data() + begin_ + 5, len - 4);
  begin_ += size_t{1} + len;
  return msg;
}

std::optional<BackendMessage> MessageStream::buffered_message(char type) {
  if (end_ - begin_ < 5 || static_cast<char>(input_[begin_]) != type) return std::nullopt;
  const uint8_t* header = input_.data() + begin_;
  const uint32_t len = length_word(header);
  // A bad length word is left for read_message() to report.
  if (len < 4 || len - 4 > max_message_bytes_ || end_ - begin_ < size_t{1} + len) {
    return std::nullopt;
  }
  BackendMessage msg;
  msg.type = type;
  msg.body = std::span<const uint8_t>(header + 5, len - 4);
  begin_ += size_t{1} + len;
  return msg;
}

Result<uint8_t> MessageStream::read_byte() {
  RB_TRY(fill(1));
  return input_[begin_++];
}

Result<void> MessageStream::flush() {
  if (output_.empty()) return {};
  if (transport_ == nullptr) return fail(connection_error("connection is closed"));
  Result<void> r = transport_->write(output_);
  output_.clear();
  return r;
}

}  // namespace rapidbyte::postgres
