// S3Client's retries, with the server's answers scripted byte for byte
// (what a throttled S3 sends is hard to make a real server send on cue):
// throttling and server errors are tried again after growing waits, up to
// max_attempts; other errors are not, nor a POST whose connection failed.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "portable/s3/s3_client.hpp"

namespace rapidbyte::s3 {
namespace {

// One connection: answers with `response` whatever it is sent, then closes.
class ScriptedStream final : public ByteStream {
 public:
  explicit ScriptedStream(std::string response) : response_(std::move(response)) {}
  Result<size_t> read(std::span<uint8_t> buffer) override {
    if (response_.empty()) return fail("connection reset by peer");
    const size_t n = std::min(buffer.size(), response_.size() - at_);
    std::copy_n(response_.begin() + static_cast<ptrdiff_t>(at_), n, buffer.begin());
    at_ += n;
    return n;
  }
  Result<void> write(std::span<const uint8_t>) override { return {}; }

 private:
  std::string response_;  // empty: the connection fails
  size_t at_ = 0;
};

std::string answer(int status, std::string_view code = {}) {
  const std::string body =
      code.empty() ? std::string("ok")
                   : "<Error><Code>" + std::string(code) + "</Code><Message>m</Message></Error>";
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

struct Scripted {
  std::deque<std::string> answers;
  int connects = 0;
  std::vector<std::chrono::milliseconds> waits;

  S3Client client(int max_attempts = 5) {
    S3Config config{.endpoint = {.host = "s3.test", .port = 80, .tls = false},
                    .credentials = {"AKID", "secret", ""},
                    .retry = {.max_attempts = max_attempts}};
    return S3Client(
        config,
        [this]() -> Result<std::unique_ptr<ByteStream>> {
          ++connects;
          std::string next = answers.empty() ? std::string() : answers.front();
          if (!answers.empty()) answers.pop_front();
          return std::make_unique<ScriptedStream>(std::move(next));
        },
        [] { return int64_t{1700000000}; },
        [this](std::chrono::milliseconds wait) { waits.push_back(wait); });
  }
};

TEST(S3RetryTest, ThrottlingAndServerErrorsAreTriedAgainAfterGrowingWaits) {
  Scripted server{.answers = {answer(503, "SlowDown"), answer(500, "InternalError"), answer(200)}};
  auto got = server.client().get_object("b", "k");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(std::string(got->begin(), got->end()), "ok");
  EXPECT_EQ(server.connects, 3);
  ASSERT_EQ(server.waits.size(), 2u);
  EXPECT_LE(server.waits[0].count(), 100);  // full jitter under 100 ms, then 200 ms
  EXPECT_LE(server.waits[1].count(), 200);
}

TEST(S3RetryTest, ARetryAfterLengthensTheWaitUpToTheLongest) {
  std::string slow_down = answer(503, "SlowDown");
  slow_down.insert(slow_down.find("\r\n") + 2, "Retry-After: 3\r\n");
  std::string much_later = answer(503, "SlowDown");
  much_later.insert(much_later.find("\r\n") + 2, "Retry-After: 3600\r\n");
  Scripted server{.answers = {slow_down, much_later, answer(200)}};
  auto got = server.client().get_object("b", "k");
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(server.waits.size(), 2u);
  EXPECT_EQ(server.waits[0].count(), 3000);
  EXPECT_EQ(server.waits[1].count(), 5000);  // RetryPolicy::max_wait
}

TEST(S3RetryTest, TheLastAttemptsErrorSaysHowManyThereWere) {
  Scripted server{.answers = {answer(503, "SlowDown"), answer(503, "SlowDown")}};
  auto got = server.client(/*max_attempts=*/2).put_object("b", "k", {});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().http_status, 503);
  EXPECT_EQ(got.error().code, "SlowDown");
  EXPECT_EQ(got.error().message, "S3 PUT s3://b/k: HTTP 503 SlowDown: m (after 2 attempts)");
  EXPECT_EQ(server.connects, 2);
}

TEST(S3RetryTest, OtherErrorsAndFailedPostsAreNotRetried) {
  Scripted denied{.answers = {answer(403, "AccessDenied")}};
  auto got = denied.client().get_object("b", "k");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message, "S3 GET s3://b/k: HTTP 403 AccessDenied: m");
  EXPECT_EQ(denied.connects, 1);

  Scripted reset{};  // every connection fails before a response
  auto started = reset.client().start_multipart("b", "k");
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "S3 POST s3://b/k: connection reset by peer");
  EXPECT_EQ(reset.connects, 1);
  auto read = reset.client().get_object("b", "k");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message, "S3 GET s3://b/k: connection reset by peer (after 5 attempts)");
  EXPECT_EQ(reset.connects, 6);
}

}  // namespace
}  // namespace rapidbyte::s3
