// Connection: one PostgreSQL v3 protocol session over a Transport — startup
// and authentication, simple and extended queries, binary COPY in both
// directions, and the session state the server reports (parameters,
// transaction status, the backend key for cancelling).
//
// Ownership: the connection owns its transport (handed over to connect()),
// its buffers and its server parameters. Results are streamed to caller
// callbacks; spans passed to a callback point into the connection's read
// buffer and are valid only during that call, so nothing is buffered per
// table. Move-only; not thread-safe: one call at a time. After a transport
// or protocol error the connection is broken and every call fails.
//
// Errors: a server ErrorResponse ends the current call with that error once
// the server is ready again (so the connection stays usable); a callback's
// error does the same after the remaining results are drained.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "portable/postgres/backend_messages.hpp"
#include "portable/postgres/message_stream.hpp"
#include "portable/postgres/result.hpp"
#include "portable/postgres/transport.hpp"

namespace rapidbyte::postgres {

enum class SslMode : uint8_t {
  kDisable,  // never send SSLRequest
  kPrefer,   // send SSLRequest; go on in plain text when the server declines
  kRequire,  // send SSLRequest; fail when the server declines
};

// Called with the plain transport once the server has accepted SSLRequest;
// returns the encrypted transport (the host's TLS stream) the session then
// runs over, or an error.
using TlsUpgrade =
    std::function<Result<std::unique_ptr<Transport>>(std::unique_ptr<Transport> plain)>;

// Opens a new plain connection to the same server, for a CancelRequest.
using CancelTransport = std::function<Result<std::unique_ptr<Transport>>()>;

struct ConnectOptions {
  std::string user;
  std::string database;  // empty: the server uses the user name
  std::string password;  // used only when the server asks for one
  std::string application_name = "rapidbyte";
  // Further startup parameters, e.g. {"options", "-c statement_timeout=0"}.
  std::vector<std::pair<std::string, std::string>> parameters;
  SslMode ssl_mode = SslMode::kDisable;
  TlsUpgrade tls_upgrade;  // REQUIRED unless ssl_mode is kDisable
  uint32_t max_message_bytes = MessageStream::kDefaultMaxMessageBytes;
  // When set, a COPY TO whose consumer fails is cancelled on the server
  // (CancelRequest) instead of being read to its end and dropped, which for
  // a large table is most of the table.
  CancelTransport cancel_transport;
};

// A bound parameter: binary (format 1, the default) or text (format 0).
struct Param {
  uint32_t type_oid = 0;                      // 0 lets the server infer the type
  std::optional<std::vector<uint8_t>> value;  // nullopt is SQL NULL
  int16_t format = 1;

  static Param null(uint32_t type_oid = 0) { return Param{type_oid, std::nullopt, 1}; }
  static Param text(std::string_view v, uint32_t type_oid = 0) {
    return Param{type_oid, std::vector<uint8_t>(v.begin(), v.end()), 0};
  }
  static Param binary(std::vector<uint8_t> v, uint32_t type_oid) {
    return Param{type_oid, std::move(v), 1};
  }
};

enum class ResultFormat : int16_t { kText = 0, kBinary = 1 };

// Receives the rows of one statement: the description first, then each row.
struct RowSink {
  std::function<Result<void>(const std::vector<FieldDescription>&)> on_description;
  std::function<Result<void>(std::span<const ColumnValue>)> on_row;
};

// The rows of one statement of a simple query, in text format.
struct TextResult {
  std::vector<FieldDescription> fields;
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::string command_tag;
};

struct PreparedStatement {
  std::string name;  // empty: the unnamed statement
  std::vector<uint32_t> param_oids;
  std::vector<FieldDescription> fields;  // empty when it returns no rows
};

struct CommandResult {
  std::string command_tag;  // "SELECT 3", "INSERT 0 1", "COPY 10"
  uint64_t rows = 0;
};

class Connection {
 public:
  // Negotiates SSL as asked, sends the startup message, authenticates
  // (trust, cleartext, md5, SCRAM-SHA-256) and waits for ReadyForQuery.
  // Sets client_encoding UTF8 and DateStyle ISO.
  static Result<Connection> connect(std::unique_ptr<Transport> transport,
                                    const ConnectOptions& options);

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Sends Terminate (best effort) and closes the transport.
  ~Connection();

  // Simple query protocol: one or more statements, rows in text format.
  Result<std::vector<TextResult>> simple_query(std::string_view sql);

  // Parses a statement (named, or unnamed when name is empty) and
  // describes its parameters and result columns.
  Result<PreparedStatement> prepare(std::string name, std::string_view sql,
                                    std::span<const uint32_t> param_oids = {});
  // Binds and runs a prepared statement; rows go to `sink`.
  Result<CommandResult> execute(const PreparedStatement& statement, std::span<const Param> params,
                                const RowSink& sink, ResultFormat format = ResultFormat::kBinary);
  // Parse, bind, describe and execute the unnamed statement in one round
  // trip.
  Result<CommandResult> query(std::string_view sql, std::span<const Param> params,
                              const RowSink& sink, ResultFormat format = ResultFormat::kBinary);
  Result<void> close_statement(std::string_view name);

  // COPY ... TO STDOUT: every CopyData payload goes to `on_data` as it
  // arrives. Returns the row count from the command tag. When `on_data`
  // fails, the rest of the COPY is cancelled (with
  // ConnectOptions::cancel_transport) or else read and dropped; the
  // callback's error is returned and the connection stays usable.
  Result<uint64_t> copy_out(std::string_view sql,
                            const std::function<Result<void>(std::span<const uint8_t>)>& on_data);
  // The same, but each call of `on_chunks` gets every CopyData payload that
  // has been received so far, in order (the server sends a row per CopyData,
  // so a decoder can work on many rows at once).
  using CopyChunksHandler = std::function<Result<void>(std::span<const std::span<const uint8_t>>)>;
  Result<uint64_t> copy_out_chunks(std::string_view sql, const CopyChunksHandler& on_chunks);

