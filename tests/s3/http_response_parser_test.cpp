// HttpResponseParser: bodies by length, by chunks and to the connection's
// end, in every split of the input; interim responses; kept-alive
// connections with the next response's bytes left over; and malformed or
// oversized responses refused with what was wrong.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "portable/s3/http_response_parser.hpp"

namespace rapidbyte::s3 {
namespace {

std::span<const uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string body_text(const HttpResponseParser& parser) {
  return {parser.body().begin(), parser.body().end()};
}

// Feeds `text` in pieces of `piece` bytes; returns the bytes it used and
// the error, if any.
struct Fed {
  size_t used = 0;
  std::string error;
};
Fed feed_all(HttpResponseParser& parser, std::string_view text, size_t piece) {
  Fed fed;
  while (fed.used < text.size() && !parser.done()) {
    auto used = parser.feed(bytes(text.substr(fed.used, piece)));
    if (!used) {
      fed.error = used.error().message;
      return fed;
    }
    fed.used += *used;
  }
  return fed;
}

TEST(HttpResponseParserTest, BodiesByLengthAndByChunksInEverySplit) {
  const std::string by_length =
      "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nETag: \"abc\"\r\n\r\nhello worldHTTP/1.1";
  const std::string chunked =
      "HTTP/1.1 206 Partial Content\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nnext";
  for (size_t piece = 1; piece <= by_length.size(); ++piece) {
    HttpResponseParser parser({});
    const Fed fed = feed_all(parser, by_length, piece);
    ASSERT_EQ(fed.error, "");
    ASSERT_TRUE(parser.done()) << piece;
    EXPECT_EQ(fed.used, by_length.size() - 8);  // the next response's bytes are left
    EXPECT_EQ(parser.status(), 200);
    EXPECT_EQ(parser.header("etag"), "\"abc\"");
    EXPECT_EQ(body_text(parser), "hello world");
    EXPECT_TRUE(parser.keep_alive());
  }
  for (size_t piece = 1; piece <= chunked.size(); ++piece) {
    HttpResponseParser parser({});
    const Fed fed = feed_all(parser, chunked, piece);
    ASSERT_EQ(fed.error, "");
    ASSERT_TRUE(parser.done()) << piece;
    EXPECT_EQ(fed.used, chunked.size() - 4);
    EXPECT_EQ(parser.status(), 206);
    EXPECT_EQ(body_text(parser), "hello world");
  }
}

TEST(HttpResponseParserTest, ABodyWithoutLengthEndsWithTheConnection) {
  HttpResponseParser parser({});
  ASSERT_TRUE(parser.feed(bytes("HTTP/1.0 500 Internal Server Error\r\n\r\n<Error/>")));
  EXPECT_FALSE(parser.done());
  ASSERT_TRUE(parser.finish_at_close());
  EXPECT_TRUE(parser.done());
  EXPECT_EQ(parser.status(), 500);
  EXPECT_EQ(body_text(parser), "<Error/>");
  EXPECT_FALSE(parser.keep_alive());
}

TEST(HttpResponseParserTest, InterimResponsesHeadRequestsAndConnectionClose) {
  HttpResponseParser parser({});
  ASSERT_TRUE(
      parser.feed(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                        "Connection: close\r\nContent-Length: 2\r\n\r\nok")));
  EXPECT_TRUE(parser.done());
  EXPECT_EQ(parser.status(), 200);
  EXPECT_EQ(body_text(parser), "ok");
  EXPECT_FALSE(parser.keep_alive());

  HttpResponseParser head({}, /*no_body=*/true);
  ASSERT_TRUE(head.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")));
  EXPECT_TRUE(head.done());
  EXPECT_TRUE(head.body().empty());
}

TEST(HttpResponseParserTest, MalformedAndOversizedResponsesAreRefused) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"HTTP/2 200 OK\r\n\r\n", "the status line is not 'HTTP/1.x <status> <reason>'"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "the status line is not 'HTTP/1.x <status> <reason>'"},
      {"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "a header line is not 'name: value'"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
       "Content-Length '6' is not one number"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length '-1' is not one number"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n",
       "a body of 101 bytes exceeds the limit of 100"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
       "transfer coding 'gzip' is not supported"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       "a chunk size is not a hexadecimal number"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n",
       "a chunk of 101 bytes exceeds the body limit"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
       "a chunk is longer than its size"},
  };
  for (const auto& [response, error] : cases) {
    HttpResponseParser parser({.max_head_bytes = 1024, .max_body_bytes = 100});
    auto fed = parser.feed(bytes(response));
    ASSERT_FALSE(fed) << response;
    EXPECT_EQ(fed.error().message, "HTTP response: " + std::string(error));
  }
  HttpResponseParser small({.max_head_bytes = 16, .max_body_bytes = 100});
  auto fed = small.feed(bytes("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n"));
  ASSERT_FALSE(fed);
  EXPECT_EQ(fed.error().message, "HTTP response: the status line and headers exceed 16 bytes");

  HttpResponseParser cut({});
  ASSERT_TRUE(cut.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")));
  auto closed = cut.finish_at_close();
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().message,
            "HTTP response: the connection closed in the middle of the response");
}

}  // namespace
}  // namespace rapidbyte::s3
