// Logical replication against the real server: IDENTIFY_SYSTEM, slots with
// snapshot export, START_REPLICATION with pgoutput, the exact sequence of
// decoded messages for inserts, updates (TOAST unchanged, key change),
// deletes (key and full identity), truncate, origins and enum types, and
// standby status updates reaching pg_replication_slots.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "portable/postgres/replication/pgoutput_decoder.hpp"
#include "portable/postgres/replication/replication_commands.hpp"
#include "portable/postgres/replication/replication_stream.hpp"
#include "tests/postgres/cluster_environment.hpp"
#include "tests/support/libpq_session.hpp"

namespace rapidbyte::test {
namespace {

using postgres::Connection;
using postgres::Lsn;
using postgres::PrimaryKeepalive;
using postgres::ReplicationStream;
using postgres::Result;
using postgres::XLogData;
namespace pgoutput = postgres::pgoutput;

constexpr const char* kDatabase = "rb_repl";

class ReplicationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster().create_database(kDatabase);
    cluster().exec(R"(
      CREATE TYPE rb_mood AS ENUM ('sad', 'happy');
      CREATE TABLE items (id int PRIMARY KEY, name text, big text, mood rb_mood);
      ALTER TABLE items ALTER COLUMN big SET STORAGE EXTERNAL;
      CREATE TABLE full_items (a int, b text);
      ALTER TABLE full_items REPLICA IDENTITY FULL;
      INSERT INTO items VALUES (0, 'before', NULL, 'sad');
      INSERT INTO full_items VALUES (1, 'x');
      CREATE PUBLICATION rb_pub FOR TABLE items, full_items;
      SELECT pg_replication_origin_create('rb_origin');
    )",
                   kDatabase);
  }

  static LibpqSession admin() { return LibpqSession(cluster().admin_conninfo(kDatabase)); }
};

Connection connect_replication() {
  Result<Connection> c = connect_replication_client(kDatabase);
  EXPECT_TRUE(c.has_value()) << c.error().to_string();
  return std::move(*c);
}

TEST_F(ReplicationTest, IdentifySystem) {
  Connection c = connect_replication();
  auto id = postgres::identify_system(c);
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  LibpqSession s = admin();
  EXPECT_EQ(id->system_id, s.value("SELECT system_identifier FROM pg_control_system()"));
  EXPECT_EQ(id->timeline, 1);
  EXPECT_EQ(id->database, kDatabase);
  auto flushed = postgres::parse_lsn(*s.value("SELECT pg_current_wal_flush_lsn()"));
  ASSERT_TRUE(flushed.has_value());
  EXPECT_GT(id->xlog_position, 0u);
  EXPECT_LE(id->xlog_position, *flushed);
  // Ordinary SQL works on a replication=database session too.
  auto r = c.simple_query("SELECT count(*) FROM items WHERE id = 0");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ((*r)[0].rows[0][0], "1");
}

