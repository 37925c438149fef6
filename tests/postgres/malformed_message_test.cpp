// Malformed and truncated server messages: each is a clean error (protocol
// or connection), never a crash or an over-read. Run under ASan to be sure.
#include <gtest/gtest.h>

#include <memory>

#include "portable/postgres/backend_messages.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/postgres/message_stream.hpp"
#include "tests/postgres/scripted_transport.hpp"

namespace rapidbyte::postgres {
namespace {

using test::be32;
using test::cat;
using test::ScriptedTransport;
using test::ServerScript;
using test::str;

Result<BackendMessage> first_message(std::vector<uint8_t> script, uint32_t max = 1024) {
  static std::unique_ptr<MessageStream> stream;  // keeps the body alive for the caller
  stream =
      std::make_unique<MessageStream>(std::make_unique<ScriptedTransport>(std::move(script)), max);
  return stream->read_message();
}

TEST(MessageFraming, ReassemblesAMessageSplitAcrossReads) {
  Result<BackendMessage> m =
      first_message(ServerScript().msg('S', cat({str("a"), str("b")})).bytes());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->type, 'S');
  EXPECT_EQ(m->body.size(), 4u);
}

TEST(MessageFraming, LengthBelowFourIsAProtocolError) {
  Result<BackendMessage> m = first_message({'Z', 0, 0, 0, 3});
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().source, PgErrorSource::kProtocol);
  EXPECT_EQ(m.error().message, "protocol violation: message length 3 is less than 4");
}

TEST(MessageFraming, LengthAboveTheLimitIsAProtocolError) {
  Result<BackendMessage> m = first_message({'D', 0x7f, 0xff, 0xff, 0xff});
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().message,
            "protocol violation: message of 2147483647 bytes exceeds the limit of 1024");
}

TEST(MessageFraming, TruncatedMessageIsAConnectionError) {
  Result<BackendMessage> m = first_message({'Z', 0, 0, 0, 9, 'I'});
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().source, PgErrorSource::kConnection);
  EXPECT_EQ(m.error().category, protocol::ErrorCategory::kTransientDb);
  EXPECT_EQ(m.error().message, "server closed the connection unexpectedly");
}

