// ScriptedTransport: an in-memory Transport playing a fixed byte script as
// the server, for tests that need exact, possibly malformed server bytes.
// Reads return the script in pieces of at most `chunk` bytes (to exercise
// reassembly), then 0 (peer closed); writes are recorded. Owns its bytes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "portable/postgres/transport.hpp"

namespace rapidbyte::postgres::test {

class ScriptedTransport : public Transport {
 public:
  explicit ScriptedTransport(std::vector<uint8_t> script, size_t chunk = 7)
      : script_(std::move(script)), chunk_(chunk) {}

  Result<size_t> read(std::span<uint8_t> buffer) override {
    const size_t n = std::min({buffer.size(), chunk_, script_.size() - pos_});
    std::copy_n(script_.begin() + static_cast<ptrdiff_t>(pos_), n, buffer.begin());
    pos_ += n;
    return n;
  }
  Result<void> write(std::span<const uint8_t> data) override {
    written_.insert(written_.end(), data.begin(), data.end());
    return {};
  }
  void close() override {}

  const std::vector<uint8_t>& written() const { return written_; }

 private:
  std::vector<uint8_t> script_;
  size_t chunk_;
  size_t pos_ = 0;
  std::vector<uint8_t> written_;
};

// Builds server messages for scripts: msg('Z', {'I'}) etc.
class ServerScript {
 public:
  ServerScript& raw(std::vector<uint8_t> bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  ServerScript& msg(char type, const std::vector<uint8_t>& body) {
    bytes_.push_back(static_cast<uint8_t>(type));
    const uint32_t len = static_cast<uint32_t>(body.size() + 4);
    for (int i = 3; i >= 0; --i) bytes_.push_back(static_cast<uint8_t>(len >> (8 * i)));
    return raw(body);
  }
  std::vector<uint8_t> bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

inline std::vector<uint8_t> be32(int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  return {static_cast<uint8_t>(u >> 24), static_cast<uint8_t>(u >> 16),
          static_cast<uint8_t>(u >> 8), static_cast<uint8_t>(u)};
}

inline std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline std::vector<uint8_t> str(std::string_view s, bool nul = true) {
  std::vector<uint8_t> out(s.begin(), s.end());
  if (nul) out.push_back(0);
  return out;
}

}  // namespace rapidbyte::postgres::test
