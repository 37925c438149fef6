// XLogData, primary keepalive and standby status update encoding; LSN text;
// START_REPLICATION command text; CopyBoth over a scripted server.
#include "portable/postgres/replication/replication_messages.hpp"

#include <gtest/gtest.h>

#include "portable/postgres/replication/replication_commands.hpp"
#include "portable/postgres/replication/replication_stream.hpp"
#include "tests/postgres/scripted_transport.hpp"

namespace rapidbyte::postgres {
namespace {

using test::be32;
using test::cat;
using test::ScriptedTransport;
using test::ServerScript;
using test::str;

std::vector<uint8_t> be64(uint64_t v) {
  return cat({be32(static_cast<int32_t>(v >> 32)), be32(static_cast<int32_t>(v))});
}

TEST(Lsn, FormatAndParse) {
  EXPECT_EQ(format_lsn(0), "0/0");
  EXPECT_EQ(format_lsn(0x16B374D848), "16/B374D848");
  EXPECT_EQ(format_lsn(0xFFFFFFFFFFFFFFFF), "FFFFFFFF/FFFFFFFF");
  EXPECT_EQ(parse_lsn("16/B374D848"), 0x16B374D848u);
  EXPECT_EQ(parse_lsn("0/1a"), 0x1Au);
  for (const char* bad : {"", "/", "1/", "/1", "1/2/3", "123456789/0", "g/0", "1 /2", "-1/0"}) {
    EXPECT_FALSE(parse_lsn(bad).has_value()) << bad;
  }
}

TEST(ReplicationMessages, XLogData) {
  const auto bytes = cat({{'w'}, be64(0x100), be64(0x200), be64(12345), str("payload", false)});
  auto m = parse_replication_message(bytes);
  ASSERT_TRUE(m.has_value());
  const auto& x = std::get<XLogData>(*m);
  EXPECT_EQ(x.wal_start, 0x100u);
  EXPECT_EQ(x.wal_end, 0x200u);
  EXPECT_EQ(x.send_time_us, 12345);
  EXPECT_EQ(std::string(x.data.begin(), x.data.end()), "payload");
  for (size_t n = 0; n < 25; ++n) {
    EXPECT_FALSE(parse_replication_message(std::span(bytes).first(n)).has_value()) << n;
  }
}

TEST(ReplicationMessages, KeepaliveWithReplyRequested) {
  const auto bytes = cat({{'k'}, be64(0xABC), be64(99), {1}});
  auto m = parse_replication_message(bytes);
  ASSERT_TRUE(m.has_value());
  const auto& k = std::get<PrimaryKeepalive>(*m);
  EXPECT_EQ(k.wal_end, 0xABCu);
  EXPECT_EQ(k.send_time_us, 99);
  EXPECT_TRUE(k.reply_requested);
  auto no_reply = parse_replication_message(cat({{'k'}, be64(1), be64(2), {0}}));
  ASSERT_TRUE(no_reply.has_value());
  EXPECT_FALSE(std::get<PrimaryKeepalive>(*no_reply).reply_requested);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(parse_replication_message(std::span(bytes).first(n)).has_value()) << n;
  }
  EXPECT_FALSE(parse_replication_message(cat({bytes, {0}})).has_value());
  EXPECT_FALSE(parse_replication_message(cat({{'k'}, be64(1), be64(2), {2}})).has_value());
  EXPECT_FALSE(parse_replication_message(std::vector<uint8_t>{'q'}).has_value());
}

TEST(ReplicationMessages, StandbyStatusUpdateBytes) {
  std::vector<uint8_t> out;
  write_standby_status_update(StandbyStatusUpdate{0x10, 0x20, 0x30, 0x0102030405060708, true}, out);
  EXPECT_EQ(out, cat({{'r'}, be64(0x10), be64(0x20), be64(0x30), be64(0x0102030405060708), {1}}));
}

TEST(ReplicationCommands, StartReplicationText) {
  StartReplicationOptions o;
  o.slot_name = "rb_slot";
  o.start_lsn = 0x16B374D848;
  o.publication_names = {"pub", "we\"ird'name"};
  auto sql = start_replication_command(o);
  ASSERT_TRUE(sql.has_value());
  EXPECT_EQ(*sql,
            "START_REPLICATION SLOT \"rb_slot\" LOGICAL 16/B374D848 (proto_version '1', "
            "publication_names '\"pub\",\"we\"\"ird''name\"')");
  o.binary = true;
  o.messages = true;
  o.publication_names = {"p"};
  EXPECT_EQ(*start_replication_command(o),
            "START_REPLICATION SLOT \"rb_slot\" LOGICAL 16/B374D848 (proto_version '1', "
            "publication_names '\"p\"', binary 'true', messages 'true')");
  o.slot_name = "Bad-Name";
  auto bad = start_replication_command(o);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().category, protocol::ErrorCategory::kConfig);
  o.slot_name = "ok";
  o.publication_names.clear();
  EXPECT_FALSE(start_replication_command(o).has_value());
}

