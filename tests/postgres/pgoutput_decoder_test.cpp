// The pgoutput decoder on hand-built messages: every message type decodes to
// exact values, and every truncation or corruption is an error.
#include "portable/postgres/replication/pgoutput_decoder.hpp"

#include <gtest/gtest.h>

#include "tests/postgres/scripted_transport.hpp"

namespace rapidbyte::postgres {
namespace {

using test::be32;
using test::cat;
using test::str;

std::vector<uint8_t> be64(uint64_t v) {
  return cat({be32(static_cast<int32_t>(v >> 32)), be32(static_cast<int32_t>(v))});
}
std::vector<uint8_t> be16(int16_t v) {
  return {static_cast<uint8_t>(static_cast<uint16_t>(v) >> 8), static_cast<uint8_t>(v)};
}
std::vector<uint8_t> byte(char c) {
  return {static_cast<uint8_t>(c)};
}

std::string text(std::span<const uint8_t> b) {
  return std::string(b.begin(), b.end());
}

// Every proper prefix of a valid message is an error, never a crash.
void expect_prefixes_fail(const std::vector<uint8_t>& msg) {
  for (size_t n = 0; n < msg.size(); ++n) {
    EXPECT_FALSE(pgoutput::decode(std::span(msg).first(n)).has_value()) << "prefix " << n;
  }
  std::vector<uint8_t> longer = msg;
  longer.push_back(0);
  EXPECT_FALSE(pgoutput::decode(longer).has_value()) << "trailing byte";
}

TEST(PgoutputDecoder, BeginAndCommit) {
  const auto begin = cat({byte('B'), be64(0x16B374D848), be64(777), be32(4242)});
  auto b = pgoutput::decode(begin);
  ASSERT_TRUE(b.has_value()) << b.error().to_string();
  const auto& bv = std::get<pgoutput::Begin>(*b);
  EXPECT_EQ(bv.final_lsn, 0x16B374D848u);
  EXPECT_EQ(bv.commit_time_us, 777);
  EXPECT_EQ(bv.xid, 4242u);
  expect_prefixes_fail(begin);

  const auto commit = cat({byte('C'), byte(0), be64(10), be64(20), be64(30)});
  auto c = pgoutput::decode(commit);
  ASSERT_TRUE(c.has_value());
  const auto& cv = std::get<pgoutput::Commit>(*c);
  EXPECT_EQ(cv.flags, 0);
  EXPECT_EQ(cv.commit_lsn, 10u);
  EXPECT_EQ(cv.end_lsn, 20u);
  EXPECT_EQ(cv.commit_time_us, 30);
  expect_prefixes_fail(commit);
}

TEST(PgoutputDecoder, OriginAndType) {
  const auto origin = cat({byte('O'), be64(0xABCDEF), str("node_a")});
  auto o = pgoutput::decode(origin);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(std::get<pgoutput::Origin>(*o).commit_lsn, 0xABCDEFu);
  EXPECT_EQ(std::get<pgoutput::Origin>(*o).name, "node_a");
  expect_prefixes_fail(origin);

  const auto type = cat({byte('Y'), be32(16390), str("public"), str("mood")});
  auto t = pgoutput::decode(type);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(std::get<pgoutput::Type>(*t).oid, 16390u);
  EXPECT_EQ(std::get<pgoutput::Type>(*t).schema, "public");
  EXPECT_EQ(std::get<pgoutput::Type>(*t).name, "mood");
  expect_prefixes_fail(type);
}

TEST(PgoutputDecoder, Relation) {
  const auto rel = cat({byte('R'), be32(16384), str("public"), str("items"), byte('f'), be16(2),
                        byte(1), str("id"), be32(23), be32(-1),  //
                        byte(0), str("name"), be32(1043), be32(36)});
  auto r = pgoutput::decode(rel);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  const auto& rv = std::get<pgoutput::Relation>(*r);
  EXPECT_EQ(rv.oid, 16384u);
  EXPECT_EQ(rv.schema, "public");
  EXPECT_EQ(rv.name, "items");
  EXPECT_EQ(rv.replica_identity, 'f');
  ASSERT_EQ(rv.columns.size(), 2u);
  EXPECT_TRUE(rv.columns[0].is_key);
  EXPECT_EQ(rv.columns[0].name, "id");
  EXPECT_EQ(rv.columns[0].type_oid, 23u);
  EXPECT_EQ(rv.columns[0].type_modifier, -1);
  EXPECT_FALSE(rv.columns[1].is_key);
  EXPECT_EQ(rv.columns[1].name, "name");
  EXPECT_EQ(rv.columns[1].type_oid, 1043u);
  EXPECT_EQ(rv.columns[1].type_modifier, 36);
  expect_prefixes_fail(rel);
}

TEST(PgoutputDecoder, InsertWithEveryValueKind) {
  const auto ins = cat({byte('I'),
                        be32(16384),
                        byte('N'),
                        be16(4),
                        byte('t'),
                        be32(3),
                        str("abc", false),
                        byte('n'),
                        byte('u'),
                        byte('b'),
                        be32(2),
                        {0xFF, 0x00}});
  auto i = pgoutput::decode(ins);
  ASSERT_TRUE(i.has_value()) << i.error().to_string();
  const auto& iv = std::get<pgoutput::Insert>(*i);
  EXPECT_EQ(iv.relation_oid, 16384u);
  ASSERT_EQ(iv.new_tuple.size(), 4u);
  EXPECT_EQ(iv.new_tuple[0].kind, pgoutput::ValueKind::kText);
  EXPECT_EQ(iv.new_tuple[0].text(), "abc");
  EXPECT_EQ(iv.new_tuple[1].kind, pgoutput::ValueKind::kNull);
  EXPECT_EQ(iv.new_tuple[2].kind, pgoutput::ValueKind::kUnchangedToast);
  EXPECT_EQ(iv.new_tuple[3].kind, pgoutput::ValueKind::kBinary);
  EXPECT_EQ(iv.new_tuple[3].bytes.size(), 2u);
  EXPECT_EQ(iv.new_tuple[3].bytes[0], 0xFF);
  expect_prefixes_fail(ins);
}

TEST(PgoutputDecoder, UpdateWithAndWithoutOldTuple) {
  const auto plain =
      cat({byte('U'), be32(7), byte('N'), be16(1), byte('t'), be32(1), str("x", false)});
  auto u = pgoutput::decode(plain);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(std::get<pgoutput::Update>(*u).old_kind, pgoutput::OldTupleKind::kNone);
  EXPECT_TRUE(std::get<pgoutput::Update>(*u).old_tuple.empty());
  EXPECT_EQ(std::get<pgoutput::Update>(*u).new_tuple[0].text(), "x");
  expect_prefixes_fail(plain);

  const auto keyed =
      cat({byte('U'), be32(7), byte('K'), be16(2), byte('t'), be32(1), str("1", false), byte('n'),
           byte('N'), be16(2), byte('t'), be32(2), str("10", false), byte('u')});
  auto k = pgoutput::decode(keyed);
  ASSERT_TRUE(k.has_value());
  const auto& kv = std::get<pgoutput::Update>(*k);
  EXPECT_EQ(kv.relation_oid, 7u);
  EXPECT_EQ(kv.old_kind, pgoutput::OldTupleKind::kKey);
  ASSERT_EQ(kv.old_tuple.size(), 2u);
  EXPECT_EQ(kv.old_tuple[0].text(), "1");
  EXPECT_EQ(kv.old_tuple[1].kind, pgoutput::ValueKind::kNull);
  ASSERT_EQ(kv.new_tuple.size(), 2u);
  EXPECT_EQ(kv.new_tuple[0].text(), "10");
  EXPECT_EQ(kv.new_tuple[1].kind, pgoutput::ValueKind::kUnchangedToast);
  expect_prefixes_fail(keyed);

  // An old tuple not followed by 'N' is malformed.
  const auto no_new = cat({byte('U'), be32(7), byte('O'), be16(0), byte('X'), be16(0)});
  EXPECT_FALSE(pgoutput::decode(no_new).has_value());
}

TEST(PgoutputDecoder, DeleteAndTruncate) {
  const auto del = cat({byte('D'), be32(9), byte('O'), be16(1), byte('t'), be32(0)});
  auto d = pgoutput::decode(del);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<pgoutput::Delete>(*d).old_kind, pgoutput::OldTupleKind::kFull);
  EXPECT_EQ(std::get<pgoutput::Delete>(*d).old_tuple[0].text(), "");
  expect_prefixes_fail(del);
  EXPECT_FALSE(pgoutput::decode(cat({byte('D'), be32(9), byte('N'), be16(0)})).has_value());

