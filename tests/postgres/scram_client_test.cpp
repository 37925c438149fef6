// ScramClient against the example exchange of RFC 7677 §3.
#include <gtest/gtest.h>

#include "portable/postgres/scram_client.hpp"

namespace rapidbyte::postgres {
namespace {

constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

TEST(ScramClient, Rfc7677Exchange) {
  ScramClient client("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(client.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  Result<std::string> final_message = client.handle_server_first(kServerFirst);
  ASSERT_TRUE(final_message.has_value()) << final_message.error().message;
  EXPECT_EQ(*final_message,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  EXPECT_TRUE(
      client.verify_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").has_value());
}

TEST(ScramClient, RejectsAForgedServerSignature) {
  ScramClient client("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  ASSERT_TRUE(client.handle_server_first(kServerFirst).has_value());
  Result<void> r = client.verify_server_final("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().category, protocol::ErrorCategory::kAuth);
  EXPECT_EQ(r.error().message,
            "SCRAM authentication: server signature does not match (wrong server?)");
}

TEST(ScramClient, RejectsANonceThatDoesNotExtendOurs) {
  ScramClient client("user", "pencil", "abc");
  Result<std::string> r = client.handle_server_first("r=xyzdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "SCRAM authentication: server nonce does not extend the client nonce");
}

TEST(ScramClient, RejectsMalformedServerFirst) {
  for (std::string_view bad : {"", "r=abcdef", "r=abcdef,s=***,i=1", "r=abcdef,s=AA==,i=0",
                               "r=abcdef,s=AA==,i=12x", "e=other-error"}) {
    ScramClient client("", "pw", "abc");
    EXPECT_FALSE(client.handle_server_first(bad).has_value()) << bad;
  }
}

TEST(ScramClient, RandomNoncesDiffer) {
  Result<std::string> a = ScramClient::random_nonce();
  Result<std::string> b = ScramClient::random_nonce();
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace rapidbyte::postgres
