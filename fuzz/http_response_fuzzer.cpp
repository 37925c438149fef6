// libFuzzer target for HttpResponseParser: the input is what a server sent
// on one connection, fed in chunks whose size the first byte picks (its
// top bit: the response of a HEAD request), response after response while
// each one completes, then the connection's end. A crash, an over-read
// (ASan) or a body past its limit is a bug; errors are the expected outcome.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portable/s3/http_response_parser.hpp"

using namespace rapidbyte::s3;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const bool head = (data[0] & 0x80) != 0;
  const HttpResponseParser::Limits limits{.max_head_bytes = 4096, .max_body_bytes = 1 << 16};
  std::span<const uint8_t> rest(data + 1, size - 1);
  HttpResponseParser parser(limits, head);
  while (!rest.empty()) {
    const std::span<const uint8_t> piece = rest.first(std::min(chunk, rest.size()));
    Result<size_t> used = parser.feed(piece);
    if (!used) return 0;
    if (*used > piece.size() || parser.body().size() > limits.max_body_bytes) __builtin_trap();
    rest = rest.subspan(*used);
    if (parser.done()) {
      if (!parser.keep_alive()) return 0;
      parser = HttpResponseParser(limits, head);
    } else if (*used < piece.size()) {
      __builtin_trap();  // an unfinished response takes every byte it is given
    }
  }
  (void)parser.finish_at_close();
  return 0;
}
