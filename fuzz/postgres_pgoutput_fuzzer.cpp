// libFuzzer target for the logical replication path: the input is decoded
// directly as a pgoutput message and as a replication CopyData payload
// (XLogData / keepalive), and also played as a whole server session that
// accepts START_REPLICATION and then streams whatever the input holds, each
// XLogData decoded with pgoutput. Errors are the expected outcome; any
// crash, over-read (ASan) or UB (UBSan) is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

#include "portable/postgres/connection.hpp"
#include "portable/postgres/replication/pgoutput_decoder.hpp"
#include "portable/postgres/replication/replication_messages.hpp"
#include "portable/postgres/replication/replication_stream.hpp"
#include "tests/postgres/scripted_transport.hpp"

using namespace rapidbyte::postgres;

namespace {

void decode_xlog(const ReplicationMessage& message) {
  if (const auto* x = std::get_if<XLogData>(&message)) (void)pgoutput::decode(x->data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  (void)pgoutput::decode(input);
  if (Result<ReplicationMessage> m = parse_replication_message(input); m) decode_xlog(*m);

  // A server that authenticates (trust), accepts CopyBoth, then sends the
  // input as its stream.
  test::ServerScript script;
  script.msg('R', test::be32(0)).msg('Z', {'I'}).msg('W', {0, 0, 0});
  std::vector<uint8_t> bytes = script.bytes();
  bytes.insert(bytes.end(), data, data + size);
  ConnectOptions options;
  options.user = "fuzz";
  enable_logical_replication(options);
  Result<Connection> c =
      Connection::connect(std::make_unique<test::ScriptedTransport>(bytes, 61), options);
  if (!c) return 0;
  StartReplicationOptions start;
  start.slot_name = "s";
  start.publication_names = {"p"};
  Result<ReplicationStream> stream = ReplicationStream::start(*c, start);
  if (!stream) return 0;
  for (int i = 0; i < 64; ++i) {
    Result<std::optional<ReplicationMessage>> next = stream->next();
    if (!next || !next->has_value()) break;
    decode_xlog(**next);
    if (i == 1) (void)stream->send_status(1, 1, 1, true);
  }
  (void)stream->stop();
  return 0;
}