  // COPY ... FROM STDIN: begin, write any number of chunks, then end (which
  // returns the row count) or abort (the server rolls the COPY back).
  Result<void> copy_in_begin(std::string_view sql);
  Result<void> copy_in_write(std::span<const uint8_t> data);
  Result<uint64_t> copy_in_end();
  Result<void> copy_in_abort(std::string_view reason);

  // CopyBoth, the mode START_REPLICATION switches a replication connection
  // to. copy_both_begin sends the statement and waits for CopyBothResponse.
  // copy_both_read returns the next CopyData payload (valid until the next
  // call on the connection), or nullopt once the server has ended its side
  // (CopyDone); a server error ends the exchange and is returned.
  // copy_both_write sends one CopyData message. copy_both_end sends CopyDone
  // and reads everything up to ReadyForQuery.
  Result<void> copy_both_begin(std::string_view sql);
  Result<std::optional<std::span<const uint8_t>>> copy_both_read();
  Result<void> copy_both_write(std::span<const uint8_t> data);
  Result<void> copy_both_end();
  bool in_copy_both() const { return in_copy_both_; }

  // Server parameter reported by ParameterStatus (server_version,
  // TimeZone, integer_datetimes...), or nullopt.
  std::optional<std::string_view> parameter(std::string_view name) const;
  TransactionStatus transaction_status() const { return transaction_status_; }
  const BackendKey& backend_key() const { return backend_key_; }
  bool is_broken() const { return broken_; }

  // Called for every NoticeResponse (default: ignored).
  void set_notice_handler(std::function<void(const PgError&)> handler) {
    notice_handler_ = std::move(handler);
  }

 private:
  explicit Connection(std::unique_ptr<Transport> transport, uint32_t max_message_bytes)
      : stream_(std::make_unique<MessageStream>(std::move(transport), max_message_bytes)) {}

  Result<void> negotiate_ssl(const ConnectOptions& options);
  Result<void> startup(const ConnectOptions& options);
  Result<void> authenticate(const ConnectOptions& options, const Authentication& request);
  Result<void> scram(const ConnectOptions& options, const Authentication& request);

  // The next message that is not asynchronous (notices, parameter status
  // and notifications are handled here). Marks the connection broken on
  // transport and protocol errors.
  Result<BackendMessage> next();
  Result<void> send();

  // What a reply handler did with one message of a cycle (see read_replies).
  enum class Reply {
    kConsumed,   // handled: read the next message
    kNotMine,    // left to read_replies' common cases
    kCycleDone,  // the caller's exchange is complete before ReadyForQuery
  };
  using ReplyHandler = std::function<Result<Reply>(const BackendMessage&)>;

  // The one loop over the server's replies to a request, up to and including
  // ReadyForQuery. Each message goes to `handle` first (an error it returns
  // ends the loop at once); what it leaves is handled here, the same for
  // every request: ErrorResponse drains the cycle and reports the server's
  // error, ReadyForQuery records the transaction status and ends the cycle,
  // anything else breaks the connection with an error naming `during`.
  // `deferred`, when set by the handler's callbacks, is an error to report
  // instead of success or the server's error once the cycle has ended (the
  // connection stays usable).
  Result<void> read_replies(const char* during, const ReplyHandler& handle,
                            std::optional<PgError>* deferred = nullptr);
  // Reads the rest of a cycle, ignoring everything but ReadyForQuery, and
  // returns `error` (the transport's own error is dropped in its favour: a
  // FATAL server error closes the connection and is the reason to report).
  std::unexpected<PgError> fail_cycle(PgError error);
  Result<void> check_usable() const;
  // Asks the server to cancel the statement now running (see
  // ConnectOptions::cancel_transport); does nothing without one.
  void cancel_running_statement();
  // Sends `sql` as a simple query and waits until the server enters the COPY
  // mode whose response type is `expected_response`; `not_copy_message`
  // names the failure when the statement turns out not to be such a COPY.
  Result<void> start_copy(std::string_view sql, char expected_response,
                          std::string_view not_copy_message, const char* phase);
  Result<CommandResult> read_execution(const RowSink& sink,
                                       const std::vector<FieldDescription>* known_fields);
  void write_bind(std::string_view statement, std::span<const Param> params, ResultFormat format);

  std::unique_ptr<MessageStream> stream_;
  std::vector<std::pair<std::string, std::string>> parameters_;
  BackendKey backend_key_;
  CancelTransport cancel_transport_;
  TransactionStatus transaction_status_ = TransactionStatus::kIdle;
  std::function<void(const PgError&)> notice_handler_;
  std::vector<ColumnValue> row_;                       // reused per DataRow
  std::vector<std::span<const uint8_t>> copy_chunks_;  // reused per run of CopyData
  bool broken_ = false;
  bool in_copy_in_ = false;
  bool in_copy_both_ = false;
  bool server_copy_done_ = false;  // the server sent CopyDone in CopyBoth
};

// Asks the server to cancel the running query of the session `key` belongs
// to, over a fresh transport to the same server (the caller opens it; this
// writes the CancelRequest and closes it). The server does not answer; it
// closes the connection once the session has been signalled, and this waits
// for that (as libpq does): when this returns the signal is on its way, so
// the cancel cannot land on a later statement of the session.
Result<void> send_cancel_request(Transport& fresh, const BackendKey& key);

}  // namespace rapidbyte::postgres
