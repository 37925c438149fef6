// MessageStream: the framing layer of the PostgreSQL v3 protocol over a
// Transport — buffered reading of backend messages and buffered writing of
// frontend ones.
//
// read_message() checks the length word of every message (at least 4, at
// most max_message_bytes) before trusting it, and returns the body as a view
// into the stream's read buffer, valid until the next read. The stream owns
// the transport and both buffers. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "portable/postgres/result.hpp"
#include "portable/postgres/transport.hpp"

namespace rapidbyte::postgres {

struct BackendMessage {
  char type = 0;
  std::span<const uint8_t> body;  // without type byte and length word
};

class MessageStream {
 public:
  static constexpr uint32_t kDefaultMaxMessageBytes = 1u << 30;

  // REQUIRES: transport != nullptr.
  explicit MessageStream(std::unique_ptr<Transport> transport,
                         uint32_t max_message_bytes = kDefaultMaxMessageBytes)
      : transport_(std::move(transport)), max_message_bytes_(max_message_bytes) {}

  // The next backend message. A short read, a closed connection or a bad
  // length word is an error.
  Result<BackendMessage> read_message();

  // The next message if it has type `type` and is wholly buffered already,
  // else nullopt and nothing is consumed. Reads nothing, so the views of
  // earlier messages stay valid.
  std::optional<BackendMessage> buffered_message(char type);

  // One unframed byte (the server's answer to SSLRequest).
  Result<uint8_t> read_byte();

  // Bytes received but not consumed yet. After an SSLRequest answer there
  // must be none: they would have arrived unencrypted (CVE-2021-23222).
  size_t buffered_input() const { return end_ - begin_; }

  // Frontend messages go here (see FrontendWriter), then flush() sends them.
  std::vector<uint8_t>& output() { return output_; }
  Result<void> flush();

  // Replaces the transport (after a TLS upgrade). REQUIRES: no buffered input.
  std::unique_ptr<Transport> release_transport() { return std::move(transport_); }
  void reset_transport(std::unique_ptr<Transport> transport) { transport_ = std::move(transport); }
  Transport* transport() { return transport_.get(); }

 private:
  // Ensures at least `n` unconsumed bytes are buffered.
  Result<void> fill(size_t n);

  std::unique_ptr<Transport> transport_;
  uint32_t max_message_bytes_;
  std::vector<uint8_t> input_;
  size_t begin_ = 0;  // first unconsumed byte in input_
  size_t end_ = 0;    // one past the last received byte in input_
  std::vector<uint8_t> output_;
};

}  // namespace rapidbyte::postgres
