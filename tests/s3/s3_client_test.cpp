// S3Client against a real S3-compatible server (versitygw, started by
// scripts/throwaway-s3.sh on a loopback port): objects put, read whole and
// by range, described and deleted; requests on one kept-alive connection,
// and a new one when the server went away; wrong credentials refused with
// S3's error code and no secret in the message.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "portable/s3/s3_client.hpp"
#include "tests/s3/throwaway_s3_server.hpp"

namespace rapidbyte::s3 {
namespace {

std::span<const uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string text(const std::vector<uint8_t>& data) {
  return {data.begin(), data.end()};
}

class S3ClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<test::ThrowawayS3Server>(); }
  static void TearDownTestSuite() { server_.reset(); }

  // A client of the server; connects_ counts the connections it opens.
  S3Client client(std::string secret = {}) {
    return server_->client(std::move(secret), &connects_);
  }

  static inline std::unique_ptr<test::ThrowawayS3Server> server_;
  int connects_ = 0;
};

TEST_F(S3ClientTest, ObjectsArePutReadDescribedAndDeleted) {
  S3Client s3 = client();
  ASSERT_TRUE(s3.create_bucket("lake")) << "create bucket";
  const std::string key = "events/day=2026-12-07/part 1+a~.txt";
  auto etag = s3.put_object("lake", key, bytes("hello object storage"));
  ASSERT_TRUE(etag) << etag.error().message;
  EXPECT_FALSE(etag->empty());

  auto whole = s3.get_object("lake", key);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(text(*whole), "hello object storage");
  auto part = s3.get_object("lake", key, ByteRange{6, 6});
  ASSERT_TRUE(part) << part.error().message;
  EXPECT_EQ(text(*part), "object");

  auto info = s3.head_object("lake", key);
  ASSERT_TRUE(info) << info.error().message;
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->size, 20u);
  EXPECT_EQ((*info)->etag, *etag);

  ASSERT_TRUE(s3.delete_object("lake", key));
  auto gone = s3.head_object("lake", key);
  ASSERT_TRUE(gone) << gone.error().message;
  EXPECT_FALSE(gone->has_value());
  auto missing = s3.get_object("lake", key);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_EQ(missing.error().code, "NoSuchKey");
  EXPECT_TRUE(
      missing.error().message.starts_with("S3 GET s3://lake/" + key + ": HTTP 404 NoSuchKey"))
      << missing.error().message;
  // Every request went over the one kept-alive connection.
  EXPECT_EQ(connects_, 1);
}

TEST_F(S3ClientTest, ObjectsAreCopiedInsideTheServer) {
  S3Client s3 = client();
  ASSERT_TRUE(s3.create_bucket("copies")) << "create bucket";
  const std::string from = "staged/part s1+a~.parquet";
  ASSERT_TRUE(s3.put_object("copies", from, bytes("copied bytes")));
  auto copied = s3.copy_object("copies", from, "table/part s1+a~.parquet");
  ASSERT_TRUE(copied) << copied.error().message;
  auto read = s3.get_object("copies", "table/part s1+a~.parquet");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(text(*read), "copied bytes");
  auto missing = s3.copy_object("copies", "staged/none", "table/none");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_EQ(missing.error().code, "NoSuchKey");
}

TEST_F(S3ClientTest, ReadsOfOneVersionRefuseAReplacedObject) {
  S3Client s3 = client();
  ASSERT_TRUE(s3.create_bucket("versions")) << "create bucket";
  auto first = s3.put_object("versions", "o", bytes("first version"));
  ASSERT_TRUE(first) << first.error().message;
  auto listed = s3.list_objects("versions", "o");
  ASSERT_TRUE(listed && listed->size() == 1u);
  auto same = s3.get_object("versions", "o", ByteRange{0, 5}, (*listed)[0].etag);
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(text(*same), "first");
  ASSERT_TRUE(s3.put_object("versions", "o", bytes("second version")));
  auto changed = s3.get_object("versions", "o", ByteRange{0, 6}, (*listed)[0].etag);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().http_status, 412);
  EXPECT_EQ(changed.error().code, "PreconditionFailed");
}

TEST_F(S3ClientTest, ARequestAfterTheServerRestartedGoesOnANewConnection) {
  S3Client s3 = client();
  (void)s3.create_bucket("restart");
  ASSERT_TRUE(s3.put_object("restart", "a", bytes("1")));
  server_->restart();
  auto after = s3.get_object("restart", "a");
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(text(*after), "1");
  EXPECT_EQ(connects_, 2);
}