  const auto trunc = cat({byte('T'), be32(2), byte(3), be32(100), be32(200)});
  auto t = pgoutput::decode(trunc);
  ASSERT_TRUE(t.has_value());
  const auto& tv = std::get<pgoutput::Truncate>(*t);
  EXPECT_EQ(tv.options, pgoutput::Truncate::kCascade | pgoutput::Truncate::kRestartIdentity);
  EXPECT_EQ(tv.relation_oids, (std::vector<uint32_t>{100, 200}));
  expect_prefixes_fail(trunc);
}

TEST(PgoutputDecoder, LogicalMessage) {
  const auto m = cat({byte('M'), byte(1), be64(55), str("rb"), be32(2), str("hi", false)});
  auto v = pgoutput::decode(m);
  ASSERT_TRUE(v.has_value());
  const auto& mv = std::get<pgoutput::LogicalMessage>(*v);
  EXPECT_TRUE(mv.transactional);
  EXPECT_EQ(mv.lsn, 55u);
  EXPECT_EQ(mv.prefix, "rb");
  EXPECT_EQ(text(mv.content), "hi");
  expect_prefixes_fail(m);
}

TEST(PgoutputDecoder, HostileCountsAndLengths) {
  // Counts larger than the bytes present are rejected before allocating.
  EXPECT_FALSE(pgoutput::decode(cat({byte('I'), be32(1), byte('N'), be16(32767)})).has_value());
  EXPECT_FALSE(pgoutput::decode(cat({byte('I'), be32(1), byte('N'), be16(-1)})).has_value());
  EXPECT_FALSE(pgoutput::decode(cat({byte('T'), be32(0x7FFFFFFF), byte(0)})).has_value());
  EXPECT_FALSE(pgoutput::decode(cat({byte('T'), be32(-5), byte(0)})).has_value());
  EXPECT_FALSE(pgoutput::decode(cat({byte('R'), be32(1), str(""), str("t"), byte('d'), be16(1000)}))
                   .has_value());
  // Negative and overlong value lengths.
  EXPECT_FALSE(pgoutput::decode(cat({byte('I'), be32(1), byte('N'), be16(1), byte('t'), be32(-1)}))
                   .has_value());
  EXPECT_FALSE(
      pgoutput::decode(cat({byte('I'), be32(1), byte('N'), be16(1), byte('t'), be32(0x7FFFFFFF)}))
          .has_value());
  // Unknown kinds and message types.
  EXPECT_FALSE(
      pgoutput::decode(cat({byte('I'), be32(1), byte('N'), be16(1), byte('x')})).has_value());
  auto unknown = pgoutput::decode(byte('Z'));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message, "protocol violation: unknown pgoutput message 'Z'");
  EXPECT_EQ(unknown.error().source, PgErrorSource::kProtocol);
  EXPECT_FALSE(pgoutput::decode({}).has_value());
}

}  // namespace
}  // namespace rapidbyte::postgres