TEST_F(ReplicationTest, PermanentSlotCreateAndDrop) {
  Connection c = connect_replication();
  postgres::CreateSlotOptions o;
  o.slot_name = "rb_permanent";
  o.snapshot = postgres::SnapshotAction::kNoExport;
  auto slot = postgres::create_replication_slot(c, o);
  ASSERT_TRUE(slot.has_value()) << slot.error().to_string();
  EXPECT_EQ(slot->slot_name, "rb_permanent");
  EXPECT_EQ(slot->snapshot_name, std::nullopt);
  EXPECT_EQ(slot->output_plugin, "pgoutput");
  LibpqSession s = admin();
  auto rows = s.query(
      "SELECT plugin, slot_type, temporary::text, database, confirmed_flush_lsn::text "
      "FROM pg_replication_slots WHERE slot_name = 'rb_permanent'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "pgoutput");
  EXPECT_EQ(rows[0][1], "logical");
  EXPECT_EQ(rows[0][2], "false");
  EXPECT_EQ(rows[0][3], kDatabase);
  EXPECT_EQ(rows[0][4], postgres::format_lsn(slot->consistent_point));

  // A second slot of the same name is the server's error; the session lives on.
  auto again = postgres::create_replication_slot(c, o);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().sqlstate, "42710");
  EXPECT_EQ(again.error().message, "replication slot \"rb_permanent\" already exists");

  ASSERT_TRUE(postgres::drop_replication_slot(c, "rb_permanent").has_value());
  EXPECT_TRUE(
      s.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = 'rb_permanent'").empty());
}

TEST_F(ReplicationTest, UnknownSlotIsTheServersError) {
  Connection c = connect_replication();
  postgres::StartReplicationOptions o;
  o.slot_name = "no_such_slot";
  o.publication_names = {"rb_pub"};
  auto stream = ReplicationStream::start(c, o);
  ASSERT_FALSE(stream.has_value());
  EXPECT_EQ(stream.error().sqlstate, "42704");
  EXPECT_EQ(stream.error().message, "replication slot \"no_such_slot\" does not exist");
  EXPECT_TRUE(postgres::identify_system(c).has_value());
}

// Renders a decoded message as one line; relation oids become names.
class Describer {
 public:
  std::string operator()(const pgoutput::Message& m) { return std::visit(*this, m); }

  std::string operator()(const pgoutput::Begin&) { return "BEGIN"; }
  std::string operator()(const pgoutput::Commit& c) {
    return "COMMIT flags=" + std::to_string(c.flags);
  }
  std::string operator()(const pgoutput::Origin& o) {
    return "ORIGIN " + postgres::format_lsn(o.commit_lsn) + " " + std::string(o.name);
  }
  std::string operator()(const pgoutput::Type& t) {
    return "TYPE " + std::to_string(t.oid) + " " + std::string(t.schema) + "." +
           std::string(t.name);
  }
  std::string operator()(const pgoutput::Relation& r) {
    names_[r.oid] = std::string(r.name);
    std::string out = "RELATION " + std::to_string(r.oid) + " " + std::string(r.schema) + "." +
                      std::string(r.name) + " " + r.replica_identity;
    for (const auto& c : r.columns) {
      out += " " + std::string(c.name) + ":" + std::to_string(c.type_oid) + ":" +
             std::to_string(c.type_modifier) + (c.is_key ? ":key" : "");
    }
    return out;
  }
  std::string operator()(const pgoutput::Insert& i) {
    return "INSERT " + name(i.relation_oid) + " " + tuple(i.new_tuple);
  }
  std::string operator()(const pgoutput::Update& u) {
    std::string out = "UPDATE " + name(u.relation_oid);
    if (u.old_kind != pgoutput::OldTupleKind::kNone) {
      out += " old " + std::string(1, static_cast<char>(u.old_kind)) + tuple(u.old_tuple);
    }
    return out + " new " + tuple(u.new_tuple);
  }
  std::string operator()(const pgoutput::Delete& d) {
    return "DELETE " + name(d.relation_oid) + " old " +
           std::string(1, static_cast<char>(d.old_kind)) + tuple(d.old_tuple);
  }
  std::string operator()(const pgoutput::Truncate& t) {
    std::string out = "TRUNCATE options=" + std::to_string(t.options);
    for (uint32_t oid : t.relation_oids) out += " " + name(oid);
    return out;
  }
  std::string operator()(const pgoutput::LogicalMessage& m) {
    return "MESSAGE " + std::string(m.prefix);
  }

 private:
  std::string name(uint32_t oid) {
    auto it = names_.find(oid);
    return it == names_.end() ? "?" + std::to_string(oid) : it->second;
  }
  static std::string tuple(const pgoutput::Tuple& t) {
    std::string out = "(";
    for (size_t i = 0; i < t.size(); ++i) {
      if (i > 0) out += ", ";
      switch (t[i].kind) {
        case pgoutput::ValueKind::kNull:
          out += "null";
          break;
        case pgoutput::ValueKind::kUnchangedToast:
          out += "unchanged-toast";
          break;
        case pgoutput::ValueKind::kText:
          out += "'" + std::string(t[i].text()) + "'";
          break;
        case pgoutput::ValueKind::kBinary:
          out += "binary[" + std::to_string(t[i].bytes.size()) + "]";
          break;
      }
    }
    return out + ")";
  }

  std::map<uint32_t, std::string> names_;
};

TEST_F(ReplicationTest, DecodesTheExactChangeSequence) {
  Connection repl = connect_replication();
  postgres::CreateSlotOptions slot_options;
  slot_options.slot_name = "rb_slot";
  slot_options.temporary = true;
  auto slot = postgres::create_replication_slot(repl, slot_options);
  ASSERT_TRUE(slot.has_value()) << slot.error().to_string();
  ASSERT_TRUE(slot->snapshot_name.has_value());

  LibpqSession s = admin();
  // Transaction 1, after the slot: streamed, but not in the exported snapshot.
  s.exec("INSERT INTO items VALUES (1, 'one', NULL, 'happy')");
  {
    LibpqSession snap = admin();
    snap.exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
    snap.exec("SET TRANSACTION SNAPSHOT " + snap.literal(*slot->snapshot_name));
    EXPECT_EQ(snap.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM items"), "0");
    snap.exec("COMMIT");
  }
  EXPECT_EQ(s.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM items"), "0,1");

  const std::string big =
      *s.value("SELECT string_agg(md5(g::text), '') FROM generate_series(1, 100) g");
  ASSERT_EQ(big.size(), 3200u);
  // Transaction 2: an out-of-line TOASTed value, then an update leaving it alone.
  s.exec("BEGIN");
  const std::string xid2 = *s.value("SELECT pg_current_xact_id()::text");
  s.exec("INSERT INTO items VALUES (2, 'two', " + s.literal(big) + ", NULL)");
  s.exec("UPDATE items SET name = 'deux' WHERE id = 2");
  s.exec("COMMIT");
  // Transactions 3-6.
  s.exec("UPDATE items SET id = 10 WHERE id = 1");
  s.exec("DELETE FROM items WHERE id = 10");
  s.exec("TRUNCATE items");
  s.exec("DELETE FROM full_items");
  // Transaction 7 carries a replication origin.
  s.exec("SELECT pg_replication_origin_session_setup('rb_origin')");
  s.exec("BEGIN");
  s.exec("SELECT pg_replication_origin_xact_setup('0/ABCDEF', '2020-01-01 00:00:00+00')");
  s.exec("INSERT INTO items VALUES (3, 'three', NULL, 'sad')");
  s.exec("COMMIT");
  s.exec("SELECT pg_replication_origin_session_reset()");

  const std::string items = *s.value("SELECT 'items'::regclass::oid::text");
  const std::string full = *s.value("SELECT 'full_items'::regclass::oid::text");
  const std::string mood = *s.value("SELECT 'rb_mood'::regtype::oid::text");

  postgres::StartReplicationOptions start;
  start.slot_name = "rb_slot";
  start.start_lsn = slot->consistent_point;
  start.publication_names = {"rb_pub"};
  auto stream = ReplicationStream::start(repl, start);
  ASSERT_TRUE(stream.has_value()) << stream.error().to_string();

  Describer describe;
  std::vector<std::string> seen;
  std::vector<pgoutput::Begin> begins;
  std::vector<pgoutput::Commit> commits;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (commits.size() < 7 && std::chrono::steady_clock::now() < deadline) {
    auto next = stream->next();
    ASSERT_TRUE(next.has_value()) << next.error().to_string();
    ASSERT_TRUE(next->has_value()) << "server ended the stream";
    if (const auto* k = std::get_if<PrimaryKeepalive>(&**next)) {
      if (k->reply_requested) {
        ASSERT_TRUE(stream->send_status(0, 0, 0).has_value());
      }
      continue;
    }
    const auto& x = std::get<XLogData>(**next);
    auto m = pgoutput::decode(x.data);
    ASSERT_TRUE(m.has_value()) << m.error().to_string();
    if (const auto* b = std::get_if<pgoutput::Begin>(&*m)) begins.push_back(*b);
    if (const auto* c = std::get_if<pgoutput::Commit>(&*m)) commits.push_back(*c);
    std::string line = describe(*m);
    // The 3200-byte value, exactly, shown short.
    if (const size_t at = line.find(big); at != std::string::npos)
      line.replace(at, big.size(), "<big>");
    seen.push_back(std::move(line));
  }

  const std::string items_relation = "RELATION " + items + " public.items d id:23:-1:key " +
                                     "name:25:-1 big:25:-1 mood:" + mood + ":-1";
  const std::vector<std::string> expected = {
      // 1
      "BEGIN",
      "TYPE " + mood + " public.rb_mood",
      items_relation,
      "INSERT items ('1', 'one', null, 'happy')",
      "COMMIT flags=0",
      // 2
      "BEGIN",
      "INSERT items ('2', 'two', '<big>', null)",
      "UPDATE items new ('2', 'deux', unchanged-toast, null)",
      "COMMIT flags=0",
      // 3: the key changed, so the old key comes along
      "BEGIN",
      "UPDATE items old K('1', null, null, null) new ('10', 'one', null, 'happy')",
      "COMMIT flags=0",
      // 4
      "BEGIN",
      "DELETE items old K('10', null, null, null)",
      "COMMIT flags=0",
      // 5: decoding the truncate's catalog change invalidates the relation
      // first, so its schema is sent again before the Truncate
      "BEGIN",
      "TYPE " + mood + " public.rb_mood",
      items_relation,
      "TRUNCATE options=0 items",
      "COMMIT flags=0",
      // 6: REPLICA IDENTITY FULL: every column is key, the old row is whole
      "BEGIN",
      "RELATION " + full + " public.full_items f a:23:-1:key b:25:-1:key",
      "DELETE full_items old O('1', 'x')",
      "COMMIT flags=0",
      // 7: the truncate gave the table a new file: its schema is sent again
      "BEGIN",
      "ORIGIN 0/ABCDEF rb_origin",
      "TYPE " + mood + " public.rb_mood",
      items_relation,
      "INSERT items ('3', 'three', null, 'sad')",
      "COMMIT flags=0",
  };
  EXPECT_EQ(seen, expected);

  ASSERT_EQ(begins.size(), 7u);
  ASSERT_EQ(commits.size(), 7u);
  EXPECT_EQ(std::to_string(begins[1].xid), xid2);
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(begins[i].final_lsn, commits[i].commit_lsn) << i;
    EXPECT_EQ(begins[i].commit_time_us, commits[i].commit_time_us) << i;
    EXPECT_GT(commits[i].end_lsn, commits[i].commit_lsn) << i;
    EXPECT_GT(commits[i].commit_lsn, slot->consistent_point) << i;
    if (i > 0) {
      EXPECT_GT(commits[i].commit_lsn, commits[i - 1].end_lsn - 1) << i;
    }
  }

  // Confirm everything; asking for a reply makes the server answer with a
  // keepalive, and the slot's confirmed position follows.
  const Lsn flushed = commits.back().end_lsn;
  ASSERT_TRUE(stream->send_status(flushed, flushed, flushed, true).has_value());
  for (;;) {
    auto next = stream->next();
    ASSERT_TRUE(next.has_value() && next->has_value());
    if (const auto* k = std::get_if<PrimaryKeepalive>(&**next)) {
      EXPECT_GE(k->wal_end, flushed);
      break;
    }
  }
  std::optional<std::string> confirmed;
  for (int i = 0; i < 50; ++i) {
    confirmed = s.value(
        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'rb_slot'");
    if (confirmed == postgres::format_lsn(flushed)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(confirmed, postgres::format_lsn(flushed));

  // After stopping, the session takes commands again.
  ASSERT_TRUE(stream->stop().has_value());
  auto id = postgres::identify_system(repl);
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
}

}  // namespace
}  // namespace rapidbyte::test