TEST(BackendMessages, RowDescriptionWithMissingFields) {
  // Claims 3 fields, carries one name only.
  Result<std::vector<FieldDescription>> r = parse_row_description(cat({{0, 3}, str("a")}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "protocol violation: message truncated");
  EXPECT_FALSE(
      parse_row_description(std::vector<uint8_t>{0xff, 0xff}).has_value());  // negative count
}

TEST(BackendMessages, DataRowValueLongerThanTheMessage) {
  std::vector<ColumnValue> row;
  EXPECT_FALSE(parse_data_row(cat({{0, 1}, be32(100), {1, 2, 3}}), row).has_value());
  EXPECT_FALSE(parse_data_row(cat({{0, 1}, be32(-2)}), row).has_value());
  EXPECT_FALSE(parse_data_row(cat({{0, 1}, be32(0x7fffffff)}), row).has_value());
  EXPECT_FALSE(parse_data_row(cat({{0, 1}, be32(1), {1, 2}}), row).has_value());  // trailing
  const std::vector<uint8_t> body = cat({{0, 2}, be32(-1), be32(1), {7}});
  ASSERT_TRUE(parse_data_row(body, row).has_value());
  ASSERT_EQ(row.size(), 2u);
  EXPECT_TRUE(row[0].is_null);
  EXPECT_EQ(row[1].bytes[0], 7);
}

TEST(BackendMessages, UnterminatedErrorFields) {
  Result<PgError> r = parse_error_fields(cat({{'S'}, str("ERROR", false)}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "protocol violation: string not terminated");
  EXPECT_FALSE(
      parse_error_fields(std::vector<uint8_t>{}).has_value());  // no terminator byte at all
}

TEST(BackendMessages, ErrorFieldsAreMapped) {
  Result<PgError> r = parse_error_fields(cat({{'S'},
                                              str("ERREUR"),
                                              {'V'},
                                              str("ERROR"),
                                              {'C'},
                                              str("42P01"),
                                              {'M'},
                                              str("relation \"x\" does not exist"),
                                              {'P'},
                                              str("15"),
                                              {'H'},
                                              str("h"),
                                              {'D'},
                                              str("d"),
                                              {'Z'},
                                              str("future field"),
                                              {0}}));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->severity, "ERROR");
  EXPECT_EQ(r->sqlstate, "42P01");
  EXPECT_EQ(r->position, 15);
  EXPECT_EQ(r->category, protocol::ErrorCategory::kSchema);
  EXPECT_EQ(r->to_string(), "ERROR 42P01: relation \"x\" does not exist (detail: d) (hint: h)");
}

TEST(BackendMessages, AuthenticationAndCopyResponseBounds) {
  EXPECT_FALSE(parse_authentication(cat({be32(5), {1, 2}})).has_value());  // short md5 salt
  EXPECT_FALSE(parse_authentication(cat({be32(10), str("SCRAM", false)})).has_value());
  EXPECT_FALSE(parse_copy_response(std::vector<uint8_t>{1, 0, 3, 0, 1}).has_value());
  EXPECT_FALSE(parse_ready_for_query(std::vector<uint8_t>{'X'}).has_value());
  EXPECT_FALSE(parse_ready_for_query(std::vector<uint8_t>{'I', 'I'}).has_value());
  EXPECT_FALSE(parse_backend_key_data(std::vector<uint8_t>{0, 0, 0, 1}).has_value());
  EXPECT_FALSE(parse_parameter_description(std::vector<uint8_t>{0, 2, 0, 0, 0, 23}).has_value());
}

TEST(SqlstateCategories, FollowTheConnectorContract) {
  using protocol::ErrorCategory;
  EXPECT_EQ(category_for_sqlstate("28P01"), ErrorCategory::kAuth);
  EXPECT_EQ(category_for_sqlstate("42501"), ErrorCategory::kPermission);
  EXPECT_EQ(category_for_sqlstate("08006"), ErrorCategory::kTransientDb);
  EXPECT_EQ(category_for_sqlstate("40001"), ErrorCategory::kTransientDb);
  EXPECT_EQ(category_for_sqlstate("40P01"), ErrorCategory::kTransientDb);
  EXPECT_EQ(category_for_sqlstate("55P03"), ErrorCategory::kTransientDb);  // lock_timeout
  EXPECT_EQ(category_for_sqlstate("57P01"), ErrorCategory::kTransientDb);
  EXPECT_EQ(category_for_sqlstate("57P03"), ErrorCategory::kTransientDb);
  EXPECT_EQ(category_for_sqlstate("22003"), ErrorCategory::kData);
  EXPECT_EQ(category_for_sqlstate("23505"), ErrorCategory::kData);
  EXPECT_EQ(category_for_sqlstate("42P01"), ErrorCategory::kSchema);
  EXPECT_EQ(category_for_sqlstate("42703"), ErrorCategory::kSchema);
  EXPECT_EQ(category_for_sqlstate("42601"), ErrorCategory::kSchema);
  EXPECT_EQ(category_for_sqlstate("3D000"), ErrorCategory::kConfig);
  EXPECT_EQ(category_for_sqlstate("XX000"), ErrorCategory::kInternal);
}

TEST(ConnectionStartup, GarbageFromTheServerIsAnError) {
  const std::vector<std::vector<uint8_t>> scripts = {
      {},                                                      // closed at once
      ServerScript().msg('R', be32(99)).bytes(),               // unsupported auth
      ServerScript().msg('R', {0, 0}).bytes(),                 // truncated auth code
      ServerScript().msg('R', be32(0)).msg('Q', {}).bytes(),   // not a backend message
      ServerScript().msg('R', be32(0)).msg('K', {1}).bytes(),  // short key data
      ServerScript().msg('R', be32(0)).msg('Z', {'?'}).bytes(),
      ServerScript().msg('R', be32(10)).bytes(),  // SASL without mechanisms terminator
      ServerScript().msg('R', cat({be32(10), str("PLAIN"), {0}})).bytes(),
      ServerScript()
          .msg('R', cat({be32(10), str("SCRAM-SHA-256"), {0}}))
          .msg('R', cat({be32(11), str("r=x,s=AA==,i=1", false)}))
          .bytes(),  // nonce does not extend ours
  };
  for (size_t i = 0; i < scripts.size(); ++i) {
    ConnectOptions options;
    options.user = "u";
    options.password = "p";
    Result<Connection> c =
        Connection::connect(std::make_unique<ScriptedTransport>(scripts[i]), options);
    EXPECT_FALSE(c.has_value()) << "script " << i;
  }
}

TEST(ConnectionStartup, TrustThenReady) {
  auto script = ServerScript()
                    .msg('R', be32(0))
                    .msg('S', cat({str("server_version"), str("15.8")}))
                    .msg('K', cat({be32(42), be32(7)}))
                    .msg('Z', {'I'})
                    .bytes();
  ConnectOptions options;
  options.user = "u";
  Result<Connection> c = Connection::connect(std::make_unique<ScriptedTransport>(script), options);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->parameter("server_version"), "15.8");
  EXPECT_EQ(c->backend_key().process_id, 42);
  EXPECT_EQ(c->backend_key().secret_key, 7);
  EXPECT_EQ(c->transaction_status(), TransactionStatus::kIdle);
}

