#include "portable/postgres/replication/lsn.hpp"

#include <chrono>

#include "portable/base/try.hpp"

namespace rapidbyte::postgres {
namespace {

Result<uint32_t> parse_hex_half(std::string_view text) {
  if (text.empty() || text.size() > 8) return fail(protocol_error("malformed LSN"));
  uint32_t v = 0;
  for (char c : text) {
    uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint32_t>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else {
      return fail(protocol_error("malformed LSN"));
    }
    v = (v << 4) | digit;
  }
  return v;
}

void append_hex(std::string& out, uint32_t v) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  char buf[8];
  int n = 0;
  do {
    buf[n++] = kDigits[v & 0xF];
    v >>= 4;
  } while (v != 0);
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace

std::string format_lsn(Lsn lsn) {
  std::string out;
  append_hex(out, static_cast<uint32_t>(lsn >> 32));
  out.push_back('/');
  append_hex(out, static_cast<uint32_t>(lsn));
  return out;
}

Result<Lsn> parse_lsn(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return fail(protocol_error("malformed LSN"));
  RB_ASSIGN_OR_RETURN(uint32_t hi, parse_hex_half(text.substr(0, slash)));
  RB_ASSIGN_OR_RETURN(uint32_t lo, parse_hex_half(text.substr(slash + 1)));
  return (Lsn{hi} << 32) | lo;
}

int64_t postgres_clock_now_us() {
  const auto since_unix = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return static_cast<int64_t>(since_unix.count()) - kPostgresEpochUnixMicros;
}

}  // namespace rapidbyte::postgres
