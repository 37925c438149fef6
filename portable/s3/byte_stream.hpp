// ByteStream: the connection the object storage client speaks HTTP over.
// The client never opens sockets itself: in a guest the host's TCP (and
// TLS) calls implement this, in native tests a plain socket does. A
// Connect opens a new one to the endpoint; the client calls it again after
// a connection failed or the server closed it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "portable/s3/s3_error.hpp"

namespace rapidbyte::s3 {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads at least one and at most buffer.size() bytes, blocking until some
  // arrive; 0 when the peer closed the connection.
  virtual Result<size_t> read(std::span<uint8_t> buffer) = 0;
  // Writes all of `data`.
  virtual Result<void> write(std::span<const uint8_t> data) = 0;
};

using Connect = std::function<Result<std::unique_ptr<ByteStream>>()>;

}  // namespace rapidbyte::s3
