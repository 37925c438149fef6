// Transport: the byte stream the PostgreSQL client talks over.
//
// The client never opens sockets itself: inside a wasm guest the SDK's
// host-mediated TcpStream implements this, in native tests a plain POSIX
// socket does, and after an SSLRequest the host's TLS stream replaces the
// plain one. Whoever constructs a Connection hands it the transport; the
// connection owns it from then on. Implementations need not be thread-safe:
// one connection uses its transport from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

class Transport {
 public:
  virtual ~Transport() = default;

  // Reads at least one and at most buffer.size() bytes, blocking until some
  // arrive. Returns 0 when the peer closed the connection.
  // REQUIRES: !buffer.empty().
  virtual Result<size_t> read(std::span<uint8_t> buffer) = 0;

  // Writes all of `data` (looping internally as needed).
  virtual Result<void> write(std::span<const uint8_t> data) = 0;

  // Closes the connection; idempotent. Later reads and writes fail.
  virtual void close() = 0;
};

}  // namespace rapidbyte::postgres
