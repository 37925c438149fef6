// The portable crypto against published test vectors: FIPS 180-2 (SHA-256),
// RFC 4231 (HMAC-SHA-256), RFC 7914 §11 and the RFC 6070 inputs with SHA-256
// (PBKDF2), RFC 1321 (MD5), RFC 4648 §10 (base64).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "portable/crypto/base64.hpp"
#include "portable/crypto/hex.hpp"
#include "portable/crypto/hmac_sha256.hpp"
#include "portable/crypto/md5.hpp"
#include "portable/crypto/pbkdf2.hpp"
#include "portable/crypto/sha256.hpp"

namespace rapidbyte::crypto {
namespace {

std::string hex(std::span<const uint8_t> bytes) {
  return to_hex(bytes);
}

std::span<const uint8_t> bytes(std::string_view s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionAsInUnevenPieces) {
  Sha256 h;
  const std::string piece(997, 'a');
  size_t total = 0;
  while (total + piece.size() <= 1'000'000) {
    h.update(piece);
    total += piece.size();
  }
  h.update(std::string(1'000'000 - total, 'a'));
  EXPECT_EQ(hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(HmacSha256, Rfc4231Vectors) {
  const std::vector<uint8_t> key1(20, 0x0b);
  EXPECT_EQ(hex(hmac_sha256(key1, std::string_view("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac_sha256(bytes("Jefe"), std::string_view("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::vector<uint8_t> long_key(131, 0xaa);
  EXPECT_EQ(
      hex(hmac_sha256(long_key,
                      std::string_view("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, RestartsWithTheSameKeyAfterFinish) {
  HmacSha256 mac(bytes("Jefe"));
  mac.update(std::string_view("what do ya want "));
  mac.update(std::string_view("for nothing?"));
  const std::string first = hex(mac.finish());
  mac.update(std::string_view("what do ya want for nothing?"));
  EXPECT_EQ(hex(mac.finish()), first);
}

std::string pbkdf2_hex(std::string_view password, std::string_view salt, uint32_t iterations,
                       size_t length) {
  std::vector<uint8_t> out(length);
  pbkdf2_hmac_sha256(bytes(password), bytes(salt), iterations, out);
  return hex(out);
}

TEST(Pbkdf2HmacSha256, Rfc7914Vectors) {
  EXPECT_EQ(pbkdf2_hex("passwd", "salt", 1, 64),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_EQ(pbkdf2_hex("Password", "NaCl", 80000, 64),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(Pbkdf2HmacSha256, Rfc6070InputsWithSha256) {
  EXPECT_EQ(pbkdf2_hex("password", "salt", 1, 32),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  EXPECT_EQ(pbkdf2_hex("password", "salt", 2, 32),
            "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  EXPECT_EQ(pbkdf2_hex("password", "salt", 4096, 32),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
}

TEST(Md5, Rfc1321Vectors) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(md5_hex("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(
      md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
      "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Base64, Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"", ""},
                                                                  {"f", "Zg=="},
                                                                  {"fo", "Zm8="},
                                                                  {"foo", "Zm9v"},
                                                                  {"foob", "Zm9vYg=="},
                                                                  {"fooba", "Zm9vYmE="},
                                                                  {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(base64_encode(bytes(plain)), encoded);
    const auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
}

TEST(Base64, RejectsNonCanonicalInput) {
  EXPECT_FALSE(base64_decode("Zg=").has_value());
  EXPECT_FALSE(base64_decode("Z===").has_value());
  EXPECT_FALSE(base64_decode("Zh==").has_value());  // non-zero padding bits
  EXPECT_FALSE(base64_decode("Zm9v!A==").has_value());
  EXPECT_FALSE(base64_decode("Zg==Zg==").has_value());
}

}  // namespace
}  // namespace rapidbyte::crypto
