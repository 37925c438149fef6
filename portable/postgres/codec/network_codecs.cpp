// inet and cidr as utf8 in PostgreSQL's own text form: IPv4 dotted quads,
// IPv6 with the longest zero run compressed ("::"), IPv4-mapped addresses
// with a dotted tail; inet omits a full-length prefix, cidr always shows it.
#include <array>
#include <cctype>

#include "portable/arrow/binary_builder.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/codec_factories.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres::codecs {
namespace {

constexpr uint8_t kFamilyInet4 = 2;  // PGSQL_AF_INET
constexpr uint8_t kFamilyInet6 = 3;  // PGSQL_AF_INET6

// Writes `v` (< 1000) in decimal at `p`; returns the end. Decoding runs for
// every inet value of a table, so no string is built per number.
char* write_decimal(char* p, unsigned v) {
  if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
  if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
  *p++ = static_cast<char>('0' + v % 10);
  return p;
}

// Writes the dotted quad of `a` at `p` (at most 15 chars); returns the end.
char* write_ipv4(char* p, const uint8_t* a) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) *p++ = '.';
    p = write_decimal(p, a[i]);
  }
  return p;
}

void append_ipv6(std::string& out, const uint8_t* a) {
  std::array<uint16_t, 8> w;
  for (size_t i = 0; i < 8; ++i) w[i] = static_cast<uint16_t>((a[2 * i] << 8) | a[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (w[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && w[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best = -1;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (best >= 0 && i >= best && i < best + best_len) {
      if (i == best) out += ':';
      continue;
    }
    if (i != 0) out += ':';
    // An IPv4-compatible or -mapped tail is printed dotted.
    if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
      char dotted[16];
      out.append(dotted, write_ipv4(dotted, a + 12));
      return;
    }
    std::string h;
    for (uint16_t v = w[i]; v != 0 || h.empty(); v >>= 4) h.insert(h.begin(), kHex[v & 15]);
    out += h;
  }
  if (best >= 0 && best + best_len == 8) out += ':';
}

bool parse_ipv4(std::string_view s, uint8_t* out) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
    }
    int v = 0, n = 0;
    while (!s.empty() && s[0] >= '0' && s[0] <= '9' && n < 3) {
      v = v * 10 + (s[0] - '0');
      s.remove_prefix(1);
      ++n;
    }
    if (n == 0 || v > 255) return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return s.empty();
}

bool parse_ipv6(std::string_view s, uint8_t* out) {
  std::array<uint16_t, 8> head{}, tail{};
  int nh = 0, nt = 0;
  bool compressed = false;
  if (s.starts_with("::")) {
    compressed = true;
    s.remove_prefix(2);
  }
  while (!s.empty()) {
    auto& words = compressed ? tail : head;
    int& n = compressed ? nt : nh;
    if (s.find('.') != std::string_view::npos && s.find(':') == std::string_view::npos) {
      uint8_t v4[4];
      if (n > 6 || !parse_ipv4(s, v4)) return false;
      words[n++] = static_cast<uint16_t>((v4[0] << 8) | v4[1]);
      words[n++] = static_cast<uint16_t>((v4[2] << 8) | v4[3]);
      s = {};
      break;
    }
    uint32_t v = 0;
    int digits = 0;
    while (!s.empty() && digits < 4 && std::isxdigit(static_cast<unsigned char>(s[0]))) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
      v = v * 16 + static_cast<uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
      s.remove_prefix(1);
      ++digits;
    }
    if (digits == 0 || n >= 8) return false;
    words[n++] = static_cast<uint16_t>(v);
    if (s.empty()) break;
    if (s[0] != ':') return false;
    s.remove_prefix(1);
    if (!s.empty() && s[0] == ':') {
      if (compressed) return false;
      compressed = true;
      s.remove_prefix(1);
    } else if (s.empty()) {
      return false;
    }
  }
  if (nh + nt > (compressed ? 7 : 8) || (!compressed && nh != 8)) return false;
  std::array<uint16_t, 8> w{};
  for (int i = 0; i < nh; ++i) w[i] = head[i];
  for (int i = 0; i < nt; ++i) w[8 - nt + i] = tail[i];
  for (size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(w[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(w[i]);
  }
  return true;
}

class NetworkCodec : public ValueCodec {
 public:
  explicit NetworkCodec(uint32_t oid) : ValueCodec(oid) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::utf8());
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    if (bytes.size() < 4) return fail(data_error("binary inet value too short"));
    const uint8_t family = bytes[0], bits = bytes[1], size = bytes[3];
    const bool v4 = family == kFamilyInet4;
    if ((!v4 && family != kFamilyInet6) || size != (v4 ? 4 : 16) || bytes.size() != 4u + size ||
        bits > size * 8) {
      return fail(data_error("malformed binary inet value"));
    }
    const bool show_prefix = type_oid() == oid::kCidr || bits != size * 8;
    if (v4) {
      char text[20];  // "255.255.255.255/32"
      char* end = write_ipv4(text, bytes.data() + 4);
      if (show_prefix) {
        *end++ = '/';
        end = write_decimal(end, bits);
      }
      static_cast<arrow::BinaryBuilder&>(b).append(std::string_view(text, end));
      return {};
    }
    std::string text;
    append_ipv6(text, bytes.data() + 4);
    if (show_prefix) text += "/" + std::to_string(bits);
    static_cast<arrow::BinaryBuilder&>(b).append(text);
    return {};
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    RB_ASSIGN_OR_RETURN(std::string_view text, wire::string_slot(a, row));
    std::string_view address = text.substr(0, text.find('/'));
    uint8_t bytes[16];
    const bool v4 = address.find(':') == std::string_view::npos;
    if (!(v4 ? parse_ipv4(address, bytes) : parse_ipv6(address, bytes))) {
      return fail(data_error("not an IP address: \"" + std::string(text) + "\""));
    }
    const int size = v4 ? 4 : 16;
    int bits = size * 8;
    if (address.size() < text.size()) {
      bits = 0;
      std::string_view prefix = text.substr(address.size() + 1);
      if (prefix.empty() || prefix.size() > 3) return fail(data_error("bad prefix length"));
      for (char c : prefix) {
        if (c < '0' || c > '9') return fail(data_error("bad prefix length"));
        bits = bits * 10 + (c - '0');
      }
      if (bits > size * 8) return fail(data_error("bad prefix length"));
    }
    out.push_back(v4 ? kFamilyInet4 : kFamilyInet6);
    out.push_back(static_cast<uint8_t>(bits));
    out.push_back(type_oid() == oid::kCidr ? 1 : 0);
    out.push_back(static_cast<uint8_t>(size));
    out.insert(out.end(), bytes, bytes + size);
    return {};
  }
};

}  // namespace

std::unique_ptr<ValueCodec> make_network(uint32_t type_oid) {
  if (type_oid != oid::kInet && type_oid != oid::kCidr) return nullptr;
  return std::make_unique<NetworkCodec>(type_oid);
}

}  // namespace rapidbyte::postgres::codecs