TEST_F(S3ClientTest, ListingsComePageAfterPage) {
  S3Client s3 = client();
  ASSERT_TRUE(s3.create_bucket("listing"));
  std::vector<std::string> keys;
  for (int i = 0; i < 7; ++i) {
    keys.push_back("t/part-" + std::to_string(i) + (i % 2 ? " &<odd>" : ""));
    ASSERT_TRUE(s3.put_object("listing", keys.back(), bytes(std::string(i, 'x'))));
  }
  ASSERT_TRUE(s3.put_object("listing", "other/x", bytes("x")));
  auto listed = s3.list_objects("listing", "t/", /*page_size=*/2);
  ASSERT_TRUE(listed) << listed.error().message;
  std::vector<std::string> got;
  for (const ListedObject& o : *listed) {
    got.push_back(o.key);
    EXPECT_FALSE(o.etag.empty());
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(got, keys);
  ASSERT_EQ(listed->size(), 7u);
  for (const ListedObject& o : *listed) EXPECT_EQ(o.size, o.key[7] - '0') << o.key;
}

TEST_F(S3ClientTest, ADelimiterGroupsKeysIntoDirectories) {
  S3Client s3 = client();
  ASSERT_TRUE(s3.create_bucket("dirs"));
  for (const char* key :
       {"lake/a/1", "lake/a/2", "lake/b/x/1", "lake/c", "lake/d/3", "elsewhere/e/1"}) {
    ASSERT_TRUE(s3.put_object("dirs", key, bytes("x")));
  }
  auto listing = s3.list("dirs", "lake/", "/", /*page_size=*/1);
  ASSERT_TRUE(listing) << listing.error().message;
  EXPECT_EQ(listing->prefixes, (std::vector<std::string>{"lake/a/", "lake/b/", "lake/d/"}));
  ASSERT_EQ(listing->objects.size(), 1u);
  EXPECT_EQ(listing->objects[0].key, "lake/c");
}

TEST_F(S3ClientTest, MultipartUploadsCompleteOrLeaveNothing) {
  S3Client s3 = client();
  ASSERT_TRUE(s3.create_bucket("parts"));
  const std::string first(5 << 20, 'a');  // every part but the last: at least 5 MiB
  const std::string last = "the end";
  auto id = s3.start_multipart("parts", "big/object");
  ASSERT_TRUE(id) << id.error().message;
  auto one = s3.upload_part("parts", "big/object", *id, 1, bytes(first));
  ASSERT_TRUE(one) << one.error().message;
  auto two = s3.upload_part("parts", "big/object", *id, 2, bytes(last));
  ASSERT_TRUE(two) << two.error().message;
  auto done = s3.complete_multipart("parts", "big/object", *id, {*one, *two});
  ASSERT_TRUE(done) << done.error().message;
  auto whole = s3.get_object("parts", "big/object");
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(text(*whole), first + last);

  auto abandoned = s3.start_multipart("parts", "big/abandoned");
  ASSERT_TRUE(abandoned) << abandoned.error().message;
  ASSERT_TRUE(s3.upload_part("parts", "big/abandoned", *abandoned, 1, bytes("x")));
  auto pending = s3.pending_uploads("parts", "big/");
  ASSERT_TRUE(pending) << pending.error().message;
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].key, "big/abandoned");
  EXPECT_EQ((*pending)[0].upload_id, *abandoned);
  ASSERT_TRUE(s3.abort_multipart("parts", "big/abandoned", *abandoned));
  pending = s3.pending_uploads("parts", "big/");
  ASSERT_TRUE(pending) << pending.error().message;
  EXPECT_TRUE(pending->empty());
  auto head = s3.head_object("parts", "big/abandoned");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_FALSE(head->has_value());
}

TEST_F(S3ClientTest, WrongCredentialsAreRefusedWithoutTheSecretInTheError) {
  const std::string wrong = "not-the-secret-0123456789abcdefghij";
  S3Client s3 = client(wrong);
  auto put = s3.put_object("lake", "x", bytes("x"));
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().http_status, 403);
  EXPECT_EQ(put.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(put.error().message.find(wrong), std::string::npos) << put.error().message;
  EXPECT_EQ(put.error().message.find(server_->secret_access_key()), std::string::npos);
}

}  // namespace
}  // namespace rapidbyte::s3