// A scripted server: trust auth, then a CopyBoth stream of one XLogData and
// one keepalive, then the server's CopyDone and the end of the command.
TEST(ReplicationStream, ScriptedSession) {
  ServerScript s;
  s.msg('R', be32(0)).msg('Z', {'I'});
  s.msg('W', cat({{0}, {0, 0}}));
  s.msg('d', cat({{'w'}, be64(1), be64(2), be64(3), str("B", false)}));
  s.msg('d', cat({{'k'}, be64(9), be64(4), {1}}));
  s.msg('c', {});
  s.msg('C', str("COPY 0")).msg('Z', {'I'});
  auto transport = std::make_unique<ScriptedTransport>(s.bytes(), 5);
  ScriptedTransport* raw = transport.get();
  ConnectOptions options;
  options.user = "u";
  enable_logical_replication(options);
  auto conn = Connection::connect(std::move(transport), options);
  ASSERT_TRUE(conn.has_value()) << conn.error().to_string();
  // The startup packet carries replication=database.
  const std::string startup(raw->written().begin(), raw->written().end());
  EXPECT_NE(startup.find(std::string("replication\0database\0", 21)), std::string::npos);

  StartReplicationOptions o;
  o.slot_name = "s";
  o.publication_names = {"p"};
  auto stream = ReplicationStream::start(*conn, o);
  ASSERT_TRUE(stream.has_value()) << stream.error().to_string();
  auto first = stream->next();
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_EQ(std::get<XLogData>(**first).wal_end, 2u);
  auto second = stream->next();
  ASSERT_TRUE(second.has_value() && second->has_value());
  EXPECT_TRUE(std::get<PrimaryKeepalive>(**second).reply_requested);
  EXPECT_EQ(stream->last_wal_end(), 9u);
  const size_t before = raw->written().size();
  ASSERT_TRUE(stream->send_status(5, 6, 7).has_value());
  // 'd', length 4 + 34, then the 34-byte status update.
  ASSERT_EQ(raw->written().size(), before + 39);
  const std::vector<uint8_t> sent(raw->written().begin() + static_cast<ptrdiff_t>(before),
                                  raw->written().end());
  EXPECT_EQ(std::vector<uint8_t>(sent.begin(), sent.begin() + 30),
            cat({{'d'}, be32(38), {'r'}, be64(5), be64(6), be64(7)}));
  EXPECT_EQ(sent.back(), 0);
  auto end = stream->next();
  ASSERT_TRUE(end.has_value());
  EXPECT_FALSE(end->has_value());
  ASSERT_TRUE(stream->stop().has_value());
  EXPECT_FALSE(conn->in_copy_both());
  EXPECT_EQ(raw->written().back(), 4);  // CopyDone: 'c' and length 4
}

// A server error during streaming ends the exchange with that error.
TEST(ReplicationStream, ServerErrorEndsStream) {
  ServerScript s;
  s.msg('R', be32(0)).msg('Z', {'I'});
  s.msg('W', cat({{0}, {0, 0}}));
  s.msg('E', cat({str("SERROR"),
                  str("VERROR"),
                  str("C42704"),
                  str("Mpublication \"nope\" does not exist"),
                  {0}}));
  s.msg('Z', {'I'});
  ConnectOptions options;
  options.user = "u";
  auto conn = Connection::connect(std::make_unique<ScriptedTransport>(s.bytes(), 3), options);
  ASSERT_TRUE(conn.has_value());
  StartReplicationOptions o;
  o.slot_name = "s";
  o.publication_names = {"nope"};
  auto stream = ReplicationStream::start(*conn, o);
  ASSERT_TRUE(stream.has_value());
  auto m = stream->next();
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().sqlstate, "42704");
  EXPECT_EQ(m.error().message, "publication \"nope\" does not exist");
  EXPECT_FALSE(conn->in_copy_both());
  EXPECT_FALSE(conn->is_broken());
}

}  // namespace
}  // namespace rapidbyte::postgres
