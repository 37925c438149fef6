// The network failing under a PG -> PG run, through a fault-injecting proxy:
// a reset in the middle of a COPY, a peer that stops answering, one that
// vanished without a FIN, a slow link and garbage in a TLS handshake. A run
// either retries and ends exact, or fails within its limits with an error
// naming the peer, and never hangs.
#include <gtest/gtest.h>

#include "tests/connectors/fault_fixture.hpp"

namespace rapidbyte::test {
namespace {

using Fault = FaultProxy::Fault;

constexpr int kRows = 100'000;           // about 6 MB in a binary COPY
constexpr uint64_t kMidCopy = 1u << 20;  // past the catalog queries, inside the COPY

TEST_F(FaultTest, SourceResetMidCopyIsRetriedAndExact) {
  seed("net_reset_src", kRows);
  auto link = proxy();
  link->arm(Fault::kReset, kMidCopy);
  auto report =
      run_pipeline(pipeline("net_reset_src", "replace", link->port(), 0), "net_reset_src");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  EXPECT_EQ(link->fired(), 1);
  EXPECT_EQ(report.streams.at(0).attempts, 2u);
  EXPECT_EQ(report.records(), static_cast<uint64_t>(kRows));
  expect_copied("net_reset_src");
}

TEST_F(FaultTest, DestinationResetMidCopyIsRetriedAndExact) {
  seed("net_reset_dst", kRows);
  auto link = proxy();
  link->arm(Fault::kReset, kMidCopy);
  expect_exact_after_fault(pipeline("net_reset_dst", "upsert", 0, link->port()), "net_reset_dst",
                           *link, 2);
}

// The stalled connection stays open (its server backend too): only the
// network timeout ends the wait, and the retry reads on a new connection.
TEST_F(FaultTest, StalledSourceTimesOutAndIsRetried) {
  seed("net_stall", kRows);
  auto link = proxy();
  link->arm(Fault::kStall, kMidCopy);
  expect_exact_after_fault(pipeline("net_stall", "replace", link->port(), 0,
                                    std::string(kRetries) + ", network_timeout_seconds: 2"),
                           "net_stall", *link, 2);
}

// The destination's server saw its client go (and rolled back); the client
// sees nothing at all, and its writes block once the socket buffers fill.
TEST_F(FaultTest, HalfOpenDestinationTimesOutAndIsRetried) {
  seed("net_half_open", kRows);
  auto link = proxy();
  link->arm(Fault::kHalfOpen, kMidCopy);
  expect_exact_after_fault(pipeline("net_half_open", "upsert", 0, link->port(),
                                    std::string(kRetries) + ", network_timeout_seconds: 2"),
                           "net_half_open", *link, 2);
}

// Every limit waits for progress, not for the whole transfer: a slow link
// that keeps moving is no fault.
TEST_F(FaultTest, TrickledLinkCompletesWithoutRetries) {
  seed("net_trickle", 5'000);
  auto link = proxy();
  link->trickle(200'000);
  auto report = run_pipeline(pipeline("net_trickle", "replace", link->port(), link->port(),
                                      std::string(kRetries) + ", network_timeout_seconds: 1"),
                             "net_trickle");
  ASSERT_TRUE(report.succeeded()) << report.first_error();
  EXPECT_EQ(report.streams.at(0).attempts, 1u);
  expect_copied("net_trickle");
}

// The server's first TLS reply arrives garbled on every connection: each
// attempt fails in the handshake, and the run ends with the error after
// its retries, the destination untouched.
TEST_F(FaultTest, GarbledTlsHandshakeFailsAfterRetriesNamingThePeer) {
  seed("net_tls", 10);
  auto link = proxy();
  constexpr uint64_t kAfterSslRequest = 9;  // SSLRequest (8 bytes) and the server's 'S'
  link->arm(Fault::kCorrupt, kAfterSslRequest, 100);
  std::string yaml =
      pipeline("net_tls", "replace", link->port(), 0, "max_retries: 1, retry_base_delay_ms: 10");
  const std::string plain = "\"sslmode\": \"disable\"";
  yaml.replace(yaml.find(plain), plain.size(), "\"sslmode\": \"require\"");  // the source's
  auto report = run_pipeline(yaml, "net_tls");
  ASSERT_FALSE(report.succeeded());
  const std::string error = report.first_error();
  EXPECT_NE(error.find("source-postgres: TLS handshake with 127.0.0.1:" +
                       std::to_string(link->port()) + " failed: "),
            std::string::npos)
      << error;
  EXPECT_GE(link->fired(), 2);  // retried: a failed handshake is transient
  auto d = dst();
  EXPECT_EQ(d.value("SELECT to_regclass('net_tls') IS NULL"), "t");
}

// Nobody listens on the destination's port: each attempt is refused at
// once, and the run ends after its retries naming the peer.
TEST_F(FaultTest, UnreachableDestinationFailsAfterRetriesNamingThePeer) {
  seed("net_unreachable", 10);
  int closed_port = 0;
  {
    auto gone = proxy();  // a free port, closed again when the proxy goes
    closed_port = gone->port();
  }
  auto report = run_pipeline(pipeline("net_unreachable", "replace", 0, closed_port,
                                      "max_retries: 2, retry_base_delay_ms: 10"),
                             "net_unreachable");
  ASSERT_FALSE(report.succeeded());
  EXPECT_NE(report.first_error().find("dest-postgres: cannot connect to 127.0.0.1:" +
                                      std::to_string(closed_port)),
            std::string::npos)
      << report.first_error();
  EXPECT_NE(report.first_error().find("Connection refused"), std::string::npos)
      << report.first_error();
}

}  // namespace
}  // namespace rapidbyte::test
