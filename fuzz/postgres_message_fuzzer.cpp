// libFuzzer target for the PostgreSQL client's handling of server bytes:
// the input is played as everything a server sends — through framing
// (MessageStream), every backend-message parser, and a whole session
// (startup, auth, a simple and an extended query, COPY OUT). Any crash,
// over-read (ASan) or UB (UBSan) is a bug; errors are the expected outcome.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "portable/postgres/backend_messages.hpp"
#include "portable/postgres/connection.hpp"
#include "portable/postgres/message_stream.hpp"
#include "tests/postgres/scripted_transport.hpp"

using namespace rapidbyte::postgres;

namespace {

void parse_everything(std::span<const uint8_t> body) {
  std::vector<ColumnValue> row;
  (void)parse_error_fields(body);
  (void)parse_authentication(body);
  (void)parse_parameter_status(body);
  (void)parse_backend_key_data(body);
  (void)parse_ready_for_query(body);
  (void)parse_row_description(body);
  (void)parse_parameter_description(body);
  (void)parse_data_row(body, row);
  (void)parse_command_complete(body);
  (void)parse_copy_response(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  {
    MessageStream stream(std::make_unique<test::ScriptedTransport>(bytes, 13), 1 << 20);
    for (int i = 0; i < 64; ++i) {
      Result<BackendMessage> m = stream.read_message();
      if (!m) break;
      parse_everything(m->body);
    }
  }
  ConnectOptions options;
  options.user = "fuzz";
  options.password = "pw";
  Result<Connection> c =
      Connection::connect(std::make_unique<test::ScriptedTransport>(bytes, 64), options);
  if (c) {
    RowSink sink{[](const std::vector<FieldDescription>&) -> Result<void> { return {}; },
                 [](std::span<const ColumnValue>) -> Result<void> { return {}; }};
    (void)c->simple_query("SELECT 1");
    (void)c->query("SELECT $1", std::vector<Param>{Param::text("x")}, sink);
    (void)c->copy_out("COPY t TO STDOUT",
                      [](std::span<const uint8_t>) -> Result<void> { return {}; });
  }
  return 0;
}