TEST(ConnectionStartup, SslRequestRefusedWithRequireFails) {
  ConnectOptions options;
  options.user = "u";
  options.ssl_mode = SslMode::kRequire;
  options.tls_upgrade = [](std::unique_ptr<Transport> t) -> Result<std::unique_ptr<Transport>> {
    return t;
  };
  Result<Connection> c =
      Connection::connect(std::make_unique<ScriptedTransport>(std::vector<uint8_t>{'N'}), options);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().category, protocol::ErrorCategory::kConfig);
}

TEST(ConnectionStartup, SslAcceptedHandsTheTransportToTheUpgrade) {
  // 'S', then the "TLS" stream (here: the same bytes) carries the session.
  auto script = cat({{'S'}, ServerScript().msg('R', be32(0)).msg('Z', {'I'}).bytes()});
  ConnectOptions options;
  options.user = "u";
  options.ssl_mode = SslMode::kPrefer;
  bool upgraded = false;
  options.tls_upgrade = [&](std::unique_ptr<Transport> t) -> Result<std::unique_ptr<Transport>> {
    upgraded = true;
    return t;
  };
  // One byte per read, so nothing beyond 'S' is buffered before the upgrade.
  Result<Connection> c =
      Connection::connect(std::make_unique<ScriptedTransport>(script, 1), options);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(upgraded);
}

TEST(ConnectionStartup, UnencryptedBytesAfterSslAcceptIsRejected) {
  auto script = cat({{'S'}, ServerScript().msg('R', be32(0)).bytes()});
  ConnectOptions options;
  options.user = "u";
  options.ssl_mode = SslMode::kRequire;
  options.tls_upgrade = [](std::unique_ptr<Transport> t) -> Result<std::unique_ptr<Transport>> {
    return t;
  };
  Result<Connection> c =
      Connection::connect(std::make_unique<ScriptedTransport>(script, 64), options);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message,
            "protocol violation: server sent unencrypted data after accepting SSL");
}

// The replies to one request are read by one loop: these pin its common cases
// for every kind of request.
Result<Connection> connected_to(std::vector<uint8_t> replies_after_startup) {
  auto script =
      cat({ServerScript().msg('R', be32(0)).msg('Z', {'I'}).bytes(), replies_after_startup});
  ConnectOptions options;
  options.user = "u";
  return Connection::connect(std::make_unique<ScriptedTransport>(std::move(script)), options);
}

std::vector<uint8_t> error_fields(const char* sqlstate, const char* message) {
  return cat({{'V'}, str("ERROR"), {'C'}, str(sqlstate), {'M'}, str(message), {0}});
}

TEST(ReplyCycle, UnexpectedMessageBreaksTheConnectionNamingTheRequest) {
  Result<Connection> c = connected_to(ServerScript().msg('W', be32(0)).bytes());
  ASSERT_TRUE(c.has_value()) << c.error().message;
  Result<std::vector<TextResult>> r = c->simple_query("SELECT 1");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "protocol violation: unexpected message 'W' during simple query");
  EXPECT_TRUE(c->is_broken());
}

TEST(ReplyCycle, ServerErrorDrainsTheCycleAndTheConnectionStaysUsable) {
  Result<Connection> c = connected_to(ServerScript()
                                          .msg('E', error_fields("42P01", "first"))
                                          .msg('C', str("SELECT 0"))
                                          .msg('E', error_fields("XX000", "second"))
                                          .msg('Z', {'E'})
                                          .msg('C', str("SELECT 0"))
                                          .msg('Z', {'I'})
                                          .bytes());
  ASSERT_TRUE(c.has_value()) << c.error().message;
  Result<std::vector<TextResult>> failed = c->simple_query("SELECT * FROM nope");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().to_string(), "ERROR 42P01: first");
  EXPECT_FALSE(c->is_broken());
  EXPECT_EQ(c->transaction_status(), TransactionStatus::kFailed);
  Result<std::vector<TextResult>> next = c->simple_query("SELECT 1 WHERE false");
  ASSERT_TRUE(next.has_value()) << next.error().message;
  ASSERT_EQ(next->size(), 1U);
  EXPECT_EQ((*next)[0].command_tag, "SELECT 0");
}

TEST(ReplyCycle, ACallbackErrorWinsOverTheServerErrorThatFollows) {
  Result<Connection> c = connected_to(ServerScript()
                                          .msg('H', cat({{0}, {0, 0}}))  // CopyOutResponse
                                          .msg('d', str("row", false))
                                          .msg('E', error_fields("57014", "canceled"))
                                          .msg('Z', {'I'})
                                          .bytes());
  ASSERT_TRUE(c.has_value()) << c.error().message;
  Result<uint64_t> r =
      c->copy_out("COPY t TO STDOUT", [](std::span<const uint8_t>) -> Result<void> {
        return fail(data_error("consumer is full"));
      });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "consumer is full");
  EXPECT_FALSE(c->is_broken());
}

}  // namespace
}  // namespace rapidbyte::postgres
