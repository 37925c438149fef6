#include "host/runtime/wasm_sections.hpp"

#include <cstring>

#include "portable/base/try.hpp"

namespace rapidbyte::runtime {

namespace {

// A cursor over untrusted bytes.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  size_t remaining() const { return bytes_.size() - at_; }
  size_t offset() const { return at_; }

  std::expected<uint8_t, std::string> byte() {
    if (remaining() < 1)
      return std::unexpected("unexpected end of module at offset " + std::to_string(at_));
    return bytes_[at_++];
  }

  // Unsigned LEB128, at most 5 bytes for a u32.
  std::expected<uint32_t, std::string> leb_u32() {
    uint32_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      RB_ASSIGN_OR_RETURN(auto b, byte());
      value |= static_cast<uint32_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 28 && (b & 0x70) != 0) break;
        return value;
      }
    }
    return std::unexpected("malformed LEB128 integer at offset " + std::to_string(at_));
  }

  std::expected<std::span<const uint8_t>, std::string> take(uint32_t n) {
    if (remaining() < n) {
      return std::unexpected("length " + std::to_string(n) + " at offset " + std::to_string(at_) +
                             " runs past the end of the module");
    }
    auto out = bytes_.subspan(at_, n);
    at_ += n;
    return out;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t at_ = 0;
};

}  // namespace

std::expected<std::vector<CustomSection>, std::string> read_custom_sections(
    std::span<const uint8_t> module) {
  static constexpr uint8_t kHeader[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  if (module.size() < sizeof kHeader || std::memcmp(module.data(), kHeader, sizeof kHeader) != 0) {
    return std::unexpected("not a WebAssembly core module (bad magic or version)");
  }
  ByteReader reader(module.subspan(sizeof kHeader));
  std::vector<CustomSection> sections;
  while (reader.remaining() > 0) {
    RB_ASSIGN_OR_RETURN(auto id, reader.byte());
    RB_ASSIGN_OR_RETURN(auto size, reader.leb_u32());
    RB_ASSIGN_OR_RETURN(auto body, reader.take(size));
    if (id != 0) continue;
    ByteReader section(body);
    RB_ASSIGN_OR_RETURN(auto name_len, section.leb_u32());
    auto name = section.take(name_len);
    if (!name) return std::unexpected("custom section name: " + name.error());
    sections.push_back({std::string(name->begin(), name->end()), body.subspan(section.offset())});
  }
  return sections;
}

}  // namespace rapidbyte::runtime
